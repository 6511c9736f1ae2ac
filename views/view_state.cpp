#include "views/view_state.h"

#include <algorithm>

namespace hp {

void ViewState::select_and_reveal(const Run& run, uint32_t slice) {
  if (slice == kNone || slice >= run.slices.size()) return;
  selected = slice;
  Ns s = run.slices.start[slice], d = std::max<Ns>(run.slices.dur[slice], 1);
  TimeWindow cur = view.target();
  if (s < cur.t0 || s + d > cur.t1 || cur.span() > 50 * d) {
    Ns pad = std::max<Ns>(d * 2, 1000);
    view.zoom_to({s - pad, s + d + pad});
  }
  visibility.hidden_tracks.erase(run.slices.track[slice]);
  request_redraw = true;
}

void ViewState::jump_highlight(const Run& run, int direction) {
  if (highlighted.empty()) return;
  size_t n = highlighted.size();
  if (highlight_cursor >= n)
    highlight_cursor = direction > 0 ? 0 : n - 1;
  else
    highlight_cursor = (highlight_cursor + (direction > 0 ? 1 : n - 1)) % n;
  select_and_reveal(run, highlighted[highlight_cursor]);
}

}  // namespace hp
