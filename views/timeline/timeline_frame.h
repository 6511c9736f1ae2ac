#pragma once
// One frame of the timeline as plain rectangles (pure; the ImGui layer only draws them):
// visible rows only, LOD-folded lanes, selection and highlight flags.
#include <cstdint>
#include <vector>

#include "views/timeline/lod_layout.h"
#include "views/timeline/slice_colors.h"
#include "views/timeline/track_rows.h"

namespace hp {

struct FrameRect {
  float x0, y0, x1, y1;  // relative to the lanes area's top-left, y includes scroll
  Color fill;
  uint32_t slice;
  uint32_t count;  // > 1: a fold
  bool selected, highlighted;
};

struct FrameInput {
  TimeWindow view;
  float width = 1;
  float scroll_y = 0, height = 1;  // visible vertical window of the lanes area
  float depth_h = 18;
  float lane_pad = 4;
  float min_px = 3;
  uint32_t selected = kNone;
  const std::vector<uint32_t>* highlighted = nullptr;  // sorted
};

struct TimelineFrame {
  std::vector<FrameRect> rects;
  size_t folded_slices = 0;  // slices hidden inside folds this frame
};

void build_frame(const Run& run, const TimelineIndex& index, const std::vector<TimelineRow>& rows,
                 const SliceColors& colors, const FrameInput& in, TimelineFrame& out);

}  // namespace hp
