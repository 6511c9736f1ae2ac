#include "views/rollouts_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "views/plot/plot_draw.h"

namespace hp {
namespace {

constexpr ImU32 kWait = IM_COL32(90, 170, 220, 150);      // send -> first completion
constexpr ImU32 kSpread = IM_COL32(255, 160, 40, 255);    // first -> last completion
constexpr ImU32 kPartial = IM_COL32(150, 150, 150, 200);  // a group the run cut
constexpr ImU32 kDot = IM_COL32(120, 200, 120, 255);
constexpr ImU32 kRunning = IM_COL32(90, 170, 220, 255);
constexpr ImU32 kFew = IM_COL32(255, 120, 80, 60);
constexpr ImU32 kFewLine = IM_COL32(255, 120, 80, 200);
constexpr double kNs = 1e9;

// One row per group: a thin bar from the send to the first completion, a thick one to the last.
void group_bars(const RolloutsModel& m, ImVec2 size) {
  const double rows = static_cast<double>(m.bars.size());
  const plot::ChartArea a = plot::begin_chart(
      "Per group (y): send -> first completion (thin) -> last completion (thick: the spread)", size, 0,
      m.run_s * kNs, plot::Unit::Nanoseconds, 0, rows, plot::Unit::Count);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(a.a, a.b, true);
  for (size_t i = 0; i < m.bars.size(); ++i) {
    const RolloutBar& b = m.bars[i];
    if (std::isnan(b.last_done_s) || std::isnan(b.sent_s)) continue;
    const double y = static_cast<double>(i) + 0.5;  // group i between i and i + 1 on the axis
    const ImVec2 s = a.px(b.sent_s * kNs, y), f = a.px(b.first_done_s * kNs, y),
                 l = a.px(b.last_done_s * kNs, y);
    const float h = std::clamp((a.b.y - a.a.y) / static_cast<float>(rows) * 0.35f, 1.0f, 9.0f);
    dl->AddRectFilled(ImVec2(s.x, s.y - h * 0.4f), ImVec2(std::max(s.x + 1, f.x), s.y + h * 0.4f), kWait);
    dl->AddRectFilled(ImVec2(f.x, f.y - h), ImVec2(std::max(f.x + 2, l.x), l.y + h),
                      b.partial ? kPartial : kSpread);
  }
  dl->PopClipRect();
  if (!a.hovered) return;
  const float my = ImGui::GetIO().MousePos.y;
  const double row = (a.b.y - my) / std::max(1.0f, a.b.y - a.a.y) * rows;
  const auto i = static_cast<size_t>(std::clamp(row, 0.0, rows - 1));
  const RolloutBar& b = m.bars[i];
  const auto& g = m.stats.groups[i];
  ImGui::SetTooltip("group %llu%s: %zu/%zu ok\nto last completion %.0f ms, spread %.0f ms\nsent at +%.3f s",
                    static_cast<unsigned long long>(b.group), b.partial ? " (partial)" : "", b.ok, b.requests,
                    g.to_last_ms, g.spread_ms, b.sent_s);
}

// Each group's rollout lengths as dots on a min-max line, the median as a tick.
void lengths(const RolloutsModel& m, ImVec2 size) {
  const double cols = static_cast<double>(m.bars.size());
  const plot::ChartArea a =
      plot::begin_chart("Output tokens per rollout, by group (line: min-max, tick: p50)", size, -0.5,
                        cols - 0.5, plot::Unit::Count, 0, m.length_max * 1.08, plot::Unit::Tokens);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(a.a, a.b, true);
  const float w = std::clamp((a.b.x - a.a.x) / static_cast<float>(std::max(1.0, cols)) * 0.3f, 1.0f, 8.0f);
  for (size_t i = 0; i < m.bars.size(); ++i) {
    const auto& g = m.stats.groups[i];
    if (m.bars[i].lengths.empty()) continue;
    const double x = static_cast<double>(i);
    const ImVec2 lo = a.px(x, g.output_min), hi = a.px(x, g.output_tokens.max),
                 mid = a.px(x, g.output_tokens.p50);
    dl->AddLine(lo, hi, plot::kAxisColour, 1.5f);
    dl->AddLine(ImVec2(mid.x - w, mid.y), ImVec2(mid.x + w, mid.y), kSpread, 2);
    for (double v : m.bars[i].lengths) dl->AddCircleFilled(a.px(x, v), std::min(3.5f, w), kDot);
  }
  dl->PopClipRect();
  if (!a.hovered) return;
  const double x = std::round(a.x_at(ImGui::GetIO().MousePos.x));
  if (x < 0 || x >= cols) return;
  const auto& g = m.stats.groups[static_cast<size_t>(x)];
  std::string lens;
  for (double v : g.lengths) lens += (lens.empty() ? "" : ", ") + fmt::format("{:.0f}", v);
  ImGui::SetTooltip("group %llu: %s tokens", static_cast<unsigned long long>(g.group), lens.c_str());
}

// The running requests (a step function), the "few" threshold and the straggler stretches.
void running(const RolloutsModel& m, ImVec2 size) {
  double peak = 1;
  for (const auto& [t, v] : m.running) peak = std::max(peak, v);
  const std::string title = fmt::format(
      "Running requests ({}); shaded: at most {:.0f} running while stragglers finish, {:.2f} s = {:.0f} %",
      m.stats.straggler_source, m.stats.few_threshold, m.stats.straggler_s, 100 * m.stats.straggler_share);
  const plot::ChartArea a = plot::begin_chart(title, size, 0, m.run_s * kNs, plot::Unit::Nanoseconds, 0,
                                              peak * 1.1, plot::Unit::Count);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(a.a, a.b, true);
  for (const auto& [from, to] : m.few)
    dl->AddRectFilled(ImVec2(a.px(from * kNs, 0).x, a.a.y), ImVec2(a.px(to * kNs, 0).x, a.b.y), kFew);
  const float yf = a.px(0, m.stats.few_threshold).y;
  dl->AddLine(ImVec2(a.a.x, yf), ImVec2(a.b.x, yf), kFewLine, 1);
  std::vector<ImVec2> pts;
  for (const auto& [t, v] : m.running) {
    const ImVec2 q = a.px(t * kNs, v);
    if (!pts.empty()) pts.emplace_back(q.x, pts.back().y);
    pts.push_back(q);
  }
  if (!pts.empty()) pts.emplace_back(a.b.x, pts.back().y);
  if (pts.size() > 1) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), kRunning, 0, 1.5f);
  dl->PopClipRect();
}

}  // namespace

void draw_rollouts_panel(const RolloutsModel& m) {
  if (!m.n) {
    ImGui::TextDisabled("%s", m.note.c_str());
    return;
  }
  ImGui::TextUnformatted(m.how.c_str());
  std::string line;
  for (const auto& s : m.summary) line += (line.empty() ? "" : "  ·  ") + s;
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  ImGui::TextWrapped("%s", line.c_str());
  ImGui::PopStyleColor();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float top = std::max(ImGui::GetTextLineHeight() * 8, avail.y * 0.55f);
  group_bars(m, ImVec2(avail.x * 0.6f, top - 4));
  ImGui::SameLine();
  lengths(m, ImVec2(avail.x * 0.4f - 8, top - 4));
  running(m, ImVec2(avail.x, ImGui::GetContentRegionAvail().y - 4));
}

}  // namespace hp
