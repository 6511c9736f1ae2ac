#include "views/timeline/timeline_frame.h"

#include <algorithm>

namespace hp {

void build_frame(const Run& run, const TimelineIndex& index, const std::vector<TimelineRow>& rows,
                 const SliceColors& colors, const FrameInput& in, TimelineFrame& out) {
  out.rects.clear();
  out.folded_slices = 0;
  std::vector<LodItem> items;
  const float top = in.scroll_y, bottom = in.scroll_y + in.height;
  auto first = std::partition_point(rows.begin(), rows.end(),
                                    [&](const TimelineRow& r) { return r.y + r.height < top; });
  for (auto it = first; it != rows.end() && it->y < bottom; ++it) {
    if (it->kind != RowKind::Lane) continue;
    items.clear();
    LodParams p{in.view, in.width, in.min_px, static_cast<uint8_t>(it->depths - 1)};
    layout_lane(run, index.lanes[it->lane_index], p, items);
    for (const LodItem& li : items) {
      float y0 = it->y + in.lane_pad / 2 + static_cast<float>(li.depth) * in.depth_h;
      if (y0 > bottom || y0 + in.depth_h < top) continue;
      FrameRect r{static_cast<float>(std::max(li.x0, -1.0)),
                  y0,
                  static_cast<float>(std::min(li.x1, static_cast<double>(in.width) + 1)),
                  y0 + in.depth_h - 1,
                  li.folded() ? rgba(110, 110, 118) : colors.of(run, li.slice),
                  li.slice,
                  li.count,
                  !li.folded() && li.slice == in.selected,
                  false};
      if (in.highlighted && !li.folded())
        r.highlighted = std::binary_search(in.highlighted->begin(), in.highlighted->end(), li.slice);
      if (li.folded()) out.folded_slices += li.count;
      out.rects.push_back(r);
    }
  }
}

}  // namespace hp
