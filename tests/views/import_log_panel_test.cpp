#include "views/import_log_panel.h"

#include <catch2/catch.hpp>

#include "support/imgui_harness.h"

using namespace hp;

namespace {

ImportLog sample_log() {
  ImportLog log;
  log.error("load.failed", "a.json", 0, "unsupported file type");
  log.warn("slice.overlap", "a.json", 120, "partial overlap");
  log.warn("slice.overlap", "a.json", 340, "partial overlap");
  log.info("redacted", "a.json", "HF_TOKEN removed");
  return log;
}

}  // namespace

TEST_CASE("visible_entries filters by severity and code", "[import_log]") {
  ImportLog log = sample_log();
  ImportLogFilter f;
  CHECK(visible_entries(log, f) == std::vector<size_t>{0, 1, 2, 3});
  f.show[static_cast<int>(Severity::Warning)] = false;
  CHECK(visible_entries(log, f) == std::vector<size_t>{0, 3});
  f = ImportLogFilter{};
  f.code = "slice.overlap";
  CHECK(visible_entries(log, f) == std::vector<size_t>{1, 2});
  f.show[static_cast<int>(Severity::Warning)] = false;
  CHECK(visible_entries(log, f).empty());
}

TEST_CASE("code_counts: errors first, then by count, with counts beyond the kept entries", "[import_log]") {
  ImportLog log = sample_log();
  for (int i = 0; i < 60; ++i) log.warn("json.bad_number", "b.json", 1000 + i, "not a number");
  auto counts = code_counts(log);
  REQUIRE(counts.size() == 4);
  CHECK(counts[0].code == "load.failed");
  CHECK(counts[0].severity == Severity::Error);
  CHECK(counts[1].code == "json.bad_number");
  CHECK(counts[1].count == 60);
  CHECK(counts[1].kept == ImportLog::kKeepPerCode);
  CHECK(counts[2].code == "slice.overlap");
  CHECK(counts[2].count == 2);
  CHECK(counts[3].code == "redacted");
  CHECK(counts[3].severity == Severity::Info);
}

TEST_CASE("import log panel draws every entry and the Errors checkbox filters", "[import_log][imgui]") {
  hp::test::ImGuiHarness h(1280, 600);
  ImportLog log = sample_log();
  ImportLogPanelState st;
  auto ui = [&] { hp::test::fullscreen_window("log", [&] { draw_import_log_panel(log, st); }); };
  h.frames(3, ui);
  CHECK(st.rows_visible == 4);
  CHECK(st.rows_drawn == 4);
  CHECK(h.total_vertices() > 0);
  // The first widget is the "Errors (1)" checkbox at the window padding.
  const float fh = ImGui::GetFrameHeight();
  h.click(ImVec2(8 + fh / 2, 8 + fh / 2), ui);
  CHECK_FALSE(st.filter.show[static_cast<int>(Severity::Error)]);
  CHECK(st.rows_visible == 3);
  CHECK(st.rows_drawn == 3);
  h.click(ImVec2(8 + fh / 2, 8 + fh / 2), ui);
  CHECK(st.filter.show[static_cast<int>(Severity::Error)]);
  CHECK(st.rows_visible == 4);
}

TEST_CASE("import log panel clips long logs to the visible rows", "[import_log][imgui]") {
  hp::test::ImGuiHarness h(1280, 600);
  ImportLog log;
  for (int c = 0; c < 200; ++c)
    for (int i = 0; i < 50; ++i)
      log.warn("code." + std::to_string(c), "big.json", static_cast<uint64_t>(i), "w");
  REQUIRE(log.entries().size() == 10000);
  ImportLogPanelState st;
  auto ui = [&] { hp::test::fullscreen_window("log", [&] { draw_import_log_panel(log, st); }); };
  h.frames(3, ui);
  CHECK(st.rows_visible == 10000);
  CHECK(st.rows_drawn > 10);
  CHECK(st.rows_drawn < 100);
  // Scrolling over the entries table keeps the clipped row count bounded.
  h.move_mouse(ImVec2(900, 300));
  h.wheel(-20);
  h.frames(2, ui);
  CHECK(st.rows_drawn < 100);
}

TEST_CASE("import log panel with an empty log says so", "[import_log][imgui]") {
  hp::test::ImGuiHarness h;
  ImportLog log;
  ImportLogPanelState st;
  h.frames(2, [&] { hp::test::fullscreen_window("log", [&] { draw_import_log_panel(log, st); }); });
  CHECK(st.rows_visible == 0);
  CHECK(st.rows_drawn == 0);
}
