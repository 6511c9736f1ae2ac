#include "views/kernels_panel.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "core/analysis/stage_assign.h"
#include "core/util/time_format.h"
#include "views/palette.h"

namespace hp {

void KernelsPanel::set_run(std::shared_ptr<const Run> run, CategoryFn categorize, const StageAssignment& st) {
  run_ = std::move(run);
  categorize_ = std::move(categorize);
  // Stages per kernel as triage assigns them: step markers, GPU windows, then file/directory names.
  stages_ = {"All"};
  stage_of_slice_.assign(run_->slices.size(), 0);
  for (size_t g = 0; g < run_->gpu.size(); ++g) {
    if (st.gpu_stage[g] == Stage::Unknown) continue;
    std::string name = to_string(st.gpu_stage[g]);
    auto it = std::find(stages_.begin(), stages_.end(), name);
    if (it == stages_.end()) it = stages_.insert(stages_.end(), name);
    stage_of_slice_[run_->gpu.slice[g]] = static_cast<uint8_t>(it - stages_.begin());
  }
  stage_ = 0;
  selected_row_ = kNone;
  rebuild();
}

void KernelsPanel::rebuild() {
  SliceFilter include;
  if (stage_ > 0) include = [this](uint32_t i) { return stage_of_slice_[i] == stage_; };
  table_ = kernel_table(*run_, include, categorize_);
  dirty_ = true;
}

void KernelsPanel::draw(ViewState& vs) {
  if (!run_) return;
  ImGui::SetNextItemWidth(140);
  if (ImGui::BeginCombo("Stage", stages_[static_cast<size_t>(stage_)].c_str())) {
    for (int i = 0; i < static_cast<int>(stages_.size()); ++i)
      if (ImGui::Selectable(stages_[static_cast<size_t>(i)].c_str(), i == stage_) && i != stage_) {
        stage_ = i;
        rebuild();
      }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(260);
  if (ImGui::InputTextWithHint("##filter", "filter name or category", &filter_)) dirty_ = true;
  if (dirty_) {
    order_ = sort_filter_rows(*run_, table_, filter_, sort_col_, sort_asc_);
    SliceFilter include;
    if (stage_ > 0) include = [this](uint32_t i) { return stage_of_slice_[i] == stage_; };
    totals_ = shown_totals(*run_, table_, order_, include);
    dirty_ = false;
  }
  ImGui::SameLine();
  ImGui::TextDisabled("%s%zu kernels · %llu launches · sum %s · kernel busy %s",
                      filter_.empty() ? "" : "shown: ", totals_.kernels,
                      static_cast<unsigned long long>(totals_.launches),
                      format_duration(totals_.gpu_time).c_str(), format_duration(totals_.busy_time).c_str());
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "kernel busy: union of kernel intervals per device. The Ranks panel's GPU busy also\n"
        "counts memcpy and memset, so it can be larger.");

  if (ImGui::CollapsingHeader("Categories")) {
    if (ImGui::BeginTable(
            "##cats", 5,
            ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit)) {
      for (const char* h : {"Category", "GPU time", "Launches", "% of sum", "% of busy"})
        ImGui::TableSetupColumn(h);
      ImGui::TableHeadersRow();
      for (const CategoryRow& c : table_.categories) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::ColorButton("##c", ImGui::ColorConvertU32ToFloat4(category_color(c.category)),
                           ImGuiColorEditFlags_NoTooltip, ImVec2(10, 10));
        ImGui::SameLine();
        ImGui::TextUnformatted(c.category.empty() ? "(uncategorized)" : c.category.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(format_duration(c.gpu_time).c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%llu", static_cast<unsigned long long>(c.launches));
        ImGui::TableNextColumn();
        ImGui::Text("%.1f", c.share_sum_pct);
        ImGui::TableNextColumn();
        ImGui::Text("%.1f", c.share_busy_pct);
      }
      ImGui::EndTable();
    }
  }

  const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_Hideable;
  if (!ImGui::BeginTable("##kernels", 9, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Kernel", ImGuiTableColumnFlags_WidthStretch, 0,
                          static_cast<ImGuiID>(KernelColumn::Name));
  ImGui::TableSetupColumn("Category", ImGuiTableColumnFlags_WidthFixed, 90,
                          static_cast<ImGuiID>(KernelColumn::Category));
  ImGui::TableSetupColumn("GPU time",
                          ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_DefaultSort |
                              ImGuiTableColumnFlags_PreferSortDescending,
                          80, static_cast<ImGuiID>(KernelColumn::GpuTime));
  ImGui::TableSetupColumn("Launches", ImGuiTableColumnFlags_WidthFixed, 70,
                          static_cast<ImGuiID>(KernelColumn::Launches));
  ImGui::TableSetupColumn("Avg", ImGuiTableColumnFlags_WidthFixed, 70,
                          static_cast<ImGuiID>(KernelColumn::Avg));
  ImGui::TableSetupColumn("p50", ImGuiTableColumnFlags_WidthFixed, 70,
                          static_cast<ImGuiID>(KernelColumn::P50));
  ImGui::TableSetupColumn("p99", ImGuiTableColumnFlags_WidthFixed, 70,
                          static_cast<ImGuiID>(KernelColumn::P99));
  ImGui::TableSetupColumn("% sum", ImGuiTableColumnFlags_WidthFixed, 55,
                          static_cast<ImGuiID>(KernelColumn::ShareSum));
  ImGui::TableSetupColumn("% busy", ImGuiTableColumnFlags_WidthFixed, 55,
                          static_cast<ImGuiID>(KernelColumn::ShareBusy));
  ImGui::TableHeadersRow();
  if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs();
      specs && specs->SpecsDirty && specs->SpecsCount > 0) {
    sort_col_ = static_cast<KernelColumn>(specs->Specs[0].ColumnUserID);
    sort_asc_ = specs->Specs[0].SortDirection == ImGuiSortDirection_Ascending;
    specs->SpecsDirty = false;
    order_ = sort_filter_rows(*run_, table_, filter_, sort_col_, sort_asc_);
  }
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(order_.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      uint32_t ri = order_[static_cast<size_t>(i)];
      const KernelRow& r = table_.rows[ri];
      std::string_view name = run_->str(r.name);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      if (i == 0) row0_y_ = ImGui::GetCursorScreenPos().y + ImGui::GetTextLineHeight() / 2;
      ImGui::PushID(static_cast<int>(ri));
      if (ImGui::Selectable("##row", selected_row_ == ri, ImGuiSelectableFlags_SpanAllColumns)) {
        selected_row_ = ri;
        vs.set_highlights(kernel_occurrences(*run_, r.name), HighlightOwner::Kernels, std::string(name));
        vs.jump_highlight(*run_, 1);
      }
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%.*s", static_cast<int>(name.size()), name.data());
      ImGui::PopID();
      ImGui::SameLine();
      ImGui::TextUnformatted(name.data(), name.data() + name.size());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.category.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_duration(r.gpu_time).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%llu", static_cast<unsigned long long>(r.launches));
      for (Ns v : {r.avg, r.p50, r.p99}) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(format_duration(v).c_str());
      }
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", r.share_sum_pct);
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", r.share_busy_pct);
    }
  }
  ImGui::EndTable();
  // Only this panel's own focus: with RootAndChildWindows the timeline (same root window) took the
  // same Enter too, and each press moved two occurrences.
  if (selected_row_ != kNone && vs.highlight_owner == HighlightOwner::Kernels &&
      ImGui::IsWindowFocused(ImGuiFocusedFlags_ChildWindows) && !ImGui::GetIO().WantTextInput &&
      ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)))
    vs.jump_highlight(*run_, ImGui::GetIO().KeyShift ? -1 : 1);
}

}  // namespace hp
