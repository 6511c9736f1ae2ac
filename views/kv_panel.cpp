#include "views/kv_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "views/plot/plot_draw.h"

namespace hp {
namespace {

constexpr ImU32 kAxis = plot::kAxisColour;
constexpr ImU32 kPreempt = IM_COL32(255, 160, 40, 255);
constexpr ImU32 kRate = IM_COL32(90, 170, 220, 255);
constexpr ImU32 kMark = IM_COL32(255, 255, 255, 255);

ImVec4 regime_colour(kv::KvRegime r) {
  switch (r) {
    case kv::KvRegime::MemoryBound:
      return ImVec4(1.0f, 0.45f, 0.35f, 1);
    case kv::KvRegime::Thrashing:
      return ImVec4(1.0f, 0.7f, 0.25f, 1);
    case kv::KvRegime::LimitElsewhere:
      return ImVec4(0.95f, 0.85f, 0.4f, 1);
    case kv::KvRegime::NotBottleneck:
      return ImVec4(0.5f, 0.85f, 0.5f, 1);
    default:
      return ImVec4(0.7f, 0.7f, 0.7f, 1);
  }
}

void verdict(const KvModel& m) {
  ImGui::TextColored(regime_colour(m.verdict.regime), "%s", kv::to_string(m.verdict.regime));
  ImGui::SameLine();
  ImGui::TextWrapped("%s", m.verdict.headline.c_str());
  std::string ev;
  for (const auto& e : m.verdict.evidence) ev += (ev.empty() ? "" : "  ·  ") + e;
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  if (!ev.empty()) ImGui::TextWrapped("%s", ev.c_str());
  ImGui::PopStyleColor();
}

void heatmap(const KvModel& m, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float line = ImGui::GetTextLineHeight();
  float label_w = 0;
  for (const auto& r : m.rows) label_w = std::max(label_w, ImGui::CalcTextSize(r.c_str()).x);
  label_w = std::min(label_w + 8, size.x * 0.3f);
  dl->AddText(
      p, kAxis,
      fmt::format(
          "KV cache usage over time x replica  ·  {}  ·  {} bins of {}  ·  orange: preemptions ({:.0f})",
          m.series.usage_source, m.bins,
          plot::format_value(static_cast<double>(m.t1 - m.t0) / m.bins, plot::Unit::Nanoseconds),
          std::max(m.series.preemptions, 0.0))
          .c_str());
  const float top = p.y + line * 1.4f + 8;  // room for the preemption markers
  const plot::HeatmapGrid g =
      plot::heatmap_grid({p.x + label_w, top, p.x + size.x - 4, p.y + size.y - line * 4.4f}, m.rows.size(),
                         static_cast<size_t>(m.bins));
  const size_t cols = static_cast<size_t>(m.bins);
  for (size_t r = 0; r < m.rows.size(); ++r) {
    for (size_t c = 0; c < cols; ++c) {
      const plot::Rect cell = g.cell(r, c);
      dl->AddRectFilled(ImVec2(cell.x0, cell.y0), ImVec2(cell.x1 + 0.5f, cell.y1 - (g.cell_h > 6 ? 1 : 0)),
                        m.colors[r * cols + c]);
    }
    const plot::Rect c0 = g.cell(r, 0);
    dl->PushClipRect(ImVec2(p.x, c0.y0), ImVec2(p.x + label_w - 4, c0.y1), true);
    dl->AddText(ImVec2(p.x, c0.y0 + (g.cell_h - line) / 2), kAxis, m.rows[r].c_str());
    dl->PopClipRect();
  }
  for (size_t c = 0; c < cols; ++c) {
    if (!m.preempted[c]) continue;
    const float x = g.area.x0 + g.cell_w * (static_cast<float>(c) + 0.5f);
    dl->AddTriangleFilled(ImVec2(x - 4, top - 7), ImVec2(x + 4, top - 7), ImVec2(x, top - 1), kPreempt);
  }
  // Time axis.
  const double span = static_cast<double>(m.t1 - m.t0);
  for (const auto& t : plot::ticks(0, span, std::max(2, static_cast<int>((g.area.x1 - g.area.x0) / 110)),
                                   plot::Unit::Nanoseconds)) {
    const float x = g.area.x0 + (g.area.x1 - g.area.x0) * static_cast<float>(t.value / span);
    dl->AddLine(ImVec2(x, g.area.y1), ImVec2(x, g.area.y1 + 4), kAxis);
    dl->AddText(ImVec2(x - ImGui::CalcTextSize(t.label.c_str()).x / 2, g.area.y1 + 4), kAxis,
                t.label.c_str());
  }
  // Legend: 0..1 bar, the 90 % mark, grey = missing, the capacity.
  const float ly = g.area.y1 + line * 1.6f, lh = line * 0.8f, lx0 = g.area.x0,
              lx1 = g.area.x0 + (g.area.x1 - g.area.x0) * 0.4f;
  const float sw = (lx1 - lx0) / static_cast<float>(m.legend.steps.size());
  for (size_t i = 0; i < m.legend.steps.size(); ++i)
    dl->AddRectFilled(ImVec2(lx0 + sw * static_cast<float>(i), ly),
                      ImVec2(lx0 + sw * static_cast<float>(i + 1), ly + lh), m.legend.steps[i]);
  for (const auto& t : m.legend.ticks) {
    const float x = lx0 + (lx1 - lx0) * static_cast<float>(t.value);
    dl->AddText(ImVec2(x - ImGui::CalcTextSize(t.label.c_str()).x / 2, ly + lh + 1), kAxis, t.label.c_str());
  }
  for (const auto& mk : m.legend.marks) {
    const float x = lx0 + (lx1 - lx0) * mk.at;
    dl->AddLine(ImVec2(x, ly - 2), ImVec2(x, ly + lh + 2), kMark, 2);
  }
  dl->AddRectFilled(ImVec2(lx1 + 12, ly), ImVec2(lx1 + 12 + lh, ly + lh), plot::kMissing);
  const std::string tail = "no sample" + (m.capacity.empty() ? std::string() : "    " + m.capacity);
  dl->AddText(ImVec2(lx1 + 16 + lh, ly - 1), kAxis, tail.c_str());

  ImGui::SetCursorScreenPos(p);
  ImGui::InvisibleButton("##kvheat", size);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (auto hit = g.hit(mouse.x, mouse.y); ImGui::IsItemHovered() && hit) {
    const double v = m.cells[hit->first * cols + hit->second];
    const double t0 = span * static_cast<double>(hit->second) / m.bins;
    ImGui::SetTooltip(
        "%s\n+%s: %s", m.rows[hit->first].c_str(), plot::format_value(t0, plot::Unit::Nanoseconds).c_str(),
        std::isnan(v) ? "no sample" : fmt::format("{:.1f} % (mean of the bin)", 100 * v).c_str());
  }
}

void prefix_chart(const KvModel& m, ImVec2 size) {
  if (m.prefix_title.empty()) {
    ImGui::TextDisabled("No prefix-cache counters or hit rate in this run.");
    ImGui::Dummy(ImVec2(size.x, size.y - ImGui::GetTextLineHeightWithSpacing()));
    return;
  }
  const double span = static_cast<double>(m.t1 - m.t0);
  // Counter bins on 0..1; the engine's rolling rate on its own range (a few % would not show on 0..1).
  double top = 1.0;
  if (m.hit_rate.empty()) {
    double peak = 0;
    for (const auto& l : m.series.prefix_gauge)
      for (double v : l.usage) peak = std::max(peak, v);
    top = std::clamp(peak * 1.25, 0.05, 1.0);
  }
  const plot::ChartArea a =
      plot::begin_chart(m.prefix_title, size, 0, span, plot::Unit::Nanoseconds, 0, top, plot::Unit::Fraction);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(a.a, a.b, true);
  if (!m.hit_rate.empty()) {
    const double w = span / static_cast<double>(m.hit_rate.size());
    for (size_t c = 0; c < m.hit_rate.size(); ++c) {
      if (std::isnan(m.hit_rate[c])) continue;  // no queries in the bin: nothing drawn
      const ImVec2 lo = a.px(w * static_cast<double>(c), 0),
                   hi = a.px(w * static_cast<double>(c + 1), m.hit_rate[c]);
      dl->AddRectFilled(ImVec2(lo.x, hi.y), ImVec2(std::max(lo.x + 1, hi.x - 1), lo.y), kRate);
    }
  } else {
    for (const auto& l : m.series.prefix_gauge) {
      std::vector<ImVec2> pts;
      for (size_t k = 0; k < l.ts.size(); ++k) {
        const ImVec2 q = a.px(static_cast<double>(l.ts[k] - m.t0), l.usage[k]);
        if (!pts.empty()) pts.emplace_back(q.x, pts.back().y);
        pts.push_back(q);
      }
      if (pts.size() > 1) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), kRate, 0, 1.5f);
    }
  }
  dl->PopClipRect();
}

