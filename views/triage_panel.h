#pragma once
// The Triage panel: per stage, the kernel, overlap-opportunity and fuse tables and the CUDA-graph
// summary of core/analysis/triage.h — the same numbers as `hotpath triage`. A kernel row
// highlights that kernel's occurrences on the timeline.
#include <memory>

#include "core/analysis/triage.h"
#include "views/view_state.h"

namespace hp {

class TriagePanel {
 public:
  void set(std::shared_ptr<const Run> run, std::shared_ptr<const Triage> triage);
  void draw(ViewState& vs);

 private:
  void draw_stage(ViewState& vs, const TriageStage& s);
  std::shared_ptr<const Run> run_;
  std::shared_ptr<const Triage> triage_;
  int stage_ = 0;
};

}  // namespace hp
