#include "views/view_state.h"

#include <fmt/format.h>

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
  reveal = slice;  // the timeline scrolls its track and depth into view on the next frame
  request_redraw = true;
}

void ViewState::set_highlights(std::vector<uint32_t> slices, HighlightOwner owner, std::string label) {
  highlighted = std::move(slices);
  highlight_cursor = SIZE_MAX;
  highlight_owner = highlighted.empty() ? HighlightOwner::None : owner;
  highlight_label = std::move(label);
}

std::string describe(const ViewState& vs, const Run* run) {
  const TimeWindow c = vs.view.current(), t = vs.view.target(), e = vs.view.extent();
  std::string out = fmt::format("view: {} {} target: {} {} extent: {} {} animating: {} scroll_y: {:.0f}\n",
                                c.t0 - e.t0, c.t1 - e.t0, t.t0 - e.t0, t.t1 - e.t0, e.t0, e.t1,
                                vs.view.animating() ? 1 : 0, vs.scroll_y);
  if (run && vs.selected < run->slices.size())
    out += fmt::format("selected: {} {}\n", vs.selected, run->str(run->slices.name[vs.selected]));
  else
    out += "selected: -\n";
  out += vs.range ? fmt::format("range: {} {}\n", vs.range->t0 - e.t0, vs.range->t1 - e.t0) : "range: -\n";
  const char* kinds[] = {"-", "request", "iteration", "sample"};
  out += vs.pick.kind == PickKind::None
             ? std::string("pick: -\n")
             : fmt::format("pick: {} {}\n", kinds[static_cast<int>(vs.pick.kind)], vs.pick.row);
  const char* owner = vs.highlight_owner == HighlightOwner::Search    ? "search"
                      : vs.highlight_owner == HighlightOwner::Kernels ? "kernels"
                                                                      : "-";
  out += fmt::format("highlights: {} / {} owner: {}\n",
                     vs.highlight_cursor < vs.highlighted.size() ? vs.highlight_cursor + 1 : 0,
                     vs.highlighted.size(), owner);
  out += "search: " + vs.search + "\n";
  return out;
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
