#include "views/load_panel.h"

#include <imgui.h>

#include <fmt/format.h>
#include <algorithm>

#include "views/plot/plot_draw.h"

namespace hp {
namespace {

constexpr ImU32 kLines[] = {IM_COL32(90, 160, 220, 255),  IM_COL32(120, 200, 120, 255),
                            IM_COL32(220, 170, 80, 255),  IM_COL32(200, 120, 200, 255),
                            IM_COL32(100, 210, 210, 255), IM_COL32(230, 110, 110, 255)};
constexpr ImU32 kPreempt = IM_COL32(255, 160, 40, 255);
constexpr ImU32 kFailure = IM_COL32(240, 70, 70, 255);

void zoom(const LoadModel& m, const LoadChart& c, LoadPanelState& st, plot::ZoomEvent e,
          const plot::DataBox& box, std::optional<TimeWindow>* range) {
  if (e == plot::ZoomEvent::Reset) {
    st.y_zoom.clear();
    if (range && st.before_zoom) *range = *st.before_zoom;
    st.before_zoom.reset();
  } else if (e == plot::ZoomEvent::Zoomed) {
    if (box.zoom_y) st.y_zoom[c.concept_name] = {box.y0, box.y1};
    if (!range) return;
    if (!st.before_zoom) st.before_zoom = *range;
    *range = TimeWindow{m.t0 + static_cast<Ns>(box.x0), m.t0 + std::max<Ns>(1, static_cast<Ns>(box.x1))};
  }
}

void draw_chart(const LoadModel& m, size_t ci, LoadPanelState& st, ImVec2 size,
                std::optional<TimeWindow>* range) {
  const std::vector<std::vector<plot::Column>>& cols = st.cols[ci];
  const LoadChart& c = m.charts[ci];
  std::string title = c.title + "  ·  " + c.source;
  if (c.lines.size() > 1) title += fmt::format("  ·  {} replicas", c.lines.size());
  auto yz = st.y_zoom.find(c.concept_name);
  if (yz != st.y_zoom.end()) title += "  ·  y zoomed (double-click: reset)";
  const auto [y0, y1] = yz != st.y_zoom.end() ? yz->second : std::pair{0.0, c.y_max * 1.05};
  const plot::ChartArea a = plot::begin_chart(title, size, 0, static_cast<double>(m.t1 - m.t0),
                                              plot::Unit::Nanoseconds, y0, y1, c.unit);
  plot::DataBox box;
  const plot::ZoomEvent e = plot::box_zoom(a, st.drag[ci], &box);
  st.plots[ci] = {a.a.x, a.a.y, a.b.x, a.b.y};
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(a.a, a.b, true);
  const float w = a.b.x - a.a.x;
  for (size_t li = 0; li < cols.size(); ++li)
    plot::draw_columns(dl, a, cols[li], kLines[li % std::size(kLines)]);
  auto marks = [&](const std::vector<uint32_t>& per_column, ImU32 col, float len) {
    for (size_t k = 0; k < per_column.size(); ++k) {
      if (!per_column[k]) continue;
      const float x = a.a.x + w * (static_cast<float>(k) + 0.5f) / static_cast<float>(per_column.size());
      dl->AddLine(ImVec2(x, a.a.y), ImVec2(x, a.a.y + len), col, 1.5f);
    }
  };
  marks(st.preempt_cols, kPreempt, 8);
  marks(st.failure_cols, kFailure, 5);
  dl->PopClipRect();
  if (a.hovered) {
    const double t = a.x_at(ImGui::GetIO().MousePos.x);
    const int k = static_cast<int>((t / static_cast<double>(m.t1 - m.t0)) *
                                   static_cast<double>(cols.empty() ? 0 : cols[0].size()));
    std::string tip = fmt::format("+{}", plot::format_value(t, plot::Unit::Nanoseconds));
    for (size_t li = 0; li < cols.size(); ++li)
      if (k >= 0 && static_cast<size_t>(k) < cols[li].size() && !cols[li][static_cast<size_t>(k)].empty)
        tip += fmt::format("\n{}: {}", c.lines[li].replica.empty() ? "value" : c.lines[li].replica,
                           plot::format_value(cols[li][static_cast<size_t>(k)].max, c.unit));
    ImGui::SetTooltip("%s", tip.c_str());
  }
  zoom(m, c, st, e, box, range);  // last: it may change the state this chart reads
}

}  // namespace

void draw_load_panel(const LoadModel& m, LoadPanelState& st, bool in_range,
                     std::optional<TimeWindow>* range) {
  ImGui::Text(
      "Server load%s · orange ticks: preemptions (%zu) · red ticks: failed requests (%zu) · drag: zoom, "
      "double-click: back",
      in_range ? " in the selected range" : "", m.preemptions.size(), m.failures.size());
  if (!m.note.empty()) return ImGui::TextDisabled("%s", m.note.c_str());
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const int per_row = avail.x > 900 ? 2 : 1;
  const int rows = (static_cast<int>(m.charts.size()) + per_row - 1) / per_row;
  const ImVec2 cell((avail.x - 8 * static_cast<float>(per_row - 1)) / static_cast<float>(per_row),
                    std::max(110.0f, avail.y / static_cast<float>(std::max(1, rows)) - 4));
  const int columns = std::max(1, (static_cast<int>(cell.x) - 60) / 2);  // a column per 2 px
  if (st.model != &m || st.columns != columns) {
    st.model = &m;
    st.columns = columns;
    st.cols.clear();
    for (const auto& c : m.charts) {
      auto& per_line = st.cols.emplace_back();
      for (const auto& line : c.lines) per_line.push_back(line_columns(line, m.t0, m.t1, columns));
    }
    st.preempt_cols = mark_columns(m.preemptions, m.t0, m.t1, columns);
    st.failure_cols = mark_columns(m.failures, m.t0, m.t1, columns);
  }
  st.drag.resize(m.charts.size());
  st.plots.resize(m.charts.size());
  for (size_t i = 0; i < m.charts.size(); ++i) {
    if (i % static_cast<size_t>(per_row)) ImGui::SameLine(0, 8);
    ImGui::PushID(static_cast<int>(i));
    draw_chart(m, i, st, cell, range);
    ImGui::PopID();
  }
}

}  // namespace hp
