#include "views/plot/plot_draw.h"

#include <catch2/catch.hpp>

#include "support/imgui_harness.h"

using namespace hp;
using namespace hp::plot;

TEST_CASE("plot draw: min/max columns draw as bands of two vertices a column", "[plot][plot_draw]") {
  test::ImGuiHarness h;
  ChartArea a;
  a.a = ImVec2(100, 100), a.b = ImVec2(300, 200), a.y0 = 0, a.y1 = 10;
  std::vector<Column> cols(4);  // 50 px each: centres at 125, 175, 225, 275
  cols[0] = {2, 4, false}, cols[1] = {4, 4, false}, cols[3] = {5, 5, false};
  std::vector<ImDrawVert> verts;
  int indices = 0;
  h.frame([&] {
    test::fullscreen_window("bands", [&] {
      ImDrawList* dl = ImGui::GetWindowDrawList();
      const int v0 = dl->VtxBuffer.Size, i0 = dl->IdxBuffer.Size;
      draw_columns(dl, a, cols, IM_COL32_WHITE);
      verts.assign(dl->VtxBuffer.begin() + v0, dl->VtxBuffer.end());
      indices = dl->IdxBuffer.Size - i0;
    });
  });
  // A run of two columns (a quad) and a lone column (a 1-px wide quad); the empty column breaks the run.
  REQUIRE(verts.size() == 8);
  CHECK(indices == 12);
  CHECK(verts[0].pos.x == 125);
  CHECK(verts[0].pos.y == 160);  // top: value 4
  CHECK(verts[1].pos.y == 180);  // bottom: value 2
  CHECK(verts[2].pos.x == 175);
  CHECK(verts[2].pos.y == 159.5f);  // a flat column is 1 px tall
  CHECK(verts[3].pos.y == 160.5f);
  CHECK(verts[4].pos.x == 274.5f);
  CHECK(verts[6].pos.x == 275.5f);
  CHECK(verts[7].pos.y == 150.5f);
}

TEST_CASE("plot draw: dragging over a chart zooms to the box, a double-click resets", "[plot][plot_draw]") {
  test::ImGuiHarness h;
  ChartArea area;
  BoxZoomState st;
  ZoomEvent ev = ZoomEvent::None;
  DataBox box;
  auto ui = [&] {
    test::fullscreen_window("zoom", [&] {
      area = begin_chart("chart", ImVec2(600, 300), 0, 100, Unit::Count, 0, 50, Unit::Count);
      const ZoomEvent e = box_zoom(area, st, &box);
      if (e != ZoomEvent::None) ev = e;
    });
  };
  h.frame(ui);
  const float w = area.b.x - area.a.x, ht = area.b.y - area.a.y;
  h.move_mouse(ImVec2(area.a.x + w * 0.2f, area.a.y + 5));
  h.frame(ui);
  h.set_mouse_button(0, true);
  h.frame(ui);
  h.move_mouse(ImVec2(area.a.x + w * 0.6f, area.a.y + 3));  // flat: x only
  h.frames(2, ui);
  CHECK(ev == ZoomEvent::None);
  CHECK(st.dragging);
  h.set_mouse_button(0, false);
  h.frame(ui);
  REQUIRE(ev == ZoomEvent::Zoomed);
  CHECK(box.x0 == Approx(20).margin(0.01));
  CHECK(box.x1 == Approx(60).margin(0.01));
  CHECK_FALSE(box.zoom_y);
  CHECK(box.y1 == 50);
  ev = ZoomEvent::None;
  h.double_click(ImVec2(area.a.x + w / 2, area.a.y + ht / 2), ui);
  h.frame(ui);
  CHECK(ev == ZoomEvent::Reset);
}
