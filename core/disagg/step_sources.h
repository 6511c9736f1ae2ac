#pragma once
// Where the advisor's step-cost fits (step_fit.h) get their points, in order of preference:
//   1. timed engine iterations (vLLM `Iteration(N)` lines with their elapsed time, TensorRT-LLM stats):
//      prefill tokens, decode sequences; context unknown;
//   2. trace step markers with their measured durations (GPU windows when the trace has them, else the
//      CPU steps): vLLM `execute_context_N(M)_generation_K(L)` (and the detailed form, whose `sk` sums give
//      the decode context), SGLang `step[EXTEND|DECODE bs=B toks=T]`;
//   3. the requests of a serve-profile run: one prefill point per request (client TTFT, less the server
//      queue time when known, against its uncached prompt tokens; a batch of one) and one decode point
//      (its mean inter-token time against the requests decoding beside it at its midpoint, and the context
//      they hold then: prompt plus the output produced so far at each request's own average pace).
#include <string>
#include <vector>

#include "core/disagg/step_fit.h"
#include "core/session/session.h"

namespace hp::disagg {

struct StepSource {
  std::string name;  // "engine iterations", "trace steps (GPU)", ... ; "" when none
  std::vector<StepPoint> points;
};

StepSource steps_from_iterations(const IterationTable& it);
StepSource steps_from_markers(const Run& run);
StepSource steps_from_requests(const Session& s);

}  // namespace hp::disagg
