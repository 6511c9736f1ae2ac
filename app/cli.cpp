#include "app/cli.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <regex>

#include "app/async_load.h"
#include "app/cli_load.h"
#include "app/commands.h"
#include "app/display.h"
#include "app/shell.h"
#include "app/summary_text.h"
#include "core/serving/latency_stats.h"

namespace hp {

int check_inputs_exist(const std::vector<std::string>& inputs) {
  for (const auto& in : inputs) {
    std::error_code ec;
    if (!std::filesystem::exists(in, ec)) {
      std::cerr << "hotpath: " << in << ": no such file or directory\n";
      return 1;
    }
  }
  return 0;
}

CLI::Validator slo_validator() {
  return CLI::Validator(
      [](std::string& v) {
        try {
          serving::parse_slo(v);
          return std::string();
        } catch (const std::exception& e) {
          return std::string(e.what());
        }
      },
      "ttft=MS,tpot=MS,itl=MS,e2e=MS");
}

namespace {

// "hotpath foo" where foo is no file and looks like a word: a mistyped command, not a path.
bool looks_like_command(const std::string& arg) {
  static const std::regex kWord("[a-z][a-z0-9-]*");
  std::error_code ec;
  return !std::filesystem::exists(arg, ec) && std::regex_match(arg, kWord);
}

// No display: print the text report of the inputs instead of opening the window.
int text_fallback(const std::vector<std::string>& files, const std::string& why) {
  std::cerr << "hotpath: " << why << "; cannot open the workbench window.\n";
  if (files.empty()) {
    std::cerr << "hotpath: give a trace file to print its summary, run the GUI under 'xvfb-run -a hotpath', "
                 "or see 'hotpath --help'\n";
    return 1;
  }
  std::cerr << "hotpath: printing the text report instead\n";
  LoadProgress progress;
  LoadOutcome out = load_now(std::vector<std::filesystem::path>(files.begin(), files.end()), progress, false);
  if (!out.run) {
    std::cerr << "hotpath: " << load_error_text(*out.error) << '\n';
    return 1;
  }
  std::cout << summary_text(out.snapshot.session.get());
  return 0;
}

int run_default(const std::vector<std::string>& files, ShellOptions opts) {
  if (!files.empty() && looks_like_command(files.front())) {
    std::cerr << "hotpath: unknown command '" << files.front() << "'; run 'hotpath --help'\n";
    return 2;
  }
  if (int rc = check_inputs_exist(files)) return rc;
  if (!opts.rules.empty() && !load_cli_categorizer(opts.rules)) return 1;  // says why
  std::string why;
  if (!init_display(&why)) return text_fallback(files, why);
  opts.inputs.assign(files.begin(), files.end());
  return run_shell(opts);
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{
      "hotpath: a profiling workbench for LLM inference servers.\n"
      "With files (torch-profiler/Kineto JSON traces, ...) it opens them in the workbench window;\n"
      "without a display it prints their text summary."};
  app.name("hotpath");
  app.set_version_flag("--version", std::string("hotpath ") + HOTPATH_VERSION);
  app.require_subcommand(0, 1);

  std::vector<std::string> files;
  ShellOptions shell;
  app.add_option("files", files, "Trace files or trace directories to open");
  app.add_option("--slo", shell.slo,
                 "Latency targets for the Latency panel's lines and goodput, e.g. ttft=200,tpot=50 (ms)")
      ->check(slo_validator());
  app.add_option("--rules", shell.rules,
                 "Kernel-category rules of your own for the workbench (the schema of "
                 "assets/kernel_categories.json), tried before the built-in ones");
  // Test hooks, hidden from --help.
  app.add_option("--quit-after-frames", shell.quit_after_frames)->group("");
  app.add_option("--simulate-drop", shell.simulate_drop)->group("");
  app.add_option("--dump-state", shell.dump_state)->group("");

  CliContext ctx;
  using Adder = void (*)(CLI::App&, CliContext&);
  for (Adder add : {add_info_command, add_import_command, add_triage_command, add_report_command,
                    add_diff_command, add_serve_profile_command, add_serve_report_command, add_export_command,
                    add_screenshot_command, add_doctor_command, add_details_command, add_lock_clocks_command,
                    add_bench_command, add_experts_command, add_disagg_command, add_disagg_config_command,
                    add_kv_command, add_attach_command, add_capture_command})
    add(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
    std::string where = "hotpath";
    for (const CLI::App* sub : app.get_subcommands()) where += " " + sub->get_name();
    std::cerr << "hotpath: " << e.what() << "; run '" << where << " --help'\n";
    return 2;
  }
  if (app.get_subcommands().empty()) return run_default(files, shell);
  return ctx.exit_code;
}

}  // namespace hp
