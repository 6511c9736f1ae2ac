#include "app/trace_panels.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "core/analysis/slice_search.h"
#include "core/util/assets.h"

namespace hp {

TracePanels::TracePanels() {
  try {
    categorizer_ = KernelCategorizer::load_builtin(assets_dir());
  } catch (const std::exception& e) {
    categorizer_error_ = e.what();  // kernels stay uncategorized; shown in the Kernels panel
  }
}

std::string TracePanels::categorize(std::string_view kernel) const {
  return categorizer_ ? std::string(categorizer_->categorize(kernel)) : std::string();
}

void TracePanels::set_run(std::shared_ptr<const Run> run) {
  run_ = std::move(run);
  CategoryFn cat = [this](std::string_view n) { return categorize(n); };
  timeline_.set_run(run_, vs_, cat);
  flame_.set_run(run_);
  kernels_.set_run(run_, cat);
  details_.set_run(run_);
  vs_.highlighted.clear();
  vs_.search.clear();
}

bool TracePanels::wants_frames() const {
  return run_ && (vs_.view.animating() || vs_.request_redraw);
}

void TracePanels::apply_view_options(const std::string& range, const std::string& select) {
  if (!run_) return;
  Ns origin = vs_.view.extent().t0;
  if (auto colon = range.find(':'); colon != std::string::npos) {
    Ns a = std::stoll(range.substr(0, colon)), b = std::stoll(range.substr(colon + 1));
    vs_.view.zoom_to({origin + a, origin + b}, false);
  }
  if (!select.empty()) {
    SearchResult r = search_slices(*run_, select, false);
    if (!r.slices.empty()) {
      vs_.highlighted = r.slices;
      vs_.selected = r.slices.front();
      vs_.highlight_cursor = 0;
      if (range.empty()) vs_.select_and_reveal(*run_, r.slices.front());
      vs_.view.step(1.0);
    }
  }
}

void TracePanels::draw_search_bar() {
  ImGui::SetNextItemWidth(260);
  bool changed = ImGui::InputTextWithHint("##search", "search slices (Enter: next)", &vs_.search,
                                          ImGuiInputTextFlags_EnterReturnsTrue);
  bool enter = changed;
  changed |= ImGui::IsItemEdited();
  ImGui::SameLine();
  changed |= ImGui::Checkbox("regex", &vs_.search_regex);
  if (changed) {
    SearchResult r = search_slices(*run_, vs_.search, vs_.search_regex);
    vs_.highlighted = std::move(r.slices);
    vs_.highlight_cursor = SIZE_MAX;
    search_error_ = r.error;
  }
  if (enter) vs_.jump_highlight(*run_, ImGui::GetIO().KeyShift ? -1 : 1);
  ImGui::SameLine();
  if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) vs_.jump_highlight(*run_, -1);
  ImGui::SameLine();
  if (ImGui::ArrowButton("##next", ImGuiDir_Right)) vs_.jump_highlight(*run_, 1);
  ImGui::SameLine();
  if (!search_error_.empty())
    ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", search_error_.c_str());
  else if (!vs_.highlighted.empty())
    ImGui::TextDisabled("%zu / %zu",
                        vs_.highlight_cursor < vs_.highlighted.size() ? vs_.highlight_cursor + 1 : 0,
                        vs_.highlighted.size());
  ImGui::SameLine();
  ImGui::TextDisabled("  wheel: zoom · drag: pan · W/S/A/D · drag ruler: range · Esc: clear");
}

void TracePanels::draw_main(float dt) {
  if (!run_) return;
  vs_.request_redraw = false;
  draw_search_bar();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const float details_w = std::clamp(details_w_, 200.0f, std::max(200.0f, avail.x * 0.5f));
  ImGui::BeginChild("##timeline", ImVec2(avail.x - details_w - 6, 0), false,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  timeline_.draw(vs_, dt);
  ImGui::EndChild();
  ImGui::SameLine(0, 6);
  ImGui::BeginChild("##details", ImVec2(0, 0), true);
  details_.draw(vs_);
  ImGui::EndChild();
}

bool TracePanels::draw_panel(PanelId id) {
  switch (id) {
    case PanelId::Flame:
      if (run_) flame_.draw(vs_);
      return true;
    case PanelId::Kernels:
      if (!categorizer_error_.empty())
        ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "%s", categorizer_error_.c_str());
      if (run_) kernels_.draw(vs_);
      return true;
    default:
      return false;
  }
}

}  // namespace hp
