#pragma once
// The engine's parallel layout as the run recorded it, for the advisor's tp (GPUs per instance) and gpus
// (all of them): the vLLM / SGLang startup line (meta parallel.tp/pp/dp, from serving/log_run), else the
// traces' distributedInfo world size (taken as one instance of that many GPUs), else the number of TP
// ranks the per-rank log lines carry. `source` says which; found = false when the run has none of them.
#include <string>

#include "core/session/session.h"

namespace hp::disagg {

struct Parallelism {
  bool found = false;
  int tp = 1, pp = 1, dp = 1;
  std::string source;
  int gpus_per_instance() const { return tp * pp; }
  int gpus() const { return tp * pp * dp; }
};

Parallelism detect_parallelism(const Session& s);

}  // namespace hp::disagg