void residency(const KvModel& m, ImVec2 size) {
  if (m.series.residency.empty()) {
    ImGui::TextDisabled("No KV residency histograms (vLLM --kv-cache-metrics; they move only on eviction).");
    ImGui::Dummy(ImVec2(size.x, size.y - ImGui::GetTextLineHeightWithSpacing()));
    return;
  }
  const float h = size.y / static_cast<float>(m.series.residency.size());
  for (const auto& r : m.series.residency) {
    auto q = [](double v, bool over) {
      return over ? fmt::format("> {:g} s", v) : fmt::format("{:.3g} s", v);
    };
    const std::string title = fmt::format("{} ({:.0f} blocks): p50 {}, p90 {}, p99 {}", r.name, r.total,
                                          q(r.p50, r.p50_over), q(r.p90, r.p90_over), q(r.p99, r.p99_over));
    double peak = 1;
    for (double c : r.count) peak = std::max(peak, c);
    // A frame of our own: the x axis is the bucket, labelled with its upper bound.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float line = ImGui::GetTextLineHeight();
    dl->AddText(p, kAxis, title.c_str());
    const ImVec2 a0(p.x + 4, p.y + line * 1.3f), a1(p.x + size.x - 4, p.y + h - line * 1.4f);
    dl->AddRect(a0, a1, kAxis);
    const float slot = (a1.x - a0.x) / static_cast<float>(std::max<size_t>(r.count.size(), 1));
    for (size_t i = 0; i < r.count.size(); ++i) {
      const float x = a0.x + slot * static_cast<float>(i);
      const float top = a1.y - (a1.y - a0.y - 2) * static_cast<float>(r.count[i] / peak);
      if (r.count[i] > 0)
        dl->AddRectFilled(ImVec2(x + slot * 0.1f, top), ImVec2(x + slot * 0.9f, a1.y), kRate);
      if (i % 3 == 0 || i + 1 == r.count.size()) {
        const std::string b = std::isinf(r.le[i]) ? std::string("+Inf") : fmt::format("{:g}", r.le[i]);
        dl->AddText(ImVec2(x + slot * 0.5f - ImGui::CalcTextSize(b.c_str()).x / 2, a1.y + 2), kAxis,
                    b.c_str());
      }
    }
    dl->AddText(ImVec2(a1.x - ImGui::CalcTextSize("s (bucket upper bound)").x, a0.y + 2), kAxis,
                "s (bucket upper bound)");
    ImGui::SetCursorScreenPos(p);
    ImGui::InvisibleButton(r.name.c_str(), ImVec2(size.x, h - 4));
    if (ImGui::IsItemHovered()) {
      const float mx = ImGui::GetIO().MousePos.x;
      const auto i = static_cast<size_t>(std::max(0.0f, (mx - a0.x) / slot));
      if (i < r.count.size())
        ImGui::SetTooltip("<= %s: %.0f blocks",
                          std::isinf(r.le[i]) ? "+Inf" : fmt::format("{:g} s", r.le[i]).c_str(), r.count[i]);
    }
  }
}

