#include "views/timeline/track.h"

#include <algorithm>

namespace hp {
namespace {

Color dimmed(Color c) {  // 70% brightness, full opacity
  auto ch = [&](int shift) { return ((c >> shift) & 0xffu) * 7 / 10; };
  return rgba(static_cast<uint8_t>(ch(0)), static_cast<uint8_t>(ch(8)), static_cast<uint8_t>(ch(16)));
}

}  // namespace

const TrackPrim* TimelineTrack::prim_at(const TrackFrame& frame, float x, float y) {
  // Last drawn wins (drawn on top); thin items get a 2 px slop.
  for (auto it = frame.prims.rbegin(); it != frame.prims.rend(); ++it) {
    if (it->item == kNone || it->shape == TrackPrim::Line) continue;
    const float x0 = std::min(it->x0, it->x1 - 2), x1 = std::max(it->x1, it->x0 + 2);
    if (x >= x0 && x <= x1 && y >= it->y0 && y <= it->y1) return &*it;
  }
  return nullptr;
}

Pick TimelineTrack::pick(const TrackFrame&, const TrackInput&, float, float) const {
  return {};
}

std::string TimelineTrack::tooltip(const TrackFrame&, const TrackInput&, float, float) const {
  return {};
}

bool RowFolder::add(float x0, float x1, uint32_t item, Color own) {
  if (x1 - x0 >= min_px_) {
    flush();
    return false;
  }
  if (open_ && x0 <= cur_.x1 + 1) {
    cur_.x1 = std::max(cur_.x1, std::max(x1, x0 + 1));
    ++cur_.count;
    tally(own);
    return true;
  }
  flush();
  open_ = true;
  cur_ = TrackPrim{TrackPrim::Rect, x0, y0_, std::max(x1, x0 + 1), y1_, color_, item, 1};
  own_ = own;
  tally_ = {};
  tally(own);
  return true;
}

void RowFolder::tally(Color c) {
  for (auto& [color, n] : tally_) {
    if (n && color != c) continue;
    color = c;
    ++n;
    return;
  }
}

void RowFolder::flush() {
  if (!open_) return;
  open_ = false;
  if (cur_.count > 1) {
    folded_ += cur_.count;
    auto top = std::max_element(tally_.begin(), tally_.end(),
                                [](const auto& a, const auto& b) { return a.second < b.second; });
    if (top->second * 2 > cur_.count) cur_.color = dimmed(top->first);
  } else {
    cur_.color = own_;
  }
  out_.push_back(cur_);
}

}  // namespace hp
