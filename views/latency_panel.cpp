#include "views/latency_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace hp {
namespace {

constexpr ImU32 kBar = IM_COL32(70, 130, 180, 255);
constexpr ImU32 kCdf = IM_COL32(240, 200, 90, 255);
constexpr ImU32 kAxis = IM_COL32(150, 150, 150, 255);
constexpr ImU32 kMark[] = {IM_COL32(120, 220, 120, 255), IM_COL32(240, 160, 60, 255),
                           IM_COL32(240, 80, 80, 255)};

void draw_chart(const LatencyChart& c, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float line = ImGui::GetTextLineHeight();
  ImGui::Text("%s  n=%zu  p50 %.2f  p90 %.2f  p99 %.2f  max %.2f ms", to_string(c.metric), c.dist.n,
              c.dist.p50, c.dist.p90, c.dist.p99, c.dist.max);
  const ImVec2 a(p.x + 4, p.y + line * 1.4f), b(p.x + size.x - 8, p.y + size.y - line * 1.4f);
  if (b.x - a.x < 20 || b.y - a.y < 20) return ImGui::Dummy(size);
  const float w = b.x - a.x, h = b.y - a.y;
  auto x_of = [&](double ms) { return a.x + static_cast<float>(ms / c.x_max) * w; };
  uint64_t peak = 1;
  for (uint64_t n : c.hist.count) peak = std::max(peak, n);
  const float bw = w / static_cast<float>(c.hist.count.size());
  for (size_t i = 0; i < c.hist.count.size(); ++i) {
    const float bh = h * static_cast<float>(c.hist.count[i]) / static_cast<float>(peak);
    const float x0 = a.x + bw * static_cast<float>(i);
    if (bh > 0) dl->AddRectFilled(ImVec2(x0 + 1, b.y - bh), ImVec2(x0 + bw - 1, b.y), kBar);
  }
  std::vector<ImVec2> pts;
  for (const auto& q : c.cdf) {
    if (q.value > c.x_max) break;
    pts.push_back(ImVec2(x_of(q.value), b.y - h * static_cast<float>(q.fraction)));
  }
  if (pts.size() > 1) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), kCdf, 0, 1.5f);
  const double marks[] = {c.dist.p50, c.dist.p90, c.dist.p99};
  const char* names[] = {"p50", "p90", "p99"};
  for (int k = 0; k < 3; ++k) {
    if (marks[k] > c.x_max) continue;
    const float x = x_of(marks[k]);
    dl->AddLine(ImVec2(x, a.y), ImVec2(x, b.y), kMark[k], 1.0f);
    dl->AddText(ImVec2(x + 2, a.y + line * static_cast<float>(k)), kMark[k], names[k]);
  }
  dl->AddLine(ImVec2(a.x, b.y), ImVec2(b.x, b.y), kAxis);
  for (const auto& t : c.ticks) {
    const float x = x_of(t.value);
    dl->AddLine(ImVec2(x, b.y), ImVec2(x, b.y + 3), kAxis);
    const float tw = ImGui::CalcTextSize(t.label.c_str()).x;
    dl->AddText(ImVec2(std::clamp(x - tw / 2, a.x, b.x - tw), b.y + 3), kAxis, t.label.c_str());
  }
  const uint64_t outside = c.hist.above;
  if (outside) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%llu above", static_cast<unsigned long long>(outside));
    const float tw = ImGui::CalcTextSize(buf).x;
    dl->AddText(ImVec2(b.x - tw, a.y), kAxis, buf);
  }
  ImGui::SetCursorScreenPos(p);
  ImGui::InvisibleButton("##chart", size);
  if (ImGui::IsItemHovered()) {
    const float mx = ImGui::GetIO().MousePos.x;
    const auto i =
        static_cast<size_t>(std::clamp((mx - a.x) / bw, 0.0f, static_cast<float>(c.hist.count.size() - 1)));
    ImGui::SetTooltip("%.2f .. %.2f ms: %llu requests", c.hist.lo + c.hist.width * static_cast<double>(i),
                      c.hist.lo + c.hist.width * static_cast<double>(i + 1),
                      static_cast<unsigned long long>(c.hist.count[i]));
  }
}

}  // namespace

void draw_latency_panel(const LatencyModel& model, bool in_range) {
  ImGui::Text("%zu requests%s, %zu failed · bars: histogram · yellow: CDF · lines: p50 / p90 / p99",
              model.requests, in_range ? " in the selected range" : "", model.failed);
  if (!model.note.empty()) {
    ImGui::TextDisabled("%s", model.note.c_str());
    return;
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const int n = static_cast<int>(model.charts.size());
  const int cols = std::min(n, avail.x > 1200 ? 4 : avail.x > 700 ? 3 : 2);
  const int rows = (n + cols - 1) / cols;
  const ImVec2 cell(avail.x / static_cast<float>(cols), std::max(120.0f, avail.y / static_cast<float>(rows)));
  if (!ImGui::BeginTable("##latency", cols, ImGuiTableFlags_ScrollY)) return;
  for (int i = 0; i < n; ++i) {
    ImGui::TableNextColumn();
    ImGui::PushID(i);
    draw_chart(model.charts[static_cast<size_t>(i)], ImVec2(cell.x - 6, cell.y - 6));
    ImGui::PopID();
  }
  ImGui::EndTable();
}

}  // namespace hp
