#include "views/details_panel.h"

#include <imgui.h>

#include <algorithm>

#include "core/analysis/slice_parents.h"
#include "core/util/time_format.h"

namespace hp {
namespace {

void link_button(ViewState& vs, const Run& run, const char* label, uint32_t target) {
  std::string_view n = run.str(run.slices.name[target]);
  ImGui::PushID(static_cast<int>(target));
  if (ImGui::SmallButton(label)) vs.select_and_reveal(run, target);
  ImGui::PopID();
  ImGui::SameLine();
  ImGui::TextUnformatted(n.data(), n.data() + n.size());
}

void kv_table(const char* id, const std::vector<DetailField>& rows) {
  if (!ImGui::BeginTable(id, 2,
                         ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable))
    return;
  // The key column fits its longest key ("est. achieved occupancy" was clipped at a fixed 140 px).
  float key_w = 60;
  for (const auto& f : rows) key_w = std::max(key_w, ImGui::CalcTextSize(f.key.c_str()).x);
  ImGui::TableSetupColumn("field", ImGuiTableColumnFlags_WidthFixed, key_w + 4);
  ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
  for (const auto& f : rows) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s", f.key.c_str());
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", f.value.c_str());
  }
  ImGui::EndTable();
}

}  // namespace

bool DetailsFocus::update(uint32_t selected, const std::optional<TimeWindow>& range) {
  const DetailsSection before = front;
  const bool new_slice = selected != last_selected, new_range = range != last_range;
  last_selected = selected;
  last_range = range;
  if (selected == kNone && !range)
    front = DetailsSection::Hint;
  else if (selected == kNone)
    front = DetailsSection::Range;
  else if (!range)
    front = DetailsSection::Slice;
  else if (new_range && !new_slice)
    front = DetailsSection::Range;
  else if (new_slice)
    front = DetailsSection::Slice;
  return front != before;
}

void DetailsPanel::set_run(std::shared_ptr<const Run> run, const StageAssignment* stages) {
  run_ = std::move(run);
  parents_.reset();
  stages_ = stages;
  cached_slice_ = kNone;
  cached_range_ = {0, 0};
  focus_ = {};
}

void DetailsPanel::draw(ViewState& vs) {
  if (!run_) return;
  const uint32_t before = focus_.last_selected;
  const bool switched = focus_.update(vs.selected, vs.range);
  // A new selection starts at the top: its name, not the old scroll position.
  if (switched || before != vs.selected) ImGui::SetScrollY(0);
  scroll_y_ = ImGui::GetScrollY();
  if (focus_.front == DetailsSection::Hint) {
    ImGui::TextWrapped("Click a slice for its details; drag on the ruler to select a range.");
    return;
  }
  if (vs.selected == kNone || !vs.range) {
    focus_.front == DetailsSection::Slice ? draw_slice(vs) : draw_range(vs);
    return;
  }
  if (!ImGui::BeginTabBar("##details_tabs")) return;
  const auto flag = [&](DetailsSection s) {
    return switched && focus_.front == s ? ImGuiTabItemFlags_SetSelected : 0;
  };
  if (ImGui::BeginTabItem("Slice", nullptr, flag(DetailsSection::Slice))) {
    if (!switched) focus_.front = DetailsSection::Slice;
    draw_slice(vs);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem("Range statistics", nullptr, flag(DetailsSection::Range))) {
    if (!switched) focus_.front = DetailsSection::Range;
    draw_range(vs);
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
}

void DetailsPanel::draw_slice(ViewState& vs) {
  if (vs.selected >= run_->slices.size()) return;
  if (cached_slice_ != vs.selected) {
    details_ = slice_details(*run_, vs.selected);
    if (!parents_) parents_ = slice_parents(*run_);
    attribution_ = slice_attribution(*run_, *parents_, stages_, vs.selected);
    for (auto [k, v] : {std::pair{"stage", &attribution_.stage}, std::pair{"source site", &attribution_.site},
                        std::pair{"cpu_op", &attribution_.cpu_op}})
      if (!v->empty()) details_.fields.push_back({k, *v});
    cached_slice_ = vs.selected;
  }
  kv_table("##fields", details_.fields);
  if (details_.launched_by != kNone) link_button(vs, *run_, "Launched by →", details_.launched_by);
  for (size_t k = 0; k < details_.launches.size() && k < 20; ++k)
    link_button(vs, *run_, "Launches →", details_.launches[k]);
  if (details_.parent != kNone) link_button(vs, *run_, "Parent ↑", details_.parent);
  if (!attribution_.python_stack.empty()) {
    ImGui::Spacing();
    ImGui::TextUnformatted(details_.launched_by != kNone ? "Python stack of the launching call"
                                                         : "Python stack");
    for (const std::string& f : attribution_.python_stack) {
      if (f == attribution_.site)
        ImGui::TextWrapped("• %s", f.c_str());
      else
        ImGui::TextDisabled("  %s", f.c_str());
    }
  }
  if (!details_.args.empty()) {
    ImGui::Spacing();
    ImGui::TextUnformatted("Arguments");
    kv_table("##args", details_.args);
  }
  if (!details_.args_error.empty())
    ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "%s", details_.args_error.c_str());
}

void DetailsPanel::draw_range(ViewState& vs) {
  if (!(cached_range_ == *vs.range)) {
    range_ = range_stats(*run_, vs.range->t0, vs.range->t1);
    cached_range_ = *vs.range;
  }
  ImGui::Text("Range %s", format_duration(range_.end - range_.begin, 3).c_str());
  if (range_.gpu_busy + range_.gpu_idle > 0) {
    ImGui::SameLine();
    ImGui::TextDisabled("GPU busy %s · idle %s", format_duration(range_.gpu_busy).c_str(),
                        format_duration(range_.gpu_idle).c_str());
  }
  ImGui::TextDisabled("Durations clipped to the range");
  // Scrolls sideways with the name column frozen: each column keeps its own width when another is
  // dragged, and the name is never squeezed to one character.
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("##range", 7, flags)) return;
  ImGui::TableSetupScrollFreeze(1, 1);
  const float name_w = std::max(120.0f, ImGui::GetContentRegionAvail().x * 0.45f);
  ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_WidthFixed, name_w);
  const float num_w = ImGui::CalcTextSize("999.99 ms").x + 4;
  for (const char* h : {"Count", "Total", "Self", "Mean", "p50", "p99"})
    ImGui::TableSetupColumn(h, ImGuiTableColumnFlags_WidthFixed, num_w);
  ImGui::TableHeadersRow();
  ImGuiListClipper clip;
  clip.Begin(static_cast<int>(range_.rows.size()));
  while (clip.Step())
    for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
      const RangeNameStats& r = range_.rows[static_cast<size_t>(i)];
      std::string_view n = run_->str(r.name);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(n.data(), n.data() + n.size());
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%.*s", static_cast<int>(n.size()), n.data());
      ImGui::TableNextColumn();
      ImGui::Text("%llu", static_cast<unsigned long long>(r.count));
      for (Ns v : {r.total, r.self, r.mean, r.p50, r.p99}) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(format_duration(v).c_str());
      }
    }
  ImGui::EndTable();
}

}  // namespace hp
