#pragma once
// A what-if spec fitted from a measured Session, every number with the source it came from (spec.sources):
// prompt/output length samples, arrival rate and its cv and the prefix-hit fraction from the requests;
// prefill and decode step costs from multivariate least squares (step_fit.h) on engine iterations,
// trace step markers or the requests (step_sources.h), with R², point counts and dropped terms; KV capacity
// from the log; KV bytes from a config.json (KvBytes); transfer bandwidth from vllm:nixl_* /
// sglang:kv_transfer_* series, else a stated default. self_check() predicts the measured (monolithic) run and
// compares.
#include <optional>
#include <string>
#include <vector>

#include "core/disagg/kv_bytes.h"
#include "core/disagg/layout.h"
#include "core/disagg/step_fit.h"
#include "core/disagg/whatif_spec.h"
#include "core/session/session.h"

namespace hp::disagg {

inline constexpr double kDefaultBandwidthGBps = 50;  // one 400 Gb/s NIC per GPU (reference §4)

struct FitOptions {
  int gpus = 0, tp = 0;       // 0: from the run (parallelism.h), else tp 1 and one instance
  double bandwidth_GBps = 0;  // 0: from the metrics, else the default
  std::optional<KvBytes> kv;  // from the model's config.json, when found
  std::string kv_source;      // its path
};

struct FitResult {
  WhatIfSpec spec;
  size_t requests = 0;    // measured requests used
  int measured_gpus = 1;  // the GPUs the run measured (tp x dp instances), what the self-check predicts
  double prefill_r2 = 0, decode_r2 = 0;
  size_t prefill_points = 0, decode_points = 0;
  StepFit prefill_fit, decode_fit;  // every term, dropped ones with the reason
  std::string prefill_source, decode_source;
  std::vector<std::string> warnings;  // what could not be fitted and fell back to a default
};

// Throws std::runtime_error when the session has no requests with token counts.
FitResult fit_spec(const Session& s, const FitOptions& opt = {});

struct SelfCheck {
  bool valid = false;  // the run had the requests to compare with
  double measured_rps = 0, predicted_rps = 0;
  Percentiles measured_ttft_ms, predicted_ttft_ms;
  Percentiles measured_itl_ms, predicted_itl_ms;  // measured: per-request TPOT
  double max_deviation = 0;  // largest |predicted / measured - 1| over throughput, TTFT p50/p99, ITL p50/p99
  bool low_confidence = false;  // max_deviation > 25%
};
inline constexpr double kSelfCheckTolerance = 0.25;

SelfCheck self_check(const WhatIfSpec& spec, const Session& s);

}  // namespace hp::disagg
