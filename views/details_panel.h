#pragma once
// Details of the timeline's selection: every field and argument of the selected slice (decoded
// on selection), its launch links with jump buttons; or, for a selected time range, the range
// statistics (per-name count, total, self, mean/p50/p99, GPU busy/idle).
#include <memory>
#include <optional>
#include <vector>

#include "core/analysis/kernel_sites.h"
#include "core/analysis/range_stats.h"
#include "core/analysis/slice_details.h"
#include "core/analysis/stage_assign.h"
#include "views/view_state.h"

namespace hp {

class DetailsPanel {
 public:
  // `stages`: the snapshot's engine steps (outlives the panel's use of this run).
  void set_run(std::shared_ptr<const Run> run, const StageAssignment* stages);
  void draw(ViewState& vs);

 private:
  void draw_slice(ViewState& vs);
  void draw_range(ViewState& vs);
  void add_site_and_stage(uint32_t slice);  // computed for the whole run on the first selection
  std::shared_ptr<const Run> run_;
  uint32_t cached_slice_ = kNone;
  SliceDetails details_;
  std::optional<std::vector<uint32_t>> parents_;
  std::optional<KernelSites> sites_;
  const StageAssignment* stages_ = nullptr;
  TimeWindow cached_range_{0, 0};
  RangeStats range_;
};

}  // namespace hp
