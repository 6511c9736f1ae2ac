#include "app/trace_panels.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "core/analysis/gpu_activity.h"
#include "core/analysis/slice_search.h"
#include "core/analysis/stage_assign.h"
#include "core/util/assets.h"
#include "views/ranks_panel.h"

namespace hp {

TracePanels::TracePanels() {
  try {
    categorizer_ = KernelCategorizer::load_builtin(assets_dir());
    fuses_ = FuseCatalog::load_builtin(assets_dir());
  } catch (const std::exception& e) {
    categorizer_error_ = e.what();  // kernels stay uncategorized; shown in the Kernels panel
  }
}

void TracePanels::use_categorizer(std::unique_ptr<KernelCategorizer> c) {
  if (c) categorizer_ = std::move(*c);
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
  ranks_.reset();
  triage_ready_ = false;
  timeline_.set_stage_bands(stage_bands(*run_));
}

std::vector<StageBand> TracePanels::stage_bands(const Run& run) {
  StageAssignment st = assign_stages(run);
  bool cpu = std::any_of(st.steps.begin(), st.steps.end(), [](const EngineStep& s) { return !s.gpu; });
  std::vector<StageBand> bands;
  for (const EngineStep& s : st.steps) {
    if (s.gpu == cpu || s.stage == Stage::Unknown || s.stage == Stage::Idle) continue;
    Color c = s.stage == Stage::Decode  ? rgba(60, 180, 90, 34)
              : s.stage == Stage::Mixed ? rgba(230, 150, 40, 34)
                                        : rgba(70, 130, 230, 34);  // prefill / extend
    std::string label = to_string(s.stage);
    if (s.batch) label += " bs=" + std::to_string(*s.batch);
    bands.push_back({s.start, s.end, c, std::move(label)});
  }
  std::sort(bands.begin(), bands.end(), [](const StageBand& a, const StageBand& b) { return a.t0 < b.t0; });
  return bands;
}

std::string TracePanels::frame_summary() const {
  if (!run_) return "timeline: no run";
  const TimelineFrame& f = timeline_.last_frame();
  std::vector<Color> colours;
  for (const FrameRect& r : f.rects)
    if (r.count == 1 && run_->slices.kind[r.slice] == SliceKind::Kernel) colours.push_back(r.fill);
  std::sort(colours.begin(), colours.end());
  colours.erase(std::unique(colours.begin(), colours.end()), colours.end());
  return "timeline: rects=" + std::to_string(f.rects.size()) + " folded=" + std::to_string(f.folded_slices) +
         " kernel_colours=" + std::to_string(colours.size());
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
      // With a range, the first match inside it; otherwise the first match.
      size_t pick = 0;
      for (size_t i = 0; !range.empty() && i < r.slices.size(); ++i)
        if (run_->slices.start[r.slices[i]] >= vs_.view.target().t0) {
          pick = i;
          break;
        }
      vs_.selected = r.slices[pick];
      vs_.highlight_cursor = pick;
      if (range.empty()) vs_.select_and_reveal(*run_, vs_.selected);
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
    case PanelId::Triage:
      if (!run_) return true;
      if (!categorizer_ || !fuses_) {
        ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "%s", categorizer_error_.c_str());
        return true;
      }
      if (!triage_ready_) {
        triage_.set(run_, std::make_shared<const Triage>(triage(*run_, *categorizer_, *fuses_)));
        triage_ready_ = true;
      }
      triage_.draw(vs_);
      return true;
    case PanelId::Ranks:
      if (!run_ || !categorizer_) return true;
      if (!ranks_) {
        CategoryCache cache(*run_, *categorizer_);
        ranks_ = rank_skew(gpu_activity(*run_, cache));
      }
      draw_ranks_panel(*ranks_);
      return true;
    default:
      return false;
  }
}

}  // namespace hp
