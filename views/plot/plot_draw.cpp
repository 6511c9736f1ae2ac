#include "views/plot/plot_draw.h"

#include <algorithm>

namespace hp::plot {

ImVec2 ChartArea::px(double x, double y) const {
  const double fx = (x - x0) / (x1 - x0), fy = (y - y0) / (y1 - y0);
  return ImVec2(a.x + static_cast<float>(fx) * (b.x - a.x), b.y - static_cast<float>(fy) * (b.y - a.y));
}

double ChartArea::x_at(float px_x) const {
  return x0 + (x1 - x0) * static_cast<double>((px_x - a.x) / std::max(1.0f, b.x - a.x));
}

void draw_columns(ImDrawList* dl, const ChartArea& a, const std::vector<Column>& cols, ImU32 colour) {
  constexpr size_t kMaxRun = 4096;  // columns per strip: keeps one strip within 16-bit indices
  const ImVec2 uv = ImGui::GetFontTexUvWhitePixel();
  const float w = (a.b.x - a.a.x) / static_cast<float>(std::max<size_t>(1, cols.size()));
  auto station = [&](size_t k, float x) {
    float top = a.px(0, cols[k].max).y, bot = a.px(0, cols[k].min).y;
    if (bot - top < 1) top = (top + bot) / 2 - 0.5f, bot = top + 1;
    dl->PrimWriteVtx(ImVec2(x, top), uv, colour);
    dl->PrimWriteVtx(ImVec2(x, bot), uv, colour);
  };
  for (size_t k = 0; k < cols.size();) {
    if (cols[k].empty) {
      ++k;
      continue;
    }
    size_t end = k;
    while (end < cols.size() && !cols[end].empty && end - k < kMaxRun) ++end;
    const size_t stations = end - k == 1 ? 2 : end - k;  // a lone column is a 1-px wide quad
    dl->PrimReserve(static_cast<int>(6 * (stations - 1)), static_cast<int>(2 * stations));
    const auto base = static_cast<ImDrawIdx>(dl->_VtxCurrentIdx);
    for (size_t i = 0; i + 1 < stations; ++i) {
      const auto v = static_cast<ImDrawIdx>(base + 2 * i);
      for (ImDrawIdx d : {0, 1, 2, 1, 3, 2}) dl->PrimWriteIdx(static_cast<ImDrawIdx>(v + d));
    }
    const float cx = a.a.x + w * (static_cast<float>(k) + 0.5f);
    if (end - k == 1) {
      station(k, cx - 0.5f);
      station(k, cx + 0.5f);
    } else {
      for (size_t i = k; i < end; ++i) station(i, a.a.x + w * (static_cast<float>(i) + 0.5f));
    }
    k = end < cols.size() && !cols[end].empty ? end - 1 : end;  // a split run shares its seam column
  }
}

PlotMap plot_map(const ChartArea& a) {
  return {{a.a.x, a.a.y, a.b.x, a.b.y}, a.x0, a.x1, a.y0, a.y1};
}

ZoomEvent box_zoom(const ChartArea& a, BoxZoomState& st, DataBox* box) {
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
    st.dragging = false;
    return ZoomEvent::Reset;
  }
  if (ImGui::IsItemActivated()) st.dragging = true, st.from = mouse;
  if (!st.dragging) return ZoomEvent::None;
  if (ImGui::IsItemActive()) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 lo(std::clamp(std::min(st.from.x, mouse.x), a.a.x, a.b.x),
                    std::clamp(std::min(st.from.y, mouse.y), a.a.y, a.b.y));
    const ImVec2 hi(std::clamp(std::max(st.from.x, mouse.x), a.a.x, a.b.x),
                    std::clamp(std::max(st.from.y, mouse.y), a.a.y, a.b.y));
    dl->AddRectFilled(lo, hi, IM_COL32(120, 170, 255, 50));
    dl->AddRect(lo, hi, IM_COL32(120, 170, 255, 200));
    return ZoomEvent::None;
  }
  st.dragging = false;  // released
  auto b = drag_to_box(plot_map(a), st.from.x, st.from.y, mouse.x, mouse.y);
  if (!b) return ZoomEvent::None;
  *box = *b;
  return ZoomEvent::Zoomed;
}

void draw_stacks(ImDrawList* dl, const ChartArea& a, const Stacks& stacks, const std::vector<double>& edges,
                 const ImU32* colours, size_t n) {
  for (const StackSegment& g : stacks.segments) {
    if (g.bin + 1 >= edges.size()) continue;
    const ImVec2 p0 = a.px(edges[g.bin], g.y1), p1 = a.px(edges[g.bin + 1], g.y0);
    dl->AddRectFilled(ImVec2(p0.x, p0.y), ImVec2(std::max(p0.x + 1, p1.x - 1), p1.y), colours[g.series % n]);
  }
}

ChartArea begin_chart(const std::string& title, ImVec2 size, double x0, double x1, Unit xu, double y0,
                      double y1, Unit yu) {
  if (!(x1 > x0)) x1 = x0 + 1;
  if (!(y1 > y0)) y1 = y0 + 1;
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(title.c_str(), size);
  ChartArea c;
  c.hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight();
  dl->PushClipRect(p, ImVec2(p.x + size.x, p.y + size.y), true);
  dl->AddText(p, IM_COL32(220, 220, 220, 255), title.c_str());
  const std::vector<Tick> yt = ticks(y0, y1, std::max(2, static_cast<int>(size.y / (line * 2.5f))), yu);
  float label_w = 0;
  for (const auto& t : yt) label_w = std::max(label_w, ImGui::CalcTextSize(t.label.c_str()).x);
  c.a = ImVec2(p.x + label_w + 8, p.y + line * 1.5f);
  c.b = ImVec2(p.x + size.x - 8, p.y + size.y - line * 1.4f);
  c.x0 = x0, c.x1 = x1, c.y0 = y0, c.y1 = y1;
  if (c.b.x - c.a.x < 10 || c.b.y - c.a.y < 10) {
    dl->PopClipRect();
    return c;
  }
  dl->AddRect(c.a, c.b, IM_COL32(70, 70, 70, 255));
  for (const auto& t : yt) {
    const float y = c.px(x0, t.value).y;
    dl->AddLine(ImVec2(c.a.x - 3, y), ImVec2(c.a.x, y), kAxisColour);
    const float tw = ImGui::CalcTextSize(t.label.c_str()).x;
    dl->AddText(ImVec2(c.a.x - 5 - tw, y - line / 2), kAxisColour, t.label.c_str());
  }
  for (const auto& t : ticks(x0, x1, std::max(2, static_cast<int>((c.b.x - c.a.x) / 110)), xu)) {
    const float x = c.px(t.value, y0).x;
    dl->AddLine(ImVec2(x, c.b.y), ImVec2(x, c.b.y + 3), kAxisColour);
    const float tw = ImGui::CalcTextSize(t.label.c_str()).x;
    dl->AddText(ImVec2(std::clamp(x - tw / 2, c.a.x, c.b.x - tw), c.b.y + 2), kAxisColour, t.label.c_str());
  }
  dl->PopClipRect();
  return c;
}

}  // namespace hp::plot
