#pragma once
// The Requests panel: a filter box, the waterfall of the rows on screen, the sortable table of every
// request (ImGuiListClipper, so 1M rows stay smooth) and the selected request's details. Clicking a
// row picks the request (ViewState::pick), which the timeline shows too.
#include <string>

#include "views/requests_model.h"
#include "views/view_state.h"

namespace hp {

struct RequestsPanelState {
  char filter[256] = {};
  size_t first_visible = 0, last_visible = 0;    // the table's rows on screen last frame, [first, last)
  float filter_x = 0, filter_y = 0, row0_y = 0;  // screen positions (state dump, interaction tests)
};

void draw_requests_panel(RequestsModel& model, RequestsPanelState& state, ViewState& vs);

}  // namespace hp
