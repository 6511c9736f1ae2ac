#pragma once
// The search bar above the timeline: substring or regex over slice names, hit count, Enter /
// Shift+Enter and the arrows walk the hits (ViewState::highlighted).
#include <string>

#include "core/model/run.h"
#include "views/view_state.h"

namespace hp {

struct SearchBarState {
  std::string error;  // the last regex error
};

// Before the "n / N" counter: "" for the search's own hits, "Kernels: <name>  " for a Kernels walk.
std::string search_counter_prefix(const ViewState& vs);

void draw_search_bar(const Run& run, ViewState& vs, SearchBarState& state);

}  // namespace hp
