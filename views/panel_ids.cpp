#include "views/panel_ids.h"

namespace hp {

const std::array<PanelInfo, static_cast<size_t>(PanelId::Count)>& all_panels() {
  static const std::array<PanelInfo, static_cast<size_t>(PanelId::Count)> kPanels = {{
      {PanelId::Timeline, "timeline", "Timeline"},
      {PanelId::Summary, "summary", "Summary"},
      {PanelId::Flame, "flame", "Flame"},
      {PanelId::Kernels, "kernels", "Kernels"},
      {PanelId::Triage, "triage", "Triage"},
      {PanelId::Ranks, "ranks", "Ranks"},
      {PanelId::ImportLog, "import-log", "Import log"},
  }};
  return kPanels;
}

std::optional<PanelId> panel_from_key(std::string_view key) {
  for (const auto& p : all_panels())
    if (p.key == key) return p.id;
  return std::nullopt;
}

}  // namespace hp
