#pragma once
// Details of the timeline's selection: every field and argument of the selected slice (decoded
// on selection), its launch links with jump buttons, the Python stack of its launching call; or,
// for a selected time range, the range statistics (per-name count, total, self, mean/p50/p99,
// GPU busy/idle). With both, two tabs; the one the user touched last is in front.
#include <memory>
#include <optional>
#include <vector>

#include "core/analysis/range_stats.h"
#include "core/analysis/slice_attribution.h"
#include "core/analysis/stage_assign.h"
#include "views/view_state.h"

namespace hp {

// Which section the details pane puts in front (pure, tested).
enum class DetailsSection { Hint, Slice, Range };
struct DetailsFocus {
  uint32_t last_selected = kNone;
  std::optional<TimeWindow> last_range;
  DetailsSection front = DetailsSection::Hint;
  // Updates from this frame's selection and range; true when the front section changed.
  bool update(uint32_t selected, const std::optional<TimeWindow>& range);
};

class DetailsPanel {
 public:
  // `stages`: the snapshot's engine steps (outlives the panel's use of this run).
  void set_run(std::shared_ptr<const Run> run, const StageAssignment* stages);
  void draw(ViewState& vs);
  DetailsSection front() const { return focus_.front; }
  const SliceAttribution& attribution() const { return attribution_; }
  float scroll_y() const { return scroll_y_; }

 private:
  void draw_slice(ViewState& vs);
  void draw_range(ViewState& vs);
  std::shared_ptr<const Run> run_;
  uint32_t cached_slice_ = kNone;
  SliceDetails details_;
  SliceAttribution attribution_;
  std::optional<std::vector<uint32_t>> parents_;
  const StageAssignment* stages_ = nullptr;
  TimeWindow cached_range_{0, 0};
  RangeStats range_;
  DetailsFocus focus_;
  float scroll_y_ = 0;  // of the pane, last frame (the state dump)
};

}  // namespace hp
