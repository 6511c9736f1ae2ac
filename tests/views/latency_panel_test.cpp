#include "views/latency_panel.h"

#include <catch2/catch.hpp>

#include "support/imgui_harness.h"

using namespace hp;

TEST_CASE("latency panel: dragging across a chart zooms its value axis, a double-click resets it",
          "[latency_panel]") {
  LatencySamples s;
  s.requests = 1000;
  for (int i = 0; i < 1000; ++i) s.ms[static_cast<size_t>(LatencyMetric::Ttft)].push_back(i * 0.2);
  const LatencyModel m = latency_model(s);
  REQUIRE(m.charts.size() == 1);
  test::ImGuiHarness h(1000, 600);
  LatencyPanelState st;
  std::string slo;
  auto ui = [&] { test::fullscreen_window("latency", [&] { draw_latency_panel(m, false, st, slo); }); };
  h.frame(ui);
  h.move_mouse(ImVec2(300, 300));
  h.frame(ui);
  h.set_mouse_button(0, true);
  h.frame(ui);
  h.move_mouse(ImVec2(600, 302));
  h.frame(ui);
  h.set_mouse_button(0, false);
  h.frames(2, ui);  // the release zooms; the next frame rebins
  REQUIRE(st.window.count("TTFT"));
  const auto [lo, hi] = st.window["TTFT"];
  CHECK(lo > 0);
  CHECK(hi < m.charts[0].x_max);
  CHECK(hi - lo > m.charts[0].x_max / 5);
  REQUIRE(st.views.count("TTFT"));
  const LatencyView& v = st.views["TTFT"];
  uint64_t in = 0;
  for (auto n : v.hist.count) in += n;
  CHECK(in + v.hist.below + v.hist.above == 1000);
  CHECK(v.hist.below > 0);
  h.double_click(ImVec2(450, 300), ui);
  h.frame(ui);
  CHECK(st.window.empty());
}
