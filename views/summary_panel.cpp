#include "views/summary_panel.h"

#include <imgui.h>

namespace hp {

void draw_summary_panel(const std::string& text, SummaryPanelState& state) {
  state.copied = false;
  if (ImGui::SmallButton("Copy")) {
    ImGui::SetClipboardText(text.c_str());
    state.copied = true;
  }
  ImGui::Separator();
  ImGui::BeginChild("##summary_text", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
  ImGui::TextUnformatted(text.data(), text.data() + text.size());
  ImGui::EndChild();
}

}  // namespace hp
