#pragma once
// Where the time goes by phase, from what the session has (the Prefill/decode panel and serve-report's
// "phases" section both call this):
//   - engine iterations by kind (count, logged time, tokens, tokens/s, share of time, or of count when
//     the log gives no durations);
//   - prefill and decode tokens/s over time, from the iterations' token counts;
//   - cost curves with least-squares fits: prefill time against prefill tokens, decode step time against
//     batch size, from timed engine iterations, else from the trace's engine step markers (GPU windows
//     when the trace has them, else the CPU steps); with fewer than kMinFitPoints prefill-only steps, the
//     prefill curve comes from mixed steps less the decode fit's per-sequence cost;
//   - GPU kernel time per stage (stage_assign) when a trace is loaded.
#include <array>
#include <string>
#include <vector>

#include "core/analysis/linear_fit.h"
#include "core/analysis/stage_assign.h"
#include "core/session/session.h"

namespace hp {

struct IterationKindRow {
  IterationKind kind = IterationKind::Idle;
  size_t count = 0;
  double seconds = 0;                              // summed logged durations
  uint64_t prefill_tokens = 0, decode_tokens = 0;  // context and generation tokens
  double tokens_per_s = 0;                         // (prefill + decode tokens) / seconds, 0 untimed
  double share = 0;                                // of the iterations' time, or of their count
};

inline constexpr size_t kMinFitPoints = 5;  // fewer points: no fit

struct CostCurve {
  std::string source;         // "engine iterations", "trace steps (GPU)", "trace steps (CPU)" or "" (none)
  std::vector<double> x, ms;  // tokens (prefill) or batch size (decode); the step's time in ms
  LinearFit fit;              // ms = intercept + slope * x
};

struct StageTime {
  Stage stage = Stage::Unknown;
  double seconds = 0;  // summed kernel time
  size_t kernels = 0;
};

struct PhaseSplit {
  size_t iterations = 0;
  bool timed = false;                         // some iteration has a logged duration
  std::array<IterationKindRow, 4> by_kind{};  // Prefill, Decode, Mixed, Idle
  Ns rate_bin = 0;                            // width of the tokens/s bins
  std::vector<Ns> rate_t;                     // bin starts, session time
  std::vector<double> prefill_tok_s, decode_tok_s;
  // Per bin, by kind (Prefill, Decode, Mixed): iteration seconds per second of wall time (the busy share),
  // or iterations per second when the log gives no durations; binned by end time, as the rates.
  std::array<std::vector<double>, 3> kind_busy;
  CostCurve prefill, decode;
  std::vector<StageTime> gpu_by_stage;  // stages with kernel time, largest first
};

// Iterations that end in [begin, end) (a step's start for trace steps); `stages` may be null.
PhaseSplit phase_split(const IterationTable& it, const Run* run, const StageAssignment* stages,
                       Ns begin = INT64_MIN, Ns end = INT64_MAX);

}  // namespace hp
