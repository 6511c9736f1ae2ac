#include "views/whatif_panel.h"

#include <imgui.h>

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>

#include "views/plot/plot_draw.h"

namespace hp {
namespace {

constexpr ImU32 kLine = IM_COL32(200, 200, 200, 200);
constexpr ImU32 kMono = IM_COL32(140, 140, 140, 160);
constexpr ImU32 kSloShade = IM_COL32(220, 60, 60, 40);
constexpr ImU32 kMeasured = IM_COL32(255, 255, 255, 255);
constexpr ImU32 kChosen = IM_COL32(255, 220, 80, 160);

ImU32 bottleneck_colour(disagg::Bottleneck b) {
  switch (b) {
    case disagg::Bottleneck::Prefill:
      return IM_COL32(230, 150, 60, 255);
    case disagg::Bottleneck::Decode:
      return IM_COL32(90, 160, 220, 255);
    case disagg::Bottleneck::Link:
      return IM_COL32(200, 90, 200, 255);
    case disagg::Bottleneck::KvCapacity:
      return IM_COL32(220, 80, 80, 255);
    case disagg::Bottleneck::Engine:
      return IM_COL32(120, 200, 120, 255);
  }
  return kLine;
}

using Getter = std::function<double(const WhatIfPoint&)>;

struct Curve {
  const std::vector<WhatIfPoint>* pts;
  ImU32 colour;
  bool markers;
};

// One chart: curves of `get` over x, SLO shading above `slo` (> 0), a vertical marker at `mark_x`
// (NaN: none) and the measured point (NaN: none).
void chart(const std::string& title, const std::vector<Curve>& curves, const Getter& get, plot::Unit xu,
           plot::Unit yu, double slo, double mark_x, double meas_x, double meas_y, ImVec2 size) {
  double x0 = 1e300, x1 = -1e300, y1 = 0;
  for (const Curve& c : curves)
    for (const WhatIfPoint& p : *c.pts) {
      x0 = std::min(x0, p.x), x1 = std::max(x1, p.x);
      if (std::isfinite(get(p))) y1 = std::max(y1, get(p));
    }
  if (std::isfinite(meas_y)) y1 = std::max(y1, meas_y);
  if (slo > 0) y1 = std::max(y1, slo * 1.2);
  if (x0 > x1) x0 = 0, x1 = 1;
  const plot::ChartArea a = plot::begin_chart(title, size, x0, x1, xu, 0, std::max(1e-9, y1 * 1.08), yu);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(a.a, a.b, true);
  if (slo > 0) {
    const ImVec2 q = a.px(x0, slo);
    dl->AddRectFilled(ImVec2(a.a.x, a.a.y), ImVec2(a.b.x, q.y), kSloShade);
    dl->AddLine(ImVec2(a.a.x, q.y), ImVec2(a.b.x, q.y), IM_COL32(220, 60, 60, 200), 1.0f);
  }
  if (std::isfinite(mark_x)) {
    const ImVec2 q = a.px(mark_x, 0);
    dl->AddLine(ImVec2(q.x, a.a.y), ImVec2(q.x, a.b.y), kChosen, 1.0f);
  }
  for (const Curve& c : curves) {
    std::vector<ImVec2> line;
    for (const WhatIfPoint& p : *c.pts) {
      const double y = get(p);
      if (!std::isfinite(y)) continue;
      line.push_back(a.px(p.x, std::min(y, y1 * 1.08)));
    }
    if (line.size() > 1) dl->AddPolyline(line.data(), static_cast<int>(line.size()), c.colour, 0, 1.5f);
    if (!c.markers) continue;
    for (const WhatIfPoint& p : *c.pts) {
      const double y = get(p);
      const ImVec2 q = a.px(p.x, std::isfinite(y) ? std::min(y, y1 * 1.08) : y1 * 1.08);
      dl->AddCircleFilled(q, 4.0f, bottleneck_colour(p.bottleneck));
      if (!p.meets_slo) dl->AddCircle(q, 6.0f, IM_COL32(220, 60, 60, 255), 0, 1.5f);
    }
  }
  if (std::isfinite(meas_x) && std::isfinite(meas_y) && meas_y > 0) {  // 0: the run did not measure it
    const ImVec2 q = a.px(meas_x, meas_y);
    dl->AddRect(ImVec2(q.x - 5, q.y - 5), ImVec2(q.x + 5, q.y + 5), kMeasured, 0, 0, 2.0f);
  }
  dl->PopClipRect();
  if (a.hovered) {
    const double x = a.x_at(ImGui::GetIO().MousePos.x);
    const WhatIfPoint* best = nullptr;
    for (const WhatIfPoint& p : *curves[0].pts)
      if (!best || std::abs(p.x - x) < std::abs(best->x - x)) best = &p;
    if (best)
      ImGui::SetTooltip("x %.2f: %.3g (bottleneck %s%s)", best->x, get(*best),
                        disagg::to_string(best->bottleneck), best->meets_slo ? "" : ", misses the SLO");
  }
}

bool controls(WhatIfModel& m, WhatIfControls& c) {
  const int tp = std::max(1, m.spec.tp);
  bool changed = false;
  ImGui::PushItemWidth(220);
  int p = c.prefill_gpus;
  changed |= ImGui::SliderInt("prefill GPUs (0 = monolithic)", &p, 0, c.gpus - tp);
  c.prefill_gpus = p - p % tp;
  ImGui::SameLine(0, 24);
  changed |= ImGui::SliderInt("total GPUs", &c.gpus, tp, std::max(64, c.gpus));
  float rate = static_cast<float>(c.rate_rps), scale = static_cast<float>(c.prompt_scale);
  float hit = static_cast<float>(c.prefix_hit), bw = static_cast<float>(c.bandwidth_GBps);
  float ttft = static_cast<float>(c.slo_ttft_ms), itl = static_cast<float>(c.slo_itl_ms);
  const float top =
      static_cast<float>(std::max(10.0, m.by_split.empty() ? 10 : m.by_split[0].max_rate_rps * 4));
  changed |=
      ImGui::SliderFloat("arrival rate (req/s)", &rate, 0.01f, top, "%.2f", ImGuiSliderFlags_Logarithmic);
  ImGui::SameLine(0, 24);
  changed |= ImGui::SliderFloat("prompt length x", &scale, 0.1f, 10.0f, "%.2f", ImGuiSliderFlags_Logarithmic);
  changed |= ImGui::SliderFloat("prefix-hit fraction", &hit, 0.0f, 0.99f, "%.2f");
  ImGui::SameLine(0, 24);
  changed |= ImGui::SliderFloat("link GB/s", &bw, 0.1f, 900.0f, "%.1f", ImGuiSliderFlags_Logarithmic);
  changed |= ImGui::SliderFloat("SLO p99 TTFT ms (0 = none)", &ttft, 0.0f, 10000.0f, "%.0f");
  ImGui::SameLine(0, 24);
  changed |= ImGui::SliderFloat("SLO p99 ITL ms", &itl, 0.0f, 500.0f, "%.1f");
  ImGui::PopItemWidth();
  c.rate_rps = rate, c.prompt_scale = scale, c.prefix_hit = hit, c.bandwidth_GBps = bw;
  c.slo_ttft_ms = ttft, c.slo_itl_ms = itl;
  return changed;
}

}  // namespace

void update_simulation(const WhatIfModel& m, WhatIfPanelState& st) {
  if (st.job.valid() && st.job.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
    st.sim = st.job.get();
  }
  if (st.job.valid() || !m.ready() || (st.started && st.job_for == m.controls)) return;
  st.job_for = m.controls;
  st.started = true;
  disagg::WhatIfSpec spec = m.spec;
  const disagg::Layout l = chosen_layout(m);
  const disagg::Slo slo{m.controls.slo_ttft_ms, m.controls.slo_itl_ms};
  st.job = std::async(std::launch::async, [spec, l, slo] { return disagg::simulate(spec, l, 2000, 0, slo); });
}

static std::string source_of(const disagg::WhatIfSpec& s, const char* key) {
  auto it = s.sources.find(key);
  return it == s.sources.end() ? "as written" : it->second;
}

void draw_whatif_panel(WhatIfModel& m, WhatIfPanelState& st) {
  if (!m.ready()) return ImGui::TextDisabled("%s", m.note.c_str());
  WhatIfControls c = m.controls;
  if (controls(m, c)) apply_controls(m, c);
  update_simulation(m, st);
  const disagg::Layout l = chosen_layout(m);
  const auto& a = m.chosen;
  ImGui::Text(
      "%s at %.2f req/s: max %.2f req/s (bottleneck %s); analytic mean TTFT %.1f ms, p99 ~%.1f ms; ITL %.2f "
      "ms",
      l.label(m.spec.tp).c_str(), m.spec.arrival.rate_rps, a.bounds.max_rate_rps,
      disagg::to_string(a.bounds.bottleneck), a.ttft_ms.mean, a.ttft_ms.p99, a.itl_ms.mean);
  if (st.sim && st.job_for == m.controls && !st.busy())
    ImGui::Text(
        "Simulated (2000 requests): %.2f req/s, TTFT p50 %.1f / p99 %.1f ms, ITL p50 %.2f / p99 %.2f ms, "
        "KV transfer %.1f ms, SLO met %.0f%%",
        st.sim->throughput_rps, st.sim->ttft_ms.p50, st.sim->ttft_ms.p99, st.sim->itl_ms.p50,
        st.sim->itl_ms.p99, st.sim->kv_transfer_ms.mean, st.sim->slo_met * 100);
  else
    ImGui::TextDisabled("Simulating the chosen point...");
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("tp %d per instance: %s. Prefill: %s. Decode: %s", m.spec.tp,
                      source_of(m.spec, "tp").c_str(), source_of(m.spec, "prefill_ms").c_str(),
                      source_of(m.spec, "decode_ms").c_str());
  ImGui::PopTextWrapPos();
  ImGui::TextDisabled(
      "Colours: bottleneck prefill (orange), decode (blue), link (purple), KV capacity (red), engine "
      "(green); red ring: misses the SLO; white square: the measured run; grey: one monolithic instance, as "
      "measured");
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 sz((avail.x - 16) / 3, std::max(120.0f, (avail.y - 40) / 2));
  const double mark = l.monolithic() ? 0 : l.prefill * m.spec.tp;
  const double nan = std::nan("");
  const double mr = m.has_measured ? m.measured_rate_rps : nan;
  const std::vector<Curve> split{{&m.by_split, kLine, true}};
  const std::vector<Curve> rate{{&m.by_rate, kLine, true}, {&m.by_rate_mono, kMono, false}};
  const Getter tput = [](const WhatIfPoint& p) { return p.throughput_rps; };
  const Getter cap = [](const WhatIfPoint& p) { return p.max_rate_rps; };
  const Getter ttft = [](const WhatIfPoint& p) { return p.ttft_p99_ms; };
  const Getter itl = [](const WhatIfPoint& p) { return p.itl_p99_ms; };
  chart("Max rate (req/s) vs prefill GPUs", split, cap, plot::Unit::Count, plot::Unit::None, 0, mark, nan,
        nan, sz);
  ImGui::SameLine(0, 8);
  chart("p99 TTFT (ms) vs prefill GPUs", split, ttft, plot::Unit::Count, plot::Unit::Milliseconds,
        m.controls.slo_ttft_ms, mark, nan, nan, sz);
  ImGui::SameLine(0, 8);
  chart("p99 ITL (ms) vs prefill GPUs", split, itl, plot::Unit::Count, plot::Unit::Milliseconds,
        m.controls.slo_itl_ms, mark, nan, nan, sz);
  const bool mono = l.monolithic();
  chart("Throughput (req/s) vs arrival rate", rate, tput, plot::Unit::PerSecond, plot::Unit::None, 0,
        m.spec.arrival.rate_rps, mr, mono ? mr : nan, sz);
  ImGui::SameLine(0, 8);
  chart("p99 TTFT (ms) vs arrival rate", rate, ttft, plot::Unit::PerSecond, plot::Unit::Milliseconds,
        m.controls.slo_ttft_ms, m.spec.arrival.rate_rps, mr, m.has_measured ? m.measured_ttft_p99_ms : nan,
        sz);
  ImGui::SameLine(0, 8);
  chart("p99 ITL (ms) vs arrival rate", rate, itl, plot::Unit::PerSecond, plot::Unit::Milliseconds,
        m.controls.slo_itl_ms, m.spec.arrival.rate_rps, mr, m.has_measured ? m.measured_itl_p99_ms : nan, sz);
}

}  // namespace hp
