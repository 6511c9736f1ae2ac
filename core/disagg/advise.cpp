#include "core/disagg/advise.h"

#include <fmt/format.h>

namespace hp::disagg {

Evaluation evaluate(const WhatIfSpec& spec, const Slo& slo, const SelfCheck* check) {
  Evaluation ev;
  ev.spec = spec;
  ev.slo = slo;
  const int n = std::max(1, spec.instances());
  const WorkloadSketch w = sketch(spec);
  auto add = [&](Layout l) { ev.layouts.push_back({l, bounds(spec, w, l), simulate(spec, l, 0, 0, slo)}); };
  add({0, n});
  for (int p = 1; p < n; ++p) add({p, n - p});
  auto score = [&](const LayoutEval& e) { return slo.any() ? e.sim.goodput_rps : e.bounds.max_rate_rps; };
  const LayoutEval& mono = ev.layouts[0];
  for (size_t i = 1; i < ev.layouts.size(); ++i)
    if (score(ev.layouts[i]) > score(ev.layouts[ev.best])) ev.best = i;
  if (ev.best && score(ev.layouts[ev.best]) <= score(mono) * (1 + kMinGain)) ev.best = 0;
  const LayoutEval& b = ev.layouts[ev.best];
  Advice& a = ev.advice;
  a.tp = spec.tp;
  a.monolithic = b.layout.monolithic();
  a.prefill_gpus = b.layout.prefill * spec.tp;
  a.decode_gpus = b.layout.decode * spec.tp;
  a.label = b.layout.label(spec.tp);
  a.goodput_rps = b.sim.goodput_rps;
  a.max_rate_rps = b.bounds.max_rate_rps;
  a.gain = score(mono) > 0 ? score(b) / score(mono) - 1 : 0;
  const char* what = slo.any() ? "SLO goodput" : "maximum sustainable rate";
  if (ev.best == 0) {
    size_t runner = ev.layouts.size() > 1 ? 1 : 0;
    for (size_t i = 1; i < ev.layouts.size(); ++i)
      if (score(ev.layouts[i]) > score(ev.layouts[runner])) runner = i;
    a.reasons.push_back(
        fmt::format("monolithic: no P:D split beats its {} of {:.2f} req/s by more than {:.0f}%", what,
                    score(mono), kMinGain * 100));
    if (runner)
      a.reasons.push_back(fmt::format("best split {} reaches {:.2f} req/s (bottleneck: {})",
                                      ev.layouts[runner].layout.label(spec.tp), score(ev.layouts[runner]),
                                      to_string(ev.layouts[runner].bounds.bottleneck)));
  } else {
    a.reasons.push_back(fmt::format("{}: {} {:.2f} req/s vs {:.2f} monolithic ({:+.0f}%)", a.label, what,
                                    score(b), score(mono), a.gain * 100));
    a.reasons.push_back(fmt::format(
        "p99 TTFT {:.0f} ms vs {:.0f} ms, p99 ITL {:.1f} ms vs {:.1f} ms at {:.2f} req/s", b.sim.ttft_ms.p99,
        mono.sim.ttft_ms.p99, b.sim.itl_ms.p99, mono.sim.itl_ms.p99, spec.arrival.rate_rps));
    a.reasons.push_back(fmt::format("its bottleneck is {}; mean KV transfer {:.1f} ms",
                                    to_string(b.bounds.bottleneck), b.sim.kv_transfer_ms.mean));
  }
  if (check && check->valid && check->low_confidence) {
    a.low_confidence = true;
    a.reasons.push_back(fmt::format(
        "low confidence: the monolithic prediction is off the measured run by {:.0f}% (> {:.0f}%)",
        check->max_deviation * 100, kSelfCheckTolerance * 100));
  }
  return ev;
}

}  // namespace hp::disagg
