#include "views/whatif_model.h"

#include <algorithm>
#include <cmath>

#include "core/disagg/fit_spec.h"
#include "core/session/request_metrics.h"

namespace hp {

namespace {

double p99(std::vector<double> v) {
  std::erase_if(v, [](double x) { return !std::isfinite(x); });
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(std::ceil(0.99 * static_cast<double>(v.size()))) - 1)];
}

WhatIfPoint point(const disagg::AnalyticPoint& a, double x, const WhatIfControls& c) {
  WhatIfPoint p;
  p.x = x;
  p.throughput_rps = a.throughput_rps;
  p.max_rate_rps = a.bounds.max_rate_rps;
  p.ttft_p99_ms = a.ttft_ms.p99;
  p.itl_p99_ms = a.itl_ms.p99;
  p.bottleneck = a.bounds.bottleneck;
  p.meets_slo = !a.saturated && (c.slo_ttft_ms <= 0 || p.ttft_p99_ms <= c.slo_ttft_ms) &&
                (c.slo_itl_ms <= 0 || p.itl_p99_ms <= c.slo_itl_ms);
  return p;
}

}  // namespace

WhatIfModel whatif_model(const Session& s, int tp) {
  WhatIfModel m;
  try {
    disagg::FitOptions fo;
    fo.tp = tp;
    disagg::FitResult f = disagg::fit_spec(s, fo);
    // At least two instances and 8 GPUs, so that the P:D splits have room.
    const int t = std::max(1, f.spec.tp);
    if (f.spec.gpus < std::max(8, 2 * t)) {
      f.spec.gpus = (std::max(8, 2 * t) + t - 1) / t * t;
      f.spec.sources["gpus"] += "; raised to " + std::to_string(f.spec.gpus) + " for the splits";
    }
    m.fitted = f.spec;
    m.warnings = f.warnings;
  } catch (const std::exception& e) {
    m.note = std::string("No what-if model: ") + e.what() + ".";
    return m;
  }
  RequestMetrics rm = request_metrics(s);
  std::vector<double> ttft, tpot;
  for (size_t i = 0; i < rm.size(); ++i) {
    ttft.push_back(rm.value(RequestField::Ttft, i));
    tpot.push_back(rm.value(RequestField::Tpot, i));
  }
  m.has_measured = !ttft.empty();
  m.measured_rate_rps = m.fitted.arrival.rate_rps;
  m.measured_ttft_p99_ms = p99(ttft);
  m.measured_itl_p99_ms = p99(tpot);
  WhatIfControls c;
  c.gpus = m.fitted.gpus;
  c.rate_rps = m.fitted.arrival.rate_rps;
  c.prompt_scale = 1;
  c.prefix_hit = m.fitted.prefix_hit_fraction;
  c.bandwidth_GBps = m.fitted.kv.bandwidth_GBps;
  apply_controls(m, c);
  return m;
}

disagg::Layout chosen_layout(const WhatIfModel& m) {
  const int n = std::max(1, m.spec.instances());
  const int p = std::clamp(m.controls.prefill_gpus / std::max(1, m.spec.tp), 0, n - 1);
  return p ? disagg::Layout{p, n - p} : disagg::Layout{0, n};
}

void apply_controls(WhatIfModel& m, const WhatIfControls& c) {
  if (!m.ready()) return;
  m.controls = c;
  disagg::WhatIfSpec& s = m.spec;
  const bool same_workload =
      s.prompt_scale == c.prompt_scale && s.prefix_hit_fraction == c.prefix_hit && !m.sketch.prompt.empty();
  s = m.fitted;
  s.gpus = std::max(s.tp, c.gpus - c.gpus % s.tp);
  s.arrival.rate_rps = std::max(1e-6, c.rate_rps);
  s.prompt_scale = c.prompt_scale;
  s.prefix_hit_fraction = std::clamp(c.prefix_hit, 0.0, 1.0);
  s.kv.bandwidth_GBps = std::max(1e-6, c.bandwidth_GBps);
  m.controls.gpus = s.gpus;
  m.controls.prefill_gpus = std::clamp(c.prefill_gpus - c.prefill_gpus % s.tp, 0, s.gpus - s.tp);
  if (!same_workload) m.sketch = disagg::sketch(s);  // lengths change; rate and bandwidth do not need it
  const int n = s.instances();
  m.by_split.clear();
  m.by_split.push_back(point(disagg::analytic(s, m.sketch, {0, n}, s.arrival.rate_rps), 0, m.controls));
  for (int p = 1; p < n; ++p)
    m.by_split.push_back(
        point(disagg::analytic(s, m.sketch, {p, n - p}, s.arrival.rate_rps), p * s.tp, m.controls));
  const disagg::Layout l = chosen_layout(m);
  m.chosen = disagg::analytic(s, m.sketch, l, s.arrival.rate_rps);
  const double top = 1.5 * std::max(m.chosen.bounds.max_rate_rps, m.by_split[0].max_rate_rps);
  m.by_rate.clear();
  m.by_rate_mono.clear();
  constexpr int kSteps = 60;
  for (int i = 1; i <= kSteps; ++i) {
    const double r = top * i / kSteps;
    m.by_rate.push_back(point(disagg::analytic(s, m.sketch, l, r), r, m.controls));
    m.by_rate_mono.push_back(point(disagg::analytic(s, m.sketch, {0, 1}, r), r, m.controls));
  }
}

}  // namespace hp
