#include "views/search_bar.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "core/analysis/slice_search.h"

namespace hp {

void draw_search_bar(const Run& run, ViewState& vs, SearchBarState& state) {
  ImGui::SetNextItemWidth(260);
  bool changed = ImGui::InputTextWithHint("##search", "search slices (Enter: next)", &vs.search,
                                          ImGuiInputTextFlags_EnterReturnsTrue);
  bool enter = changed;
  changed |= ImGui::IsItemEdited();
  ImGui::SameLine();
  changed |= ImGui::Checkbox("regex", &vs.search_regex);
  if (changed) {
    SearchResult r = search_slices(run, vs.search, vs.search_regex);
    vs.highlighted = std::move(r.slices);
    vs.highlight_cursor = SIZE_MAX;
    state.error = r.error;
  }
  if (enter) vs.jump_highlight(run, ImGui::GetIO().KeyShift ? -1 : 1);
  ImGui::SameLine();
  if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) vs.jump_highlight(run, -1);
  ImGui::SameLine();
  if (ImGui::ArrowButton("##next", ImGuiDir_Right)) vs.jump_highlight(run, 1);
  ImGui::SameLine();
  if (!state.error.empty())
    ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", state.error.c_str());
  else if (!vs.highlighted.empty())
    ImGui::TextDisabled("%zu / %zu",
                        vs.highlight_cursor < vs.highlighted.size() ? vs.highlight_cursor + 1 : 0,
                        vs.highlighted.size());
  ImGui::SameLine();
  ImGui::TextDisabled("  wheel: zoom · drag: pan · W/S/A/D · drag ruler: range · Esc: clear");
}

}  // namespace hp
