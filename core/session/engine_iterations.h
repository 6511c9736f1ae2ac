#pragma once
// Engine iterations rebuilt from the `iteration.*` log series (vLLM `Iteration(N): ...`, TensorRT-LLM
// iteration stats, SGLang prefill/decode batch lines): one row per logged iteration, joined across
// the series by (labels, timestamp, order within the timestamp).
// Log lines are written when an iteration ends. With whole-second timestamps (vLLM), the iterations of
// one second are laid end to end from the start of that second (each at least after the previous
// one ended), since only their order and durations are known; `coarse` says so.
#include <string>
#include <vector>

#include "core/model/run.h"
#include "core/serving/metric_sample.h"
#include "core/session/session.h"

namespace hp {

struct IterationRow {
  Ns start = 0, dur = 0;  // source epoch ns; dur 0 when the log gives none
  IterationKind kind = IterationKind::Idle;
  uint32_t ctx_reqs = 0, ctx_tokens = 0, gen_reqs = 0, gen_tokens = 0;
  std::string replica;  // the series' labels, `engine="0"`, or empty
};

struct EngineIterations {
  std::vector<IterationRow> rows;  // by (replica, start)
  bool coarse = false;             // whole-second timestamps: placement within a second is inferred
};

EngineIterations engine_iterations(const std::vector<serving::MetricSeries>& log_series);

// Appends one row to a session iteration table (start already on the table's clock).
void append_iteration(IterationTable& t, const IterationRow& r, uint32_t source, StringPool& strings);

}  // namespace hp
