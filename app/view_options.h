#pragma once
// The CLI's view options for the window and screenshots: --range START:END (ns from the session
// start) zooms there; --select NAME selects the first slice that matches (inside the range if given).
#include <string>

#include "core/model/run.h"
#include "views/view_state.h"

namespace hp {

void apply_view_options(const Run& run, ViewState& vs, const std::string& range, const std::string& select);

}  // namespace hp
