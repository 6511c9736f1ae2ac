#pragma once
// The workbench UI without any window-system code: menus, the fixed layout (main area, splitter,
// bottom tab bar of panels, status bar), the Open dialog and the loaded run. The GLFW shell
// (app/shell.cpp) owns one and calls draw() once per frame; tests drive it headlessly.
#include <array>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/async_load.h"
#include "app/export_config_dialog.h"
#include "app/panel_host.h"
#include "app/settings.h"
#include "views/file_browser.h"

namespace hp {

class LivePublisher;
namespace capture {
class ServeSession;
}

class Workbench {
 public:
  // `wake` is called from a worker thread when a load or a panel's model finishes.
  explicit Workbench(Settings settings, std::function<void()> wake = {});

  void open(std::vector<std::filesystem::path> inputs);      // on the worker thread
  void open_now(std::vector<std::filesystem::path> inputs);  // on this thread (screenshots)
  void on_drop(const std::vector<std::string>& paths);
  // Takes a finished load, if any. Returns true when something changed (redraw).
  bool poll();
  bool loading() const { return loader_.busy(); }
  double load_fraction() const { return loader_.progress().fraction(); }

  void draw();                                                // between ImGui::NewFrame() and ImGui::Render()
  bool wants_frames() const { return host_.wants_frames(); }  // e.g. a zoom animation
  PanelHost& panels() { return host_; }

  // Opens and selects a panel by its registry key; false when there is none of that name.
  bool select_panel(std::string_view key);
  bool quit_requested() const { return quit_; }
  void request_quit() { quit_ = true; }
  // A path the user asked to save a screenshot to (File > Export screenshot...), once.
  std::optional<std::string> take_screenshot_request();
  // The part of the window (x, y, w, h in window coordinates) the last request asked for; none = all.
  std::optional<std::array<float, 4>> screenshot_area() const { return screenshot_area_; }
  const std::array<float, 4>& panel_area() const { return panel_rect_; }  // the active bottom panel
  void set_screenshot_result(const std::string& message, bool ok);
  void set_renderer_info(std::string info) { renderer_info_ = std::move(info); }

  const Settings& settings() const { return settings_; }
  Settings& settings() { return settings_; }
  const std::shared_ptr<const Run>& run() const { return run_; }
  const Snapshot& snapshot() const { return snap_; }
  const ImportLog& import_log() const { return shown_log_; }  // run's log plus failed loads
  const std::string& last_error() const { return last_error_; }
  std::string status_text() const;  // the status bar's text, without the progress bar
  const FileBrowserState& file_browser() const { return browser_; }
  // Writes the status line and every import log entry, one per line (for tests and bug reports),
  // then the view, selection, menus and dialogs (interaction tests read these).
  void dump_state(std::ostream& out) const;
  void set_dump_serial(int n) { dump_serial_ = n; }
  // Where File > Open... starts: the open trace's folder, else the last folder opened from, else
  // the working directory.
  std::string open_dialog_dir() const;
  void zoom_to_fit();         // View > Zoom to fit (and the 0 key on the timeline)
  void open_export_config();  // File > Export config... (and `screenshot --dialog export-config`)
  const ExportConfigDialog& export_config() const { return export_config_; }

  // A live capture (`attach`): its snapshots replace the document as they come (the view, selection
  // and search stay; with Follow on the view's right edge stays at now), and a capture bar under
  // the menus shows its state and drives it. `session` may be null (tests: no bar commands).
  void attach_live(LivePublisher* publisher, capture::ServeSession* session);
  bool live() const { return live_pub_ != nullptr; }

 private:
  void apply(LoadOutcome outcome);
  bool poll_live();
  float draw_live_bar(float top);  // app/workbench_live.cpp; returns its height
  void apply_clock_shift();        // a shift asked for on the timeline: save it, reopen the same inputs
  void rebuild_log();
  void draw_menu_bar();
  void draw_workspace(float top);
  void draw_main_area();
  void draw_bottom_tabs();
  void draw_status_bar();
  void draw_modals();
  void list_browser_dir();

  Settings settings_;
  AsyncLoader loader_;
  std::shared_ptr<const Run> run_;
  Snapshot snap_;
  std::vector<std::filesystem::path> run_inputs_;
  ClockShifts shifts_;      // the user's clock shifts for the open inputs
  bool reopening_ = false;  // the next load is the same document (keep the view)
  ImportLog failures_;      // errors of loads that produced no run (shown in the Import log only
                            // while no run is open: a failed file is not part of the open trace)
  std::string open_error_;  // a failed load while a run is open: shown in a dialog
  ImportLog shown_log_;
  std::string summary_;
  std::string last_error_;
  std::string notice_;  // last non-error message for the status bar
  std::string renderer_info_;

  PanelHost host_{&summary_, &shown_log_};
  FileBrowserState browser_;
  std::optional<std::string> select_next_;  // a panel key
  bool quit_ = false;
  bool show_shortcuts_ = false, show_about_ = false, show_export_ = false;
  ExportConfigDialog export_config_;  // File > Export config...
  std::string export_path_;
  std::optional<std::string> screenshot_request_;
  std::optional<std::array<float, 4>> screenshot_area_;
  std::array<float, 4> panel_rect_{}, main_rect_{};  // last frame's active bottom panel and main area
  int export_area_ = 0;                              // 0 window, 1 active panel, 2 timeline area
  float splitter_grab_ = 0;
  int dump_serial_ = 0;
  std::string open_menu_;  // the menu bar's open menu this frame ("" none), for the state dump
  float menu_x_[3] = {0, 0, 0};
  bool shortcuts_open_ = false;  // File, View, Help titles' centres (state dump)
  LivePublisher* live_pub_ = nullptr;
  capture::ServeSession* live_session_ = nullptr;
  uint64_t live_snapshots_ = 0;  // applied so far
  std::string live_message_;     // the capture bar's last answer (an error of "Arm profiler")
  double live_profile_s_ = 5;
  int live_profile_steps_ = 10;         // SGLang: arm for this many engine steps
  bool live_profile_by_stage_ = false;  // SGLang: one capture each for prefill and decode
};

// Opaque windows, popups and dialogs (the default style's 0.94 alpha let the timeline show through).
void apply_workbench_style();

// Extensions the Open dialog offers when "Only supported files" is on.
const std::vector<std::string>& supported_extensions();

}  // namespace hp
