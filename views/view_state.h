#pragma once
// What the panels share: visible window, selection, range, search and highlights. Panels read
// and write this; none of them holds global state.
#include <optional>
#include <string>
#include <vector>

#include "core/model/run.h"
#include "views/timeline/track.h"
#include "views/timeline/track_rows.h"
#include "views/timeline/view_range.h"

namespace hp {

// Who filled ViewState::highlighted: the search bar or a Kernels row (one list, one counter, one
// owner: the search counter must not count a Kernels walk).
enum class HighlightOwner { None, Search, Kernels };

struct ViewState {
  ViewRange view;
  TrackVisibility visibility;
  uint32_t selected = kNone;        // slice id
  Pick pick;                        // or a request, an iteration or a series sample
  std::optional<TimeWindow> range;  // time range selected on the ruler
  std::string search;
  bool search_regex = false;
  std::vector<uint32_t> highlighted;   // sorted slice ids (search hits, a kernel row's occurrences)
  size_t highlight_cursor = SIZE_MAX;  // none yet
  HighlightOwner highlight_owner = HighlightOwner::None;
  std::string highlight_label;  // what is walked ("moe", a kernel's name)
  uint32_t reveal = kNone;      // a slice the timeline must scroll to (track and depth)
  float scroll_y = 0;
  bool request_redraw = false;
  bool follow_live = false;  // live capture: each snapshot keeps the view's right edge at now
  // Set by the timeline when the user shifts a source on the clock (name, total shift in ns); the
  // workbench reopens the document with it and saves it in the run file.
  std::optional<std::pair<std::string, Ns>> clock_shift_request;

  // Moves to the next (or previous) highlighted slice, selects it and zooms around it.
  void jump_highlight(const Run& run, int direction);
  void select_and_reveal(const Run& run, uint32_t slice);
  // Replaces the highlights with `slices` (sorted ids) walked by `owner`.
  void set_highlights(std::vector<uint32_t> slices, HighlightOwner owner, std::string label);
};

// The state dump's lines for the view: window, selection, range, highlights, search.
std::string describe(const ViewState& vs, const Run* run);

}  // namespace hp
