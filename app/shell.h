#pragma once
// The GUI shell: a GLFW window with the workbench, or a one-shot screenshot of it.
#include <filesystem>
#include <string>
#include <vector>

namespace hp {

class LivePublisher;
namespace capture {
class ServeSession;
}

struct ShellOptions {
  std::vector<std::filesystem::path> inputs;
  // Screenshot mode when `screenshot_out` is set: load synchronously, render, write the PNG, exit.
  std::string screenshot_out;
  std::string view;           // panel key to select ("import-log"); empty: the saved one
  int width = 0, height = 0;  // 0: from the settings
  std::string range;          // "START:END" in ns from the trace start (timeline window)
  std::string select;         // select (and highlight) the first slice whose name contains this
  bool panel_only = false;    // screenshot: only the selected bottom panel, not the window
  std::string dialog;         // screenshot: a dialog open over the window ("export-config")
  std::string rules;          // --rules FILE: kernel-category rules tried before the built-in ones
  std::string slo;            // --slo ttft=200,tpot=50: the Latency panel's targets and goodput
  // Live capture (`attach`): the workbench shows the publisher's snapshots and drives the session.
  LivePublisher* live_publisher = nullptr;
  capture::ServeSession* live_session = nullptr;
  double exit_after_s = 0;      // > 0: quit after this many seconds (attach --exit-after)
  std::string exit_screenshot;  // written just before that quit
  // Test hooks (hidden CLI options).
  int quit_after_frames = 0;  // > 0: render continuously and quit after N frames and any load
  std::string simulate_drop;  // dropped onto the window after the first frame, once the inputs loaded
  std::string dump_state;     // on exit, write Workbench::dump_state here ("-": stdout)
};

// Returns the process exit code. Prints problems to stderr.
int run_shell(const ShellOptions& opts);

}  // namespace hp
