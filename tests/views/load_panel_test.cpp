#include "views/load_panel.h"

#include <catch2/catch.hpp>

#include "support/imgui_harness.h"

using namespace hp;

namespace {
LoadModel two_charts() {
  LoadModel m;
  m.t0 = 1'000'000'000, m.t1 = 101'000'000'000;  // 100 s
  for (const char* name : {"requests_running", "requests_waiting"}) {
    LoadChart c;
    c.concept_name = c.title = name;
    c.y_max = 100;
    LoadLine l;
    for (int k = 0; k < 100; ++k) l.ts.push_back(m.t0 + k * 1'000'000'000LL), l.value.push_back(k);
    c.lines.push_back(l);
    m.charts.push_back(c);
  }
  return m;
}

void drag(test::ImGuiHarness& h, ImVec2 from, ImVec2 to, const std::function<void()>& ui) {
  h.move_mouse(from);
  h.frame(ui);
  h.set_mouse_button(0, true);
  h.frame(ui);
  h.move_mouse(to);
  h.frame(ui);
  h.set_mouse_button(0, false);
  h.frame(ui);
}
}  // namespace

TEST_CASE("load panel: a box-zoom sets the range and the chart's height, a double-click goes back",
          "[load_panel]") {
  test::ImGuiHarness h(1280, 800);
  const LoadModel m = two_charts();
  LoadPanelState st;
  std::optional<TimeWindow> range;
  auto ui = [&] { test::fullscreen_window("load", [&] { draw_load_panel(m, st, false, &range); }); };
  h.frame(ui);
  REQUIRE(st.cols.size() == 2);
  drag(h, ImVec2(200, 300), ImVec2(400, 302), ui);  // flat, on the left chart: time only
  REQUIRE(range);
  CHECK(range->t0 > m.t0);
  CHECK(range->t1 < m.t1);
  CHECK(range->span() > 20'000'000'000);  // 200 of about 560 plot pixels
  CHECK(range->span() < 50'000'000'000);
  CHECK(st.y_zoom.empty());
  REQUIRE(st.before_zoom);
  CHECK_FALSE(*st.before_zoom);  // there was no range before
  const TimeWindow first = *range;
  drag(h, ImVec2(900, 200), ImVec2(1000, 500), ui);  // tall, on the right chart: time and height
  REQUIRE(st.y_zoom.count("requests_waiting"));
  const auto [y0, y1] = st.y_zoom["requests_waiting"];
  CHECK(y0 >= 0);
  CHECK(y1 <= 105);
  CHECK(y1 - y0 > 20);
  CHECK(*range != first);
  CHECK_FALSE(*st.before_zoom);                     // still the range before the first zoom
  drag(h, ImVec2(300, 300), ImVec2(302, 300), ui);  // a click zooms nothing
  CHECK(st.y_zoom.size() == 1);
  h.double_click(ImVec2(300, 300), ui);
  h.frame(ui);
  CHECK_FALSE(range);
  CHECK(st.y_zoom.empty());
  CHECK_FALSE(st.before_zoom);
}
