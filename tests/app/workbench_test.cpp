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
const std::string kSample =
    std::filesystem::path(HOTPATH_ASSETS_DIR "/samples/vllm_b200_tp8_eager_rank0.pt.trace.json.gz")
        .lexically_normal()
        .string();
}  // namespace

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

TEST_CASE("a drop loads asynchronously, only files that opened become recent", "[workbench][imgui]") {
  hp::test::ImGuiHarness h(1280, 800);
  hp::Workbench wb(hp::Settings{});
  auto ui = [&] { wb.draw(); };
  auto drop_and_wait = [&](const std::string& f) {
    wb.on_drop({f});
    for (int i = 0; i < 2000 && !wb.poll(); ++i) {
      h.frame(ui);  // the UI keeps running while the worker loads
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    CHECK_FALSE(wb.loading());
  };
  drop_and_wait(kText);
  CHECK(wb.import_log().entries().size() == 1);
  CHECK(wb.settings().recent.empty());  // issue 22: a failed file went to the top of Open Recent
  drop_and_wait(kSample);
  REQUIRE(wb.settings().recent.size() == 1);
  CHECK(wb.settings().recent[0] == kSample);
  drop_and_wait(kSample);
  CHECK(wb.settings().recent.size() == 1);  // same file: not duplicated
}

TEST_CASE("a failed open leaves the open trace and its Import log alone", "[workbench][imgui]") {
  hp::test::ImGuiHarness h(1280, 800);
  hp::Workbench wb(hp::Settings{});
  auto ui = [&] { wb.draw(); };
  wb.open_now({kSample});
  h.frames(2, ui);
  const size_t entries = wb.import_log().entries().size();
  const auto run = wb.run();
  wb.open_now({kText});
  h.frames(2, ui);
  CHECK(wb.run() == run);
  CHECK(wb.import_log().entries().size() == entries);  // not added to the trace's log
  CHECK(wb.import_log().count(hp::Severity::Error) == 0);
  CHECK(wb.last_error() == kText + ": unsupported file type");
  std::ostringstream dump;
  wb.dump_state(dump);
  CHECK(dump.str().find("open-error: " + kText + ": unsupported file type\n") != std::string::npos);
  REQUIRE(wb.settings().recent.size() == 1);
  CHECK(wb.settings().recent[0] == kSample);
}

TEST_CASE("File > Open starts in the open trace's folder, else the last folder", "[workbench][imgui]") {
  hp::test::ImGuiHarness h(1280, 800);
  hp::Settings s;
  s.last_dir = HOTPATH_TEST_DATA "/kineto";
  hp::Workbench wb(s);
  auto ui = [&] { wb.draw(); };
  CHECK(wb.open_dialog_dir() == HOTPATH_TEST_DATA "/kineto");
  wb.open_now({kSample});
  h.frames(2, ui);
  CHECK(wb.open_dialog_dir() == std::filesystem::path(kSample).parent_path().lexically_normal().string());
  h.set_ctrl(true);
  h.press_code('O', ui);
  h.set_ctrl(false);
  CHECK(wb.file_browser().dir == wb.open_dialog_dir());
  hp::Settings none;
  none.last_dir = "/no/such/dir";
  hp::Workbench fresh(none);
  CHECK(fresh.open_dialog_dir() == std::filesystem::current_path().string());
}

TEST_CASE("View > Zoom to fit and the 0 key show the whole session", "[workbench][imgui]") {
  hp::test::ImGuiHarness h(1280, 800);
  hp::Workbench wb(hp::Settings{});
  auto ui = [&] { wb.draw(); };
  wb.open_now({kSample});
  h.frames(2, ui);
  hp::ViewState& vs = wb.panels().state();
  const hp::TimeWindow all = vs.view.extent();
  vs.view.zoom_to({all.t0 + 1000000, all.t0 + 2000000}, false);
  vs.scroll_y = 100;
  wb.zoom_to_fit();
  CHECK(vs.view.target() == all);
  CHECK(vs.scroll_y == 0);
  vs.view.zoom_to({all.t0 + 1000000, all.t0 + 2000000}, false);
  h.move_mouse(ImVec2(600, 200));  // over the timeline: focus it with a click, then press 0
  h.click(ImVec2(600, 200), ui);
  h.press_code('0', ui);
  CHECK(vs.view.target() == all);
}

TEST_CASE("dialogs are opaque", "[workbench][imgui]") {
  hp::test::ImGuiHarness h(1280, 800);
  hp::apply_workbench_style();
  CHECK(ImGui::GetStyle().Colors[ImGuiCol_PopupBg].w == 1.0f);
  CHECK(ImGui::GetStyle().Colors[ImGuiCol_WindowBg].w == 1.0f);
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

TEST_CASE("the serving panels compute in the background and keep their model while recomputing",
          "[workbench][imgui]") {
  hp::test::ImGuiHarness h(1280, 800);
  hp::Settings s;
  s.active_panel = "phases";
  hp::Workbench wb(s);
  auto ui = [&] { wb.draw(); };
  wb.open_now({HOTPATH_TEST_DATA "/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz"});
  auto settle = [&] {
    h.frames(2, ui);
    for (int i = 0; i < 2000 && wb.panels().busy(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      h.frame(ui);
    }
    CHECK_FALSE(wb.panels().busy());
    h.frame(ui);
    std::ostringstream dump;
    wb.dump_state(dump);
    return dump.str();
  };
  // The log's 7,241 engine iterations (PROVENANCE.md), all of them with no range.
  CHECK(settle().find("phases: iterations 7241 ") != std::string::npos);
  // A range: the old model stays on screen until the new one is ready.
  hp::ViewState& vs = wb.panels().state();
  const hp::TimeWindow all = vs.view.extent();
  vs.range = hp::TimeWindow{all.t0, all.t0 + (all.t1 - all.t0) / 2};
  h.frame(ui);
  std::ostringstream during;
  wb.dump_state(during);
  CHECK(during.str().find("phases: iterations") != std::string::npos);
  const std::string half = settle();
  const size_t at = half.find("phases: iterations ");
  REQUIRE(at != std::string::npos);
  const int n = std::stoi(half.substr(at + 19));
  CHECK(n > 0);
  CHECK(n < 7241);
}

TEST_CASE("File > Export config... takes P:D from the What-if panel", "[workbench][imgui][export_config]") {
  hp::test::ImGuiHarness h(1280, 800);
  hp::Workbench wb(hp::Settings{});
  auto ui = [&] { wb.draw(); };
  wb.open_now({HOTPATH_TEST_DATA "/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz"});
  wb.open_export_config();  // before the What-if panel was drawn: the analytic advice
  CHECK(wb.export_config().pd_from.starts_with("the analytic advice: "));
  CHECK(wb.export_config().tp == 4);
  REQUIRE(wb.select_panel("whatif"));
  h.frames(3, ui);
  wb.open_export_config();
  h.frames(2, ui);
  const hp::ExportConfigDialog& d = wb.export_config();
  CHECK(d.pd_from == "the What-if panel's slider");
  CHECK(d.tp == 4);
  CHECK(d.prefill == 0);  // the slider starts monolithic
  CHECK(d.decode == 2);
  CHECK_FALSE(d.open);  // the modal took the request
}
