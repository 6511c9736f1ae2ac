// `hotpath export RUN --format json|csv|otlp|chrome [--out DIR]
// [--otlp-endpoint URL]`: the serving data of a run in formats other tools
// read; otlp can also be POSTed to a collector.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <memory>

#include "app/commands.h"
#include "capture/otlp_post.h"
#include "core/report/serving_export.h"
#include "core/store/serving_store.h"

namespace hp {

void add_export_command(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::string run, format, out, endpoint;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* sub = app.add_subcommand("export",
                                     "Export a run's serving data as JSON, CSV, OTLP spans or a Chrome "
                                     "trace for Perfetto");
  sub->add_option("run", opts->run, "The run file (.hotpath)")->required();
  sub->add_option("--format", opts->format, "json, csv, otlp or chrome")
      ->required()
      ->check(CLI::IsMember({"json", "csv", "otlp", "chrome"}));
  sub->add_option("--out", opts->out, "Output directory (default: next to the run file)");
  sub->add_option("--otlp-endpoint", opts->endpoint,
                  "Also POST the OTLP JSON to this collector (e.g. http://localhost:4318)");
  sub->callback([opts, &ctx] {
    if ((ctx.exit_code = check_inputs_exist({opts->run}))) return;
    try {
      ServingData data = read_serving(opts->run);
      if (data.empty()) {
        std::cerr << "hotpath: " << opts->run << ": no serving data to export\n";
        ctx.exit_code = 1;
        return;
      }
      std::filesystem::path run(opts->run);
      std::filesystem::path dir = opts->out.empty() ? run.parent_path() : std::filesystem::path(opts->out);
      if (dir.empty()) dir = ".";
      for (const auto& p : export_serving(data, opts->format, dir, run.stem().string()))
        std::cerr << "hotpath: wrote " << p.string() << '\n';
      if (!opts->endpoint.empty()) {
        if (opts->format != "otlp") {
          std::cerr << "hotpath: --otlp-endpoint needs --format otlp\n";
          ctx.exit_code = 2;
          return;
        }
        OtlpPostResult r = post_otlp_json(opts->endpoint, otlp_json(data).dump());
        if (!r.ok) {
          std::cerr << "hotpath: POST " << otlp_traces_url(opts->endpoint) << ": " << r.error << '\n';
          ctx.exit_code = 1;
          return;
        }
        std::cerr << "hotpath: posted to " << otlp_traces_url(opts->endpoint) << " (HTTP " << r.http_status
                  << ")\n";
      }
    } catch (const std::exception& e) {
      std::cerr << "hotpath: " << e.what() << '\n';
      ctx.exit_code = 1;
    }
  });
}

}  // namespace hp
