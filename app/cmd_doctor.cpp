// `hotpath doctor`: a table of what this machine has and what each missing piece disables.
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/commands.h"
#include "app/doctor.h"

namespace hp {

void add_doctor_command(CLI::App& app, CliContext& ctx) {
  CLI::App* sub = app.add_subcommand(
      "doctor",
      "Check the display, OpenGL, fonts, CUDA/CUPTI, GPU driver, xvfb-run and the config directory.\n"
      "Exits 0 when loading, analysis and the CLI work, whatever the GPU and display state.");
  sub->callback([&ctx] {
    auto checks = run_doctor_checks();
    std::cout << format_doctor_table(checks);
    ctx.exit_code = doctor_exit_code(checks);
  });
}

}  // namespace hp
