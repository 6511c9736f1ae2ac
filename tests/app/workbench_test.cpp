// The workbench UI driven headlessly: loading errors reach the status bar and the Import log.
#include "app/workbench.h"

#include "app/panel_registry.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <sstream>
#include <thread>

#include "support/imgui_harness.h"

namespace {
const std::string kText = HOTPATH_TEST_DATA "/shell/not_a_trace.txt";
}

TEST_CASE("a failed load shows in the status bar and the Import log", "[workbench][imgui]") {
  hp::test::ImGuiHarness h(1280, 800);
  hp::Settings s;
  s.active_panel = "summary";
  hp::Workbench wb(s);
  auto ui = [&] { wb.draw(); };
  h.frames(3, ui);
  CHECK(wb.settings().active_panel == "summary");
  CHECK(wb.status_text() == "No file loaded");

  wb.open_now({kText});
  h.frames(3, ui);
  CHECK(wb.last_error() == kText + ": unsupported file type");
  CHECK(wb.status_text() == "No file loaded | error: " + kText + ": unsupported file type");
  REQUIRE(wb.import_log().entries().size() == 1);
  CHECK(wb.import_log().entries()[0].code == "load.failed");
  CHECK(wb.import_log().count(hp::Severity::Error) == 1);
  CHECK(wb.settings().active_panel == "import-log");  // the error brings the Import log forward
  std::ostringstream dump;
  wb.dump_state(dump);
  CHECK(dump.str().find("import-log: error\tload.failed\t" + kText + "\t0\tunsupported file type\n") !=
        std::string::npos);
}

TEST_CASE("a drop loads asynchronously and records the file as recent", "[workbench][imgui]") {
  hp::test::ImGuiHarness h(1280, 800);
  hp::Workbench wb(hp::Settings{});
  auto ui = [&] { wb.draw(); };
  wb.on_drop({kText});
  CHECK(wb.settings().recent.size() == 1);
  for (int i = 0; i < 500 && !wb.poll(); ++i) {
    h.frame(ui);  // the UI keeps running while the worker loads
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK_FALSE(wb.loading());
  CHECK(wb.import_log().entries().size() == 1);
  wb.on_drop({kText});
  CHECK(wb.settings().recent.size() == 1);  // same file: not duplicated
}

TEST_CASE("Ctrl+O opens the file browser, Ctrl+Q quits", "[workbench][imgui]") {
  hp::test::ImGuiHarness h(1280, 800);
  hp::Workbench wb(hp::Settings{});
  auto ui = [&] { wb.draw(); };
  h.frames(2, ui);
  CHECK_FALSE(wb.file_browser().open);
  h.set_ctrl(true);
  h.press_code('O', ui);
  h.set_ctrl(false);
  CHECK(wb.file_browser().open);
  CHECK_FALSE(wb.file_browser().needs_listing);  // the app listed the current directory
  CHECK(wb.file_browser().dir == std::filesystem::current_path().string());
  h.press_key(ImGuiKey_Escape, ui);
  CHECK_FALSE(wb.file_browser().open);
  CHECK_FALSE(wb.quit_requested());
  h.set_ctrl(true);
  h.press_code('Q', ui);
  CHECK(wb.quit_requested());
}

TEST_CASE("closing a tab and dragging the splitter update the settings", "[workbench][imgui]") {
  hp::test::ImGuiHarness h(1280, 800);
  hp::Settings s;
  s.bottom_height = 300;
  hp::Workbench wb(s);
  auto ui = [&] { wb.draw(); };
  h.frames(3, ui);
  // Layout: menu bar (frame height), main area, 6 px splitter, bottom area of 300 px, status bar.
  const float fh = ImGui::GetFrameHeight();
  const float status_h = fh + 4;
  const float splitter_y = 800 - status_h - 300 - 3;
  h.move_mouse(ImVec2(640, splitter_y));
  h.frame(ui);
  h.set_mouse_button(0, true);
  h.frame(ui);
  h.move_mouse(ImVec2(640, splitter_y - 100));
  h.frames(2, ui);
  h.set_mouse_button(0, false);
  h.frame(ui);
  CHECK(wb.settings().bottom_height == Approx(400).margin(1));

  for (const auto& p : hp::panel_registry()) CHECK(wb.settings().panel_open(std::string(p.key)));
  wb.settings().panels["flame"] = false;
  h.frames(2, ui);
  CHECK_FALSE(wb.settings().panel_open("flame"));
}
