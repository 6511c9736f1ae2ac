// `hotpath serve-report RUN [--format text|md|json] [--slo ttft=...,tpot=...]
// [--traffic FILE]`: the serving summary of a run file (requests, latency
// percentiles, throughput, goodput, server load, KV and prefix cache, workload
// class, client/server correlation).
#include <CLI/CLI.hpp>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "app/cli_load.h"
#include "app/commands.h"
#include "core/import/registry.h"
#include "core/report/serve_report.h"
#include "core/serving/correlate.h"
#include "core/serving/log_run.h"
#include "core/serving/metric_map.h"
#include "core/serving/traffic.h"
#include "core/store/serving_store.h"
#include "core/store/sqlite_db.h"
#include "core/util/input_file.h"

namespace hp {

namespace {

// A run file, or a server log read directly (its requests rebuilt from the log's request lines).
ServingData load_serving_input(const std::string& path) {
  std::string head(16, '\0');
  {
    std::ifstream in(path, std::ios::binary);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
  }
  if (has_sqlite_header(head)) return read_serving(path);
  return serving::log_run_from_file(path).data;
}

serving::Traffic load_traffic(const std::string& path) {
  LoadProgress progress;
  InputBuffer buf = read_input_file(path, progress);
  std::string_view text = buf.view();
  std::string name = std::filesystem::path(path).filename().string();
  if (name.find("mooncake") != std::string::npos) return serving::load_mooncake(text);
  if (name.ends_with(".csv")) return serving::load_azure_csv(text);
  size_t p = text.find_first_not_of(" \t\r\n");
  if (p != std::string_view::npos && text[p] == '[') return serving::load_sharegpt(text);
  if (text.find("\"hash_ids\"") != std::string_view::npos) return serving::load_mooncake(text);
  return serving::load_jsonl(text);
}

}  // namespace

void add_serve_report_command(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::string run, format = "text", slo, traffic;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* sub = app.add_subcommand("serve-report",
                                     "Summarize a serving run: latency, throughput, goodput, "
                                     "server load, KV/prefix cache, workload class");
  sub->add_option("run", opts->run,
                  "The run file (.hotpath) written by serve-profile or import, or a server log")
      ->required();
  sub->add_option("--format", opts->format, "text, md or json")->check(CLI::IsMember({"text", "md", "json"}));
  sub->add_option("--slo", opts->slo, "Goodput SLOs, e.g. ttft=200,tpot=50 (ms; 's' suffix for seconds)");
  sub->add_option("--traffic", opts->traffic, "Traffic file the run replayed, for prefix-sharing analysis");
  sub->callback([opts, &ctx] {
    if ((ctx.exit_code = check_inputs_exist({opts->run}))) return;
    try {
      ServeReportOptions ro;
      ro.slo = serving::parse_slo(opts->slo);
      serving::PrefixInput prompts;
      if (!opts->traffic.empty()) {
        if ((ctx.exit_code = check_inputs_exist({opts->traffic}))) return;
        prompts = serving::prefix_input_from_traffic(load_traffic(opts->traffic));
        ro.prefix = &prompts;
      }
      ServingData data = load_serving_input(opts->run);
      if (data.empty()) {
        std::cerr << "hotpath: " << opts->run << ": no serving data (requests, metrics or log series)\n";
        ctx.exit_code = 1;
        return;
      }
      // Server log events stored but not yet joined to the requests: correlate now.
      const bool joined = std::any_of(data.requests.begin(), data.requests.end(), [](const auto& r) {
        return r.server.method != serving::CorrelationMethod::None;
      });
      if (!joined && !data.requests.empty() && !data.server_events.empty())
        serving::correlate(data.requests, serving::events_from_store(data.server_events));
      serving::MetricMap map = load_cli_metric_map();
      ServeReport report = build_serve_report(data, &map, ro);
      if (opts->format == "json")
        std::cout << serve_report_json(report).dump(2) << '\n';
      else if (opts->format == "md")
        std::cout << serve_report_md(report);
      else
        std::cout << serve_report_text(report);
    } catch (const std::exception& e) {
      std::cerr << "hotpath: " << e.what() << '\n';
      ctx.exit_code = 1;
    }
  });
}

}  // namespace hp
