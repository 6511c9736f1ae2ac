// `hotpath screenshot INPUT... --view NAME --out FILE.png [--size WxH]`
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <regex>

#include "app/commands.h"
#include "app/display.h"
#include "app/panel_registry.h"
#include "app/shell.h"

namespace hp {

namespace {

struct ScreenshotArgs {
  std::vector<std::string> inputs;
  std::string view;
  std::string out;
  std::string size = "1280x800";
  std::string range, select, slo;
  bool panel_only = false;
  std::string dialog;
  std::string dump_state;  // test hook
};

std::string view_list() {
  std::string s;
  for (const auto& p : panel_registry()) s += (s.empty() ? "" : ", ") + std::string(p.key);
  return s;
}

int run_screenshot(const ScreenshotArgs& a) {
  if (!find_panel_entry(a.view)) {
    std::cerr << "hotpath: unknown view '" << a.view << "'; choose one of: " << view_list() << '\n';
    return 2;
  }
  std::smatch m;
  static const std::regex kSize("([0-9]{2,5})x([0-9]{2,5})");
  if (!std::regex_match(a.size, m, kSize)) {
    std::cerr << "hotpath: --size '" << a.size << "' is not WIDTHxHEIGHT (e.g. 1280x800)\n";
    return 2;
  }
  if (int rc = check_inputs_exist(a.inputs)) return rc;
  std::string why;
  if (!init_display(&why)) {
    std::cerr << "hotpath: " << why
              << "; screenshots need one. Use a virtual display: xvfb-run -a hotpath "
                 "screenshot ...\n";
    return 1;
  }
  ShellOptions o;
  o.inputs.assign(a.inputs.begin(), a.inputs.end());
  o.screenshot_out = a.out;
  o.view = a.view;
  o.dump_state = a.dump_state;
  o.range = a.range;
  o.slo = a.slo;
  o.select = a.select;
  o.panel_only = a.panel_only;
  o.dialog = a.dialog;
  o.width = std::stoi(m[1]);
  o.height = std::stoi(m[2]);
  return run_shell(o);
}

}  // namespace

void add_screenshot_command(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<ScreenshotArgs>();
  CLI::App* sub = app.add_subcommand(
      "screenshot",
      "Open the workbench on INPUT..., select a panel and write the window as a PNG.\n"
      "Exit status: 0 written; 1 when an input failed to load (the PNG, showing the error in the Import "
      "log,\n"
      "is still written), when an input is missing or there is no display (run under 'xvfb-run -a');\n"
      "2 on bad arguments.");
  sub->add_option("inputs", args->inputs, "Trace files or directories")->required();
  sub->add_option("--view", args->view, "Panel to show: " + view_list())->required();
  sub->add_option("--out", args->out, "PNG file to write")->required();
  sub->add_option("--size", args->size, "Window size WIDTHxHEIGHT")->capture_default_str();
  sub->add_option("--range", args->range, "Timeline window START:END in ns from the trace start")
      ->check(CLI::Validator(
          [](std::string& v) {
            static const std::regex kRange("[0-9]+:[0-9]+");
            return std::regex_match(v, kRange) ? std::string() : std::string("expected START:END in ns");
          },
          "START:END"));
  sub->add_option("--slo", args->slo, "Latency targets drawn by the Latency panel, e.g. ttft=200,tpot=50")
      ->check(slo_validator());
  sub->add_option("--select", args->select, "Select the first slice whose name contains NAME");
  sub->add_flag("--panel-only", args->panel_only,
                "Write only the selected panel (the bottom tab), not the window");
  sub->add_option("--dialog", args->dialog,
                  "A dialog open over the window: export-config (File > Export config...)")
      ->check(CLI::IsMember({"export-config"}));
  sub->add_option("--dump-state", args->dump_state)->group("");
  sub->callback([args, &ctx] { ctx.exit_code = run_screenshot(*args); });
}

}  // namespace hp
