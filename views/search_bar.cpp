#include "views/search_bar.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "core/analysis/slice_search.h"

namespace hp {

std::string search_counter_prefix(const ViewState& vs) {
  if (vs.highlight_owner != HighlightOwner::Kernels) return {};
  // The counter belongs to whoever walks: a Kernels row's walk is named, not shown as the search's.
  std::string name =
      vs.highlight_label.size() > 40 ? vs.highlight_label.substr(0, 39) + "…" : vs.highlight_label;
  return "Kernels: " + name + "  ";
}

void draw_search_bar(const Run& run, ViewState& vs, SearchBarState& state) {
  ImGui::SetNextItemWidth(260);
  bool changed = ImGui::InputTextWithHint("##search", "search slices (Enter: next)", &vs.search,
                                          ImGuiInputTextFlags_EnterReturnsTrue);
  bool enter = changed;
  changed |= ImGui::IsItemEdited();
  ImGui::SameLine();
  changed |= ImGui::Checkbox("regex", &vs.search_regex);
  if (enter) ImGui::SetKeyboardFocusHere(-1);  // stay in the box: the next Enter walks on
  if (changed) {
    SearchResult r = search_slices(run, vs.search, vs.search_regex);
    vs.set_highlights(std::move(r.slices), HighlightOwner::Search, vs.search);
    state.error = r.error;
  }
  // Enter walks the search's hits; after a Kernels row took the highlights, it searches again.
  if (enter && vs.highlight_owner != HighlightOwner::Search && !vs.search.empty()) {
    SearchResult r = search_slices(run, vs.search, vs.search_regex);
    vs.set_highlights(std::move(r.slices), HighlightOwner::Search, vs.search);
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
    ImGui::TextDisabled("%s%zu / %zu", search_counter_prefix(vs).c_str(),
                        vs.highlight_cursor < vs.highlighted.size() ? vs.highlight_cursor + 1 : 0,
                        vs.highlighted.size());
  ImGui::SameLine();
  ImGui::TextDisabled("  wheel: zoom · drag: pan · W/S/A/D · 0: fit · drag ruler: range · Esc: clear");
}

}  // namespace hp
