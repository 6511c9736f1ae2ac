#pragma once
// Shaded background bands for the trace's engine steps (prefill / decode / mixed), from the
// snapshot's stage assignment: GPU-side windows when the trace has no CPU steps, else CPU steps.
#include <string>
#include <vector>

#include "core/analysis/stage_assign.h"
#include "views/palette.h"

namespace hp {

struct StageBand {
  Ns t0 = 0, t1 = 0;
  Color color = 0;
  std::string label;
};

std::vector<StageBand> stage_bands(const StageAssignment& st);  // sorted by t0

}  // namespace hp
