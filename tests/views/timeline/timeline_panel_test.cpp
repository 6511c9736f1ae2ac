#include <catch2/catch.hpp>

#include "support/imgui_harness.h"
#include "support/run_maker.h"
#include "views/timeline/timeline_panel.h"

using namespace hp;

TEST_CASE("timeline panel: right-click a track label to hide it, and bring it back") {
  auto run = std::make_shared<const Run>(
      test::make_run({{0, 0, 1000, "cpu_op"}, {1, 100, 500, "gemm", 0, 0, SliceKind::Kernel}}));
  test::ImGuiHarness h(1200, 600);
  ViewState vs;
  TimelinePanel panel;
  auto ui = [&] { test::fullscreen_window("tl", [&] { panel.draw(vs, 0.016f); }); };
  panel.set_run(run, vs);
  h.frames(3, ui);
  // Rows: "Process 0" header, then thread 0's lane label (gutter at x 8..228, below ruler).
  ImVec2 label(40, 8 + 26 + ImGui::GetFontSize() + 6 + 4);
  h.click(label, ui, 1);
  h.frames(2, ui);
  h.click(ImVec2(label.x + 20, label.y + 12), ui);  // the menu's first item: "Hide this track"
  h.frames(2, ui);
  REQUIRE(vs.visibility.hidden_tracks.size() == 1);
  CHECK(*vs.visibility.hidden_tracks.begin() == 0);
  vs.visibility.hidden_tracks.clear();
  h.frames(2, ui);
  CHECK(panel.last_frame().rects.size() == 2);  // both slices drawn again
}
