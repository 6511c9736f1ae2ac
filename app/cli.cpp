#include "app/cli.h"

#include <CLI/CLI.hpp>

namespace hp {

int run_cli(int argc, char** argv) {
  CLI::App app{"hotpath: a profiling workbench for LLM inference servers"};
  app.set_version_flag("--version", HOTPATH_VERSION);
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace hp
