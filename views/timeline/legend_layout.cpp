#include "views/timeline/legend_layout.h"

namespace hp {

std::vector<LegendSlot> layout_legend(const std::vector<float>& text_w, float width, int* rows) {
  constexpr float kLeft = 4, kSwatch = 16, kGap = 14;
  std::vector<LegendSlot> out;
  float cx = kLeft;
  int row = 0;
  for (float tw : text_w) {
    const float item = kSwatch + tw + kGap;
    if (cx > kLeft && cx + item > width) {  // wrap, but never leave a row empty
      cx = kLeft;
      ++row;
    }
    out.push_back({cx, row});
    cx += item;
  }
  if (rows) *rows = text_w.empty() ? 0 : row + 1;
  return out;
}

}  // namespace hp
