#pragma once
// The one list of the workbench's panels, in the order of the View menu and the bottom tab bar.
// The first, "timeline", fills the main area; the others are bottom tabs. Adding a panel is one
// entry here and one Panel class.
#include <memory>
#include <string_view>
#include <vector>

#include "views/panel.h"

namespace hp {

struct PanelServices;

struct PanelEntry {
  std::string_view key;    // CLI (--view) and settings name
  std::string_view title;  // menu and tab title
  std::unique_ptr<Panel> (*make)(PanelServices& services, const PanelEntry& self);
};

const std::vector<PanelEntry>& panel_registry();
const PanelEntry* find_panel_entry(std::string_view key);
// The timeline panel's frame summary (see PanelHost::frame_summary); "" for any other panel.
std::string timeline_frame_summary(const Panel* timeline);

}  // namespace hp
