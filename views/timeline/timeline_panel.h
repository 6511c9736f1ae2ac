#pragma once
// The timeline panel: ruler, track gutter and lanes. Layout comes from the pure functions in
// this folder; this class only keeps per-run caches and turns the frame into ImGui draw calls.
#include <memory>
#include <string>
#include <vector>

#include "views/timeline/slice_colors.h"
#include "views/timeline/timeline_frame.h"
#include "views/view_state.h"

namespace hp {

// A shaded background band for one engine step (prefill / decode / mixed).
struct StageBand {
  Ns t0 = 0, t1 = 0;
  Color color = 0;
  std::string label;
};

class TimelinePanel {
 public:
  void set_stage_bands(std::vector<StageBand> bands) { bands_ = std::move(bands); }
  void set_run(std::shared_ptr<const Run> run, ViewState& vs, const CategoryFn& categorize = {});
  // Draws into the current ImGui window's remaining content region; dt in seconds.
  void draw(ViewState& vs, float dt);
  bool animating(const ViewState& vs) const { return vs.view.animating(); }
  const TimelineFrame& last_frame() const { return frame_; }
  const SliceColors& colors() const { return colors_; }

 private:
  void handle_input(ViewState& vs, float lanes_x, float lanes_w, float ruler_y, float lanes_y, float lanes_h);
  void draw_ruler(ViewState& vs, float x, float y, float w);
  void draw_gutter(ViewState& vs, float x, float y, float h);
  void draw_lanes(ViewState& vs, float x, float y, float w, float h);
  void draw_flow(const ViewState& vs, float x, float y, float w);
  void draw_legend(float x, float y, float w);
  uint32_t slice_at(const ViewState& vs, float mx, float my, float lanes_x, float lanes_y,
                    float lanes_w) const;

  std::shared_ptr<const Run> run_;
  TimelineIndex index_;
  SliceColors colors_;
  std::vector<TimelineRow> rows_;
  std::vector<StageBand> bands_;  // sorted by t0
  TimelineFrame frame_;
  RowMetrics metrics_;
  float content_h_ = 0;
  float gutter_w_ = 220;
  uint32_t context_track_ = kNone;  // the track whose label was right-clicked
  bool dragging_range_ = false;
  Ns drag_range_from_ = 0;
};

}  // namespace hp
