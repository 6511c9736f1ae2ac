// `hotpath info INPUT... [--json]`: what was loaded (events by category and phase, kernels,
// span, ranks, tracks, warnings, redactions).
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/cli_load.h"
#include "app/commands.h"
#include "core/report/info.h"

namespace hp {

void add_info_command(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::vector<std::string> inputs;
    bool json = false;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* sub = app.add_subcommand(
      "info",
      "Summarize traces, run files and server logs: events by category and phase, kernels, "
      "time span, ranks, tracks, serving tables, clock alignment, warnings.");
  sub->add_option("inputs", opts->inputs,
                  "Trace files or directories, .hotpath run files, server logs, .prom dumps")
      ->required();
  sub->add_flag("--json", opts->json, "Print exactly one JSON object");
  sub->callback([opts, &ctx] {
    if ((ctx.exit_code = check_inputs_exist(opts->inputs))) return;
    auto session = load_session_for_cli(opts->inputs);
    if (!session) {
      ctx.exit_code = 1;
      return;
    }
    if (opts->json) {
      std::cout << info_json(*session).dump(2) << '\n';
    } else {
      const bool trace = !session->run->sources.empty() || session->run->slices.size();
      if (trace || !session->has_serving()) std::cout << info_text(*session->run);
      if (session->has_serving() || session->sources.size() > 1)
        std::cout << (trace ? "\n" : "") << session_text(*session);
    }
  });
}

}  // namespace hp
