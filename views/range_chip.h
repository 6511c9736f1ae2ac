#pragma once
// The "range" chip above the serving panels: which part of the session they show (the ruler's
// selection, ViewState::range) and a button that clears it. Nothing when no range is selected.
#include "views/view_state.h"

namespace hp {

void draw_range_chip(ViewState& vs);

}  // namespace hp
