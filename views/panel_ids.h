#pragma once
// The panels of the workbench, in the order of the View menu and the bottom tab bar.
#include <array>
#include <optional>
#include <string_view>

namespace hp {

enum class PanelId { Timeline, Summary, Flame, Kernels, Triage, Ranks, ImportLog, Count };

struct PanelInfo {
  PanelId id;
  std::string_view key;    // CLI and settings name ("timeline", "import-log")
  std::string_view title;  // window and menu title
};

const std::array<PanelInfo, static_cast<size_t>(PanelId::Count)>& all_panels();
std::optional<PanelId> panel_from_key(std::string_view key);

}  // namespace hp
