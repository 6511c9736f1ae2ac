#include <catch2/catch.hpp>

#include "core/session/load_session.h"
#include "core/session/session_builder.h"
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
  panel.set_session(make_snapshot(session_of(run)), vs);
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

TEST_CASE("timeline panel: a live snapshot of the same document keeps the view window and selection") {
  auto capture = [](int n) {
    ServingData d;
    for (int i = 0; i < n; ++i) {
      serving::RequestRecord r;
      r.request_id = std::to_string(i);
      r.scheduled_ns = r.sent_ns = 1'700'000'000'000'000'000 + Ns{i} * 100'000'000;
      r.first_token_ns = r.sent_ns + 10'000'000;
      r.end_ns = r.sent_ns + 50'000'000;
      d.requests.push_back(r);
    }
    SessionBuilder b;
    b.add_serving(d, SourceKind::Capture, "live");
    return make_snapshot(b.finish());
  };
  ViewState vs;
  TimelinePanel panel;
  panel.set_session(capture(10), vs);
  const TimeWindow zoom{200'000'000, 300'000'000};
  vs.view.zoom_to(zoom, false);
  vs.pick = {PickKind::Request, 3, kNone};
  vs.scroll_y = 12;
  panel.set_session(capture(20), vs, {}, true);  // the capture went on: 10 more requests
  CHECK(vs.view.current() == zoom);
  CHECK(vs.view.extent().t1 == Ns{19} * 100'000'000 + 50'000'000);  // the extent grew
  CHECK(vs.pick.row == 3);
  CHECK(vs.scroll_y == 12);
  panel.set_session(capture(5), vs);  // a new document starts over
  CHECK(vs.pick.kind == PickKind::None);
  CHECK(vs.view.current() == vs.view.extent());
}
