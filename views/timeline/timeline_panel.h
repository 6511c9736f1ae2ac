#pragma once
// The timeline panel: ruler, track gutter and lanes. Layout comes from the pure functions in
// this folder; this class only keeps per-run caches and turns the frame into ImGui draw calls.
#include <memory>
#include <string>
#include <vector>

#include "core/session/snapshot.h"
#include "views/timeline/slice_colors.h"
#include "views/timeline/stage_bands.h"
#include "views/timeline/timeline_frame.h"
#include "views/timeline/track.h"
#include "views/view_state.h"

namespace hp {

class TimelinePanel {
 public:
  void set_stage_bands(std::vector<StageBand> bands) { bands_ = std::move(bands); }
  // A new snapshot; same_document (a live update) keeps the view window, selection and scroll.
  void set_session(const Snapshot& snap, ViewState& vs, const CategoryFn& categorize = {},
                   bool same_document = false);
  // Draws into the current ImGui window's remaining content region; dt in seconds.
  void draw(ViewState& vs, float dt);
  bool animating(const ViewState& vs) const { return vs.view.animating(); }
  const TimelineFrame& last_frame() const { return frame_; }
  const SliceColors& colors() const { return colors_; }
  // Serving tracks of the last frame with their primitive counts ("requests=N iterations=M ...").
  std::string tracks_summary() const;
  size_t track_count() const { return tracks_.size(); }
  const std::string& last_tooltip() const { return last_tooltip_; }  // a gutter tooltip this frame
  // "lanes X Y W H ruler Y" and the selected slice's rectangle on screen ("-" when not drawn), in
  // window coordinates, for the state dump.
  std::string geometry(const ViewState& vs) const;
  // The serving tracks' primitives of the last frame (tests, benchmarks).
  size_t serving_prims() const;

 private:
  void handle_input(ViewState& vs, float lanes_x, float lanes_w, float ruler_y, float lanes_y, float lanes_h);
  void draw_ruler(ViewState& vs, float x, float y, float w);
  void draw_gutter(ViewState& vs, float x, float y, float h);
  void draw_lanes(ViewState& vs, float x, float y, float w, float h);
  void draw_flow(const ViewState& vs, float x, float y, float w);
  void draw_legend(float x, float y, float w);
  float legend_height(float w) const;
  void draw_stage_labels(const ViewState& vs, float x, float y, float w, float h);
  void tooltip(const std::string& text);      // SetTooltip, remembered for the state dump
  void reveal(ViewState& vs, float lanes_h);  // scrolls vs.reveal's track and depth into view
  const TimelineRow* row_at(const ViewState& vs, float my, float lanes_y) const;
  uint32_t slice_at(const ViewState& vs, float mx, float my, float lanes_x, float lanes_y,
                    float lanes_w) const;

  struct TrackGroup {
    std::string key, label;
    std::vector<uint32_t> tracks;  // into tracks_
    uint32_t source = kNone;       // the session source its header can shift on the clock
  };
  void build_tracks();
  void append_group(const TrackGroup& g, const ViewState& vs, float& y);
  void draw_tracks(ViewState& vs, float x, float y, float w, float h);

  Snapshot snap_;
  std::shared_ptr<const Run> run_;
  std::vector<std::unique_ptr<TimelineTrack>> tracks_;
  std::vector<TrackFrame> track_frames_;  // last frame's layout per track (hit tests, tooltips)
  std::vector<TrackInput> track_inputs_;
  std::vector<TrackGroup> top_groups_, bottom_groups_;
  TimelineIndex index_;
  SliceColors colors_;
  std::vector<TimelineRow> rows_;
  std::vector<StageBand> bands_;  // sorted by t0
  TimelineFrame frame_;
  RowMetrics metrics_;
  float content_h_ = 0;
  float gutter_w_ = 220;
  uint32_t context_track_ = kNone;   // the track whose label was right-clicked
  uint32_t context_source_ = kNone;  // the source whose group header was right-clicked
  double shift_ms_ = 0;
  std::string last_tooltip_;
  float geo_[5] = {0, 0, 0, 0, 0};  // lanes x, y, w, h and ruler y of the last frame
  bool dragging_range_ = false;
  Ns drag_range_from_ = 0;
};

}  // namespace hp
