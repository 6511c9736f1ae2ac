// `hotpath kv RUN... [--format text|json]`: KV-cache usage per replica, capacity, preemptions, prefix
// hit rate, residency and the regime verdict of a run file, server log or /metrics dumps.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "app/cli_load.h"
#include "app/commands.h"
#include "core/kv/kv_report.h"
#include "core/serving/metric_map.h"

namespace hp {

void add_kv_command(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::vector<std::string> inputs;
    std::string format = "text";
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* sub = app.add_subcommand(
      "kv",
      "KV cache: usage per replica over time, capacity, preemptions, prefix hit rate, residency, verdict");
  sub->add_option("inputs", opts->inputs, "Run file, server log(s) or Prometheus text dumps")->required();
  sub->add_option("--format", opts->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  sub->callback([opts, &ctx] {
    if ((ctx.exit_code = check_inputs_exist(opts->inputs))) return;
    auto session = load_session_for_cli(opts->inputs);
    if (!session) {
      ctx.exit_code = 1;
      return;
    }
    const serving::MetricMap map = load_cli_metric_map();
    const kv::KvSeries s = kv::kv_series(*session, &map);
    const nlohmann::json report = kv::kv_report_json(s, kv::kv_verdict(s));
    if (opts->format == "json")
      std::cout << report.dump(2) << '\n';
    else
      std::cout << kv::kv_report_text(report);
  });
}

}  // namespace hp
