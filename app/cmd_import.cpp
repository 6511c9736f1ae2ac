// `hotpath import SRC... -o RUN.hotpath`: load traces once and save them as a run file that
// opens much faster than re-importing.
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/cli_load.h"
#include "app/commands.h"
#include "core/store/run_file.h"

namespace hp {

void add_import_command(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::vector<std::string> inputs;
    std::string out;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* sub = app.add_subcommand("import",
                                     "Load traces (Kineto JSON, trace directories, nsys SQLite) and save "
                                     "them as one .hotpath run file");
  sub->add_option("inputs", opts->inputs, "Trace files or directories")->required();
  sub->add_option("-o,--output", opts->out, "The run file to write")->required();
  sub->callback([opts, &ctx] {
    if ((ctx.exit_code = check_inputs_exist(opts->inputs))) return;
    auto run = load_for_cli(opts->inputs);
    if (!run) {
      ctx.exit_code = 1;
      return;
    }
    try {
      save_run(*run, opts->out);
    } catch (const std::exception& e) {
      std::cerr << "hotpath: " << e.what() << '\n';
      ctx.exit_code = 1;
      return;
    }
    std::cerr << "hotpath: wrote " << opts->out << " (" << run->slices.size() << " slices, "
              << run->tracks.size() << " tracks)\n";
  });
}

}  // namespace hp
