#include "views/latency_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hp {
namespace {

constexpr ImU32 kBar = IM_COL32(70, 130, 180, 255);
constexpr ImU32 kCdf = IM_COL32(240, 200, 90, 255);
constexpr ImU32 kAxis = IM_COL32(150, 150, 150, 255);
constexpr ImU32 kMark[] = {IM_COL32(120, 220, 120, 255), IM_COL32(240, 160, 60, 255),
                           IM_COL32(240, 80, 80, 255)};

constexpr ImU32 kSlo = IM_COL32(255, 90, 200, 255);

// Bars of a server histogram: one per bucket between its bounds, height = observations per ms.
void draw_buckets(const LatencyChart& c, const LatencyView& view, ImDrawList* dl, ImVec2 a, ImVec2 b) {
  const float w = b.x - a.x, h = b.y - a.y;
  auto x_of = [&](double ms) {
    return a.x + static_cast<float>((std::clamp(ms, view.lo, view.hi) - view.lo) / (view.hi - view.lo)) * w;
  };
  double peak = 0, lo = 0, prev = 0;
  for (const auto& k : c.buckets) {
    if (std::isinf(k.le)) break;
    if (k.le > lo) peak = std::max(peak, (k.count - prev) / (k.le - lo));
    lo = k.le, prev = k.count;
  }
  lo = 0, prev = 0;
  for (const auto& k : c.buckets) {
    if (std::isinf(k.le) || lo >= view.hi) break;
    const double d = k.le > lo && peak > 0 ? (k.count - prev) / (k.le - lo) / peak : 0;
    const float x0 = x_of(lo), x1 = x_of(k.le);
    if (d > 0 && x1 - x0 > 2)
      dl->AddRectFilled(ImVec2(x0 + 1, b.y - h * static_cast<float>(d)), ImVec2(x1 - 1, b.y), kBar);
    lo = k.le, prev = k.count;
  }
}

plot::ZoomEvent draw_chart(const LatencyChart& c, const LatencyView& view, plot::BoxZoomState& drag,
                           plot::DataBox* box, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float line = ImGui::GetTextLineHeight();
  const std::string title =
      std::string(to_string(c.metric)) + (c.server_histogram ? "  (server histogram)" : "") +
      "  n=" + std::to_string(c.dist.n) + (view.zoomed ? "  (zoomed: double-click to reset)" : "");
  char stats[128];
  std::snprintf(stats, sizeof stats, "p50 %.2f  p90 %.2f  p99 %.2f  %s %.2f ms  %s", c.dist.p50, c.dist.p90,
                c.dist.p99, c.server_histogram ? "top bound" : "max", c.dist.max, c.family.c_str());
  dl->PushClipRect(p, ImVec2(p.x + size.x, p.y + size.y), true);
  dl->AddText(p, IM_COL32(230, 230, 230, 255), title.c_str());
  dl->AddText(ImVec2(p.x, p.y + line), kAxis, stats);
  dl->PopClipRect();
  const ImVec2 a(p.x + 4, p.y + line * 2.4f), b(p.x + size.x - 8, p.y + size.y - line * 1.4f);
  if (b.x - a.x < 20 || b.y - a.y < 20) {
    ImGui::Dummy(size);
    return plot::ZoomEvent::None;
  }
  const float w = b.x - a.x, h = b.y - a.y;
  const double lo = view.lo, hi = view.hi;
  auto x_of = [&](double ms) { return a.x + static_cast<float>((ms - lo) / (hi - lo)) * w; };
  const plot::Histogram& hist = view.hist;
  const float bw = hist.count.empty() ? w : w / static_cast<float>(hist.count.size());
  if (c.server_histogram) {
    draw_buckets(c, view, dl, a, b);
  } else {
    uint64_t peak = 1;
    for (uint64_t n : hist.count) peak = std::max(peak, n);
    for (size_t i = 0; i < hist.count.size(); ++i) {
      const float bh = h * static_cast<float>(hist.count[i]) / static_cast<float>(peak);
      const float x0 = a.x + bw * static_cast<float>(i);
      if (bh > 0) dl->AddRectFilled(ImVec2(x0 + 1, b.y - bh), ImVec2(x0 + bw - 1, b.y), kBar);
    }
  }
  std::vector<ImVec2> pts;
  for (const auto& q : view.cdf) {
    if (q.value > hi) break;
    if (q.value < lo) continue;
    pts.push_back(ImVec2(x_of(q.value), b.y - h * static_cast<float>(q.fraction)));
  }
  if (pts.size() > 1) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), kCdf, 0, 1.5f);
  const double marks[] = {c.dist.p50, c.dist.p90, c.dist.p99};
  const char* names[] = {"p50", "p90", "p99"};
  for (int k = 0; k < 3; ++k) {
    if (marks[k] > hi || marks[k] < lo) continue;
    const float x = x_of(marks[k]);
    dl->AddLine(ImVec2(x, a.y), ImVec2(x, b.y), kMark[k], 1.0f);
    dl->AddText(ImVec2(x + 2, a.y + line * static_cast<float>(k)), kMark[k], names[k]);
  }
  if (c.slo_ms && *c.slo_ms >= lo) {
    const float x = x_of(std::min(*c.slo_ms, hi));
    for (float y = a.y; y < b.y; y += 8)
      dl->AddLine(ImVec2(x, y), ImVec2(x, std::min(y + 4, b.y)), kSlo, 2.0f);
    const char* label = *c.slo_ms > hi ? "SLO >" : "SLO";
    const float tw = ImGui::CalcTextSize(label).x;
    dl->AddText(ImVec2(x - tw - 2 < a.x ? x + 3 : x - tw - 2, b.y - line), kSlo, label);
  }
  dl->AddLine(ImVec2(a.x, b.y), ImVec2(b.x, b.y), kAxis);
  for (const auto& t : view.ticks) {
    const float x = x_of(t.value);
    dl->AddLine(ImVec2(x, b.y), ImVec2(x, b.y + 3), kAxis);
    const float tw = ImGui::CalcTextSize(t.label.c_str()).x;
    dl->AddText(ImVec2(std::clamp(x - tw / 2, a.x, b.x - tw), b.y + 3), kAxis, t.label.c_str());
  }
  if (hist.above || hist.below) {
    char buf[96];
    if (hist.below)
      std::snprintf(buf, sizeof buf, "%llu below, %llu above", static_cast<unsigned long long>(hist.below),
                    static_cast<unsigned long long>(hist.above));
    else
      std::snprintf(buf, sizeof buf, "%llu above", static_cast<unsigned long long>(hist.above));
    const float tw = ImGui::CalcTextSize(buf).x;
    dl->AddText(ImVec2(b.x - tw, a.y), kAxis, buf);
  }
  ImGui::SetCursorScreenPos(p);
  ImGui::InvisibleButton("##chart", size);
  if (ImGui::IsItemHovered() && !hist.count.empty() && !drag.dragging) {
    const float mx = ImGui::GetIO().MousePos.x;
    const auto i =
        static_cast<size_t>(std::clamp((mx - a.x) / bw, 0.0f, static_cast<float>(hist.count.size() - 1)));
    ImGui::SetTooltip("%.2f .. %.2f ms: %llu samples", hist.lo + hist.width * static_cast<double>(i),
                      hist.lo + hist.width * static_cast<double>(i + 1),
                      static_cast<unsigned long long>(hist.count[i]));
  }
  plot::ChartArea area;
  area.a = a, area.b = b, area.x0 = lo, area.x1 = hi;
  return plot::box_zoom(area, drag, box);
}

