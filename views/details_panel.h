#pragma once
// Details of the timeline's selection: every field and argument of the selected slice (decoded
// on selection), its launch links with jump buttons; or, for a selected time range, the range
// statistics (per-name count, total, self, mean/p50/p99, GPU busy/idle).
#include <memory>

#include "core/analysis/range_stats.h"
#include "core/analysis/slice_details.h"
#include "views/view_state.h"

namespace hp {

class DetailsPanel {
 public:
  void set_run(std::shared_ptr<const Run> run);
  void draw(ViewState& vs);

 private:
  void draw_slice(ViewState& vs);
  void draw_range(ViewState& vs);
  std::shared_ptr<const Run> run_;
  uint32_t cached_slice_ = kNone;
  SliceDetails details_;
  TimeWindow cached_range_{0, 0};
  RangeStats range_;
};

}  // namespace hp
