#pragma once
// Each subcommand registers itself from its own file (app/cmd_<name>.cpp) through one
// add_<name>_command function; run_cli() calls them in order.
#include <string>
#include <vector>

namespace CLI {
class App;
class Validator;
}  // namespace CLI

namespace hp {

struct CliContext {
  int exit_code = 0;  // set by the command that ran
};

void add_screenshot_command(CLI::App& app, CliContext& ctx);
void add_doctor_command(CLI::App& app, CliContext& ctx);
void add_info_command(CLI::App& app, CliContext& ctx);
void add_import_command(CLI::App& app, CliContext& ctx);
void add_serve_profile_command(CLI::App& app, CliContext& ctx);
void add_triage_command(CLI::App& app, CliContext& ctx);
void add_report_command(CLI::App& app, CliContext& ctx);
void add_diff_command(CLI::App& app, CliContext& ctx);
void add_serve_report_command(CLI::App& app, CliContext& ctx);
void add_export_command(CLI::App& app, CliContext& ctx);
void add_details_command(CLI::App& app, CliContext& ctx);
void add_lock_clocks_command(CLI::App& app, CliContext& ctx);
void add_bench_command(CLI::App& app, CliContext& ctx);
void add_experts_command(CLI::App& app, CliContext& ctx);
void add_disagg_command(CLI::App& app, CliContext& ctx);
void add_disagg_config_command(CLI::App& app, CliContext& ctx);
void add_kv_command(CLI::App& app, CliContext& ctx);
void add_attach_command(CLI::App& app, CliContext& ctx);
void add_capture_command(CLI::App& app, CliContext& ctx);

// Prints "hotpath: <path>: no such file or directory" for the first missing input; returns 1
// then, 0 when all exist.
int check_inputs_exist(const std::vector<std::string>& inputs);
// CLI11 check of an --slo value (serving::parse_slo's message on a bad one).
CLI::Validator slo_validator();

}  // namespace hp