// KV events: blocks alive per bin (line) over stored and removed per second (bars, own scale).
void block_chart(const KvModel& m, ImVec2 size) {
  const kv::KvBlockView& v = m.blocks;
  double peak = 1;
  for (int64_t a : v.alive) peak = std::max(peak, static_cast<double>(a));
  peak *= 1.15;  // headroom: the top value is not drawn on the frame
  const double span = static_cast<double>(v.t1 - v.t0);
  const plot::ChartArea a =
      plot::begin_chart(m.blocks_title + "  ·  line: blocks alive  ·  bars: stored/s", size, 0, span,
                        plot::Unit::Nanoseconds, 0, peak, plot::Unit::Count);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(a.a, a.b, true);
  const size_t n = v.alive.size();
  const double w = span / static_cast<double>(std::max<size_t>(n, 1));
  double rate_peak = 1e-9;
  for (double r : v.stored_per_s) rate_peak = std::max(rate_peak, r);
  for (size_t c = 0; c < v.stored_per_s.size(); ++c) {
    const ImVec2 lo = a.px(w * static_cast<double>(c), 0),
                 hi = a.px(w * static_cast<double>(c + 1), peak * v.stored_per_s[c] / rate_peak);
    if (v.stored_per_s[c] > 0)
      dl->AddRectFilled(ImVec2(lo.x, hi.y), ImVec2(std::max(lo.x + 1, hi.x - 1), lo.y), kRate & 0x60FFFFFF);
  }
  std::vector<ImVec2> pts;  // a step line: each bin's value (alive at its end) across the bin
  for (size_t c = 0; c < n; ++c) {
    const ImVec2 l = a.px(w * static_cast<double>(c), static_cast<double>(v.alive[c]));
    const ImVec2 r = a.px(w * static_cast<double>(c + 1), static_cast<double>(v.alive[c]));
    if (!pts.empty()) pts.emplace_back(l.x, pts.back().y);
    pts.push_back(l);
    pts.push_back(r);
  }
  if (pts.size() > 1) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), kRate, 0, 1.5f);
  for (Ns t : v.clears) {
    const float x = a.px(static_cast<double>(t - v.t0), 0).x;
    dl->AddLine(ImVec2(x, a.a.y), ImVec2(x, a.b.y), IM_COL32(255, 150, 60, 255));
  }
  dl->PopClipRect();
}

}  // namespace

void draw_kv_panel(const KvModel& m, bool in_range) {
  if (in_range) ImGui::TextDisabled("Over the ruler's range.");
  verdict(m);
  for (const auto& w : m.series.warnings) ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "%s", w.c_str());
  if (!m.note.empty()) {
    ImGui::TextDisabled("%s", m.note.c_str());
    return;
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float line = ImGui::GetTextLineHeight();
  const float heat_h =
      std::max(line * 8, std::min(avail.y * 0.5f, line * (6.5f + 2.2f * static_cast<float>(m.rows.size()))));
  if (!m.rows.empty()) heatmap(m, ImVec2(avail.x, heat_h));
  if (!m.blocks_title.empty())
    block_chart(m, ImVec2(avail.x, std::max(line * 7, ImGui::GetContentRegionAvail().y * 0.4f)));
  const float rest = ImGui::GetContentRegionAvail().y;
  prefix_chart(m, ImVec2(avail.x * 0.55f, rest - 4));
  ImGui::SameLine();
  ImGui::BeginGroup();
  residency(m, ImVec2(avail.x * 0.45f - 12, rest - 4));
  ImGui::EndGroup();
}

}  // namespace hp
