// `hotpath report INPUT... [--format text|md|json] [--rules FILE]`: the one-screen timing overview (GPU time
// by category, top ops, idle gaps, launch stats, stream overlap, overlap opportunities, ranks).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <fstream>
#include <iostream>

#include "app/cli_load.h"
#include "app/commands.h"
#include "core/report/timing_report.h"
#include "core/serving/gpu_context.h"
#include "core/store/serving_store.h"
#include "core/store/sqlite_db.h"

namespace hp {

namespace {

// The measurement context (GPU clocks, driver, clock policy) of the run files among the inputs; empty when
// none carries GPU telemetry or a note about it.
serving::MeasurementContext inputs_measurement(const std::vector<std::string>& inputs) {
  for (const auto& in : inputs) {
    std::string head(16, '\0');
    std::ifstream f(in, std::ios::binary);
    f.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(f.gcount()));
    if (!has_sqlite_header(head)) continue;
    try {
      auto m = serving::measurement_context(read_serving(in));
      if (!m.empty()) return m;
    } catch (const std::exception&) {
      // not a run file with serving tables: the trace loader reports what is wrong with it
    }
  }
  return {};
}

// "  " + the line, wrapped at word boundaries so that no line exceeds 100 columns.
std::string wrap_100(std::string rest) {
  std::string out;
  while (!rest.empty()) {
    size_t cut = rest.size() <= 98 ? rest.size() : rest.rfind(' ', 98);
    if (cut == std::string::npos || cut == 0) cut = std::min<size_t>(rest.size(), 98);
    out += "  " + rest.substr(0, cut) + "\n";
    rest = rest.substr(std::min(rest.size(), cut + 1));
  }
  return out;
}

}  // namespace

void add_report_command(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::vector<std::string> inputs;
    std::string format = "text";
    size_t top = 10;
    std::string rules;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* sub =
      app.add_subcommand("report",
                         "One-screen timing overview: GPU time by category, top kernels, idle gaps, "
                         "launch stats, stream overlap, overlap opportunities, rank skew.");
  sub->add_option("inputs", opts->inputs, "Trace files, trace directories or .hotpath run files")->required();
  sub->add_option("--format", opts->format, "text (100 columns), md or json")
      ->check(CLI::IsMember({"text", "md", "json"}));
  sub->add_option("--top", opts->top, "How many top kernels to list (default 10)");
  sub->add_option("--rules", opts->rules,
                  "Kernel-category rules of your own (the schema of assets/kernel_categories.json), tried "
                  "before the built-in ones");
  sub->callback([opts, &ctx] {
    if ((ctx.exit_code = check_inputs_exist(opts->inputs))) return;
    auto categorizer = load_cli_categorizer(opts->rules);
    if (!categorizer) {
      ctx.exit_code = 1;
      return;
    }
    auto run = load_for_cli(opts->inputs);
    if (!run) {
      ctx.exit_code = 1;
      return;
    }
    std::string title;
    for (const auto& in : opts->inputs) title += (title.empty() ? "" : " ") + in;
    TimingReport r = timing_report(*run, *categorizer, title);
    const serving::MeasurementContext mc = inputs_measurement(opts->inputs);
    if (opts->format == "json") {
      auto j = timing_report_json(*run, r, std::max<size_t>(opts->top, 25));
      if (!mc.empty()) j["measurement"] = serving::measurement_context_json(mc);
      std::cout << j.dump(2) << '\n';
      return;
    }
    std::string head;
    for (const auto& line : mc.empty() ? std::vector<std::string>{} : serving::measurement_context_lines(mc))
      head += opts->format == "md" ? line + "\n\n" : wrap_100(line);
    if (!head.empty())
      std::cout << (opts->format == "md" ? "## Measurement context\n\n" : "MEASUREMENT CONTEXT\n") << head
                << '\n';
    std::cout << (opts->format == "md" ? timing_report_markdown(*run, r, opts->top)
                                       : timing_report_text(*run, r, opts->top));
  });
}

}  // namespace hp