std::string zoom_key(const LatencyChart& c) {
  return std::string(to_string(c.metric)) + (c.server_histogram ? "/" + c.family : "");
}

}  // namespace

bool draw_latency_panel(const LatencyModel& model, bool in_range, LatencyPanelState& st, std::string& slo) {
  bool changed = false;
  if (!st.synced) std::snprintf(st.slo, sizeof st.slo, "%s", slo.c_str());  // --slo, once
  st.synced = true;
  ImGui::SetNextItemWidth(260);
  ImGui::InputTextWithHint("##slo", "SLO, e.g. ttft=200,tpot=50", st.slo, sizeof st.slo);
  if (slo == st.slo) st.slo_error.clear();
  if (slo != st.slo && st.slo_rejected != st.slo) {  // compared each frame, as Requests' filter
    try {
      serving::parse_slo(st.slo);
      st.slo_error.clear();
      slo = st.slo;
      changed = true;
    } catch (const std::exception& e) {
      st.slo_error = e.what();
      st.slo_rejected = st.slo;
    }
  }
  ImGui::SameLine();
  if (!st.slo_error.empty())
    ImGui::TextColored(ImVec4(1, 0.45f, 0.35f, 1), "%s", st.slo_error.c_str());
  else if (!model.slo.empty())
    ImGui::Text("goodput %.2f req/s: %zu of %zu ok requests meet %s", model.goodput_req_s, model.good,
                model.requests - model.failed, serving::format_slo(model.slo).c_str());
  else
    ImGui::TextDisabled("no SLO: type targets in ms to draw them and get the goodput");
  ImGui::Text(
      "%zu requests%s, %zu failed · bars: histogram · yellow: CDF · lines: p50 / p90 / p99 · pink: SLO",
      model.requests, in_range ? " in the selected range" : "", model.failed);
  if (!model.note.empty()) {
    ImGui::TextDisabled("%s", model.note.c_str());
    return changed;
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const int n = static_cast<int>(model.charts.size());
  const int cols = std::min(n, avail.x > 1200 ? 4 : avail.x > 700 ? 3 : 2);
  const int rows = (n + cols - 1) / cols;
  const ImVec2 cell(avail.x / static_cast<float>(cols), std::max(140.0f, avail.y / static_cast<float>(rows)));
  if (!ImGui::BeginTable("##latency", cols, ImGuiTableFlags_ScrollY)) return changed;
  if (st.views_for != &model) st.views.clear(), st.views_for = &model;
  st.drag.resize(model.charts.size());
  for (int i = 0; i < n; ++i) {
    ImGui::TableNextColumn();
    ImGui::PushID(i);
    const LatencyChart& c = model.charts[static_cast<size_t>(i)];
    const std::string key = zoom_key(c);
    auto win = st.window.find(key);
    auto view = st.views.find(key);
    if (win != st.window.end() && view == st.views.end())
      view = st.views.emplace(key, zoomed_view(c, win->second.first, win->second.second)).first;
    plot::DataBox box;
    const LatencyView full = win == st.window.end() ? full_view(c) : LatencyView{};
    const plot::ZoomEvent e =
        draw_chart(c, win == st.window.end() ? full : view->second, st.drag[static_cast<size_t>(i)], &box,
                   ImVec2(cell.x - 6, cell.y - 6));
    if (e == plot::ZoomEvent::Zoomed) {
      st.window[key] = {box.x0, box.x1};
      st.views.erase(key);
    } else if (e == plot::ZoomEvent::Reset) {
      st.window.erase(key);
      st.views.erase(key);
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
  return changed;
}

}  // namespace hp
