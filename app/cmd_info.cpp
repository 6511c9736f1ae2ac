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
  CLI::App* sub = app.add_subcommand("info",
                                     "Summarize traces or run files: events by category and phase, kernels, "
                                     "time span, ranks, tracks, warnings and redactions.");
  sub->add_option("inputs", opts->inputs, "Trace files, trace directories or .hotpath run files")->required();
  sub->add_flag("--json", opts->json, "Print exactly one JSON object");
  sub->callback([opts, &ctx] {
    if ((ctx.exit_code = check_inputs_exist(opts->inputs))) return;
    auto run = load_for_cli(opts->inputs);
    if (!run) {
      ctx.exit_code = 1;
      return;
    }
    if (opts->json)
      std::cout << info_json(*run).dump(2) << '\n';
    else
      std::cout << info_text(*run);
  });
}

}  // namespace hp
