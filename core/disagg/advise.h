#pragma once
// The advisor: the monolithic layout and every P:D split of the spec's instances, each simulated at the
// spec's arrival rate (with its analytic capacity bound), and a recommendation with its reasons. With an
// SLO, layouts are ranked by SLO goodput (requests/s within TTFT and per-request ITL); without one, by
// the maximum sustainable rate. Monolithic stays the answer unless a split beats it by more than 5%.
#include <string>
#include <vector>

#include "core/disagg/analytic.h"
#include "core/disagg/fit_spec.h"
#include "core/disagg/layout.h"
#include "core/disagg/simulate.h"
#include "core/disagg/whatif_spec.h"

namespace hp::disagg {

struct LayoutEval {
  Layout layout;
  Bounds bounds;
  SimResult sim;
};

// The recommended layout, for the deployment-config writer (disagg-config) and the reports.
struct Advice {
  int prefill_gpus = 0, decode_gpus = 0, tp = 1;  // prefill_gpus 0: monolithic on decode_gpus GPUs
  bool monolithic = true;
  std::string label;  // "monolithic 8 GPUs", "2P:6D"
  double goodput_rps = 0, max_rate_rps = 0;
  double gain = 0;                   // over monolithic, on the ranking figure (0.3 = 30% better)
  bool low_confidence = false;       // the self-check missed the measured run by more than 25%
  std::vector<std::string> reasons;  // one sentence each
};

struct Evaluation {
  WhatIfSpec spec;
  Slo slo;
  std::vector<LayoutEval> layouts;  // [0] monolithic, then splits by prefill instances
  size_t best = 0;
  Advice advice;
};

inline constexpr double kMinGain = 0.05;

// `check` (may be null) marks the advice low-confidence when it failed.
Evaluation evaluate(const WhatIfSpec& spec, const Slo& slo = {}, const SelfCheck* check = nullptr);

}  // namespace hp::disagg
