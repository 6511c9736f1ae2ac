#pragma once
// Summary panel: the human summary of the loaded run (hp::info_text), read-only and copyable.
#include <string>

namespace hp {

struct SummaryPanelState {
  bool copied = false;  // the Copy button was pressed in the last draw
};

// Draws into the current window.
void draw_summary_panel(const std::string& text, SummaryPanelState& state);

}  // namespace hp
