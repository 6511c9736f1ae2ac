#include "views/details_panel.h"

#include <imgui.h>

#include "core/analysis/slice_parents.h"
#include "core/util/time_format.h"

#include <algorithm>

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
  ImGui::TableSetupColumn("field", ImGuiTableColumnFlags_WidthFixed, 140);
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

void DetailsPanel::set_run(std::shared_ptr<const Run> run, const StageAssignment* stages) {
  run_ = std::move(run);
  parents_.reset();
  sites_.reset();
  stages_ = stages;
  cached_slice_ = kNone;
  cached_range_ = {0, 0};
}

void DetailsPanel::draw(ViewState& vs) {
  if (!run_) return;
  if (vs.selected != kNone) {
    draw_slice(vs);
    if (vs.range) ImGui::Separator();
  }
  if (vs.range) draw_range(vs);
  if (vs.selected == kNone && !vs.range)
    ImGui::TextDisabled("Click a slice for its details; drag on the ruler to select a range.");
}

void DetailsPanel::draw_slice(ViewState& vs) {
  if (vs.selected >= run_->slices.size()) return;
  if (cached_slice_ != vs.selected) {
    details_ = slice_details(*run_, vs.selected);
    add_site_and_stage(vs.selected);
    cached_slice_ = vs.selected;
  }
  kv_table("##fields", details_.fields);
  if (details_.launched_by != kNone) link_button(vs, *run_, "Launched by →", details_.launched_by);
  for (size_t k = 0; k < details_.launches.size() && k < 20; ++k)
    link_button(vs, *run_, "Launches →", details_.launches[k]);
  if (details_.parent != kNone) link_button(vs, *run_, "Parent ↑", details_.parent);
  if (!details_.args.empty()) {
    ImGui::Spacing();
    ImGui::TextUnformatted("Arguments");
    kv_table("##args", details_.args);
  }
  if (!details_.args_error.empty())
    ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "%s", details_.args_error.c_str());
}

void DetailsPanel::add_site_and_stage(uint32_t slice) {
  if (!parents_) parents_ = slice_parents(*run_);
  auto row = std::lower_bound(run_->gpu.slice.begin(), run_->gpu.slice.end(), slice);
  SiteRecord site;
  if (row != run_->gpu.slice.end() && *row == slice) {
    const auto g = static_cast<size_t>(row - run_->gpu.slice.begin());
    if (!sites_) sites_ = resolve_kernel_sites(*run_, *parents_);
    if (sites_->gpu_record[g] != kNone) site = sites_->records[sites_->gpu_record[g]];
    if (stages_ && stages_->gpu_stage[g] != Stage::Unknown)
      details_.fields.push_back({"stage", to_string(stages_->gpu_stage[g])});
  } else {
    auto rec = sites_of_slices(*run_, *parents_, {slice});
    if (!rec.empty()) site = rec.front();
  }
  if (!site.site.empty()) details_.fields.push_back({"source site", site.site});
  if (!site.stack.empty()) details_.fields.push_back({"python stack", site.stack});
  if (!site.cpu_op.empty()) details_.fields.push_back({"cpu_op", site.cpu_op});
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
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable |
                                ImGuiTableFlags_BordersInnerV;
  if (!ImGui::BeginTable("##range", 7, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_WidthStretch);
  for (const char* h : {"Count", "Total", "Self", "Mean", "p50", "p99"})
    ImGui::TableSetupColumn(h, ImGuiTableColumnFlags_WidthFixed, 64);
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
