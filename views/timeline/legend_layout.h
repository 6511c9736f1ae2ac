#pragma once
// The category legend above the timeline: swatch + name per category, wrapped onto as many rows as
// the width needs (a narrow window used to drop the categories that did not fit).
#include <vector>

namespace hp {

struct LegendSlot {
  float x = 0;  // from the legend's left edge
  int row = 0;
};

// text_w: each name's width in px. Every item gets a slot; rows >= 1 when there are items.
std::vector<LegendSlot> layout_legend(const std::vector<float>& text_w, float width, int* rows);

}  // namespace hp
