#include "views/triage_panel.h"

#include <imgui.h>

#include <utility>

#include "core/analysis/kernel_table.h"
#include "core/util/time_format.h"
#include "views/palette.h"

namespace hp {
namespace {

constexpr ImGuiTableFlags kTable = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                   ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp;

void text(const std::string& s) {
  ImGui::TextUnformatted(s.data(), s.data() + s.size());
}

}  // namespace

void TriagePanel::set(std::shared_ptr<const Run> run, std::shared_ptr<const Triage> triage) {
  run_ = std::move(run);
  triage_ = std::move(triage);
  stage_ = 0;
}

void TriagePanel::draw(ViewState& vs) {
  if (!run_ || !triage_) return;
  const Triage& t = *triage_;
  if (t.stages.empty()) {
    ImGui::TextDisabled("No GPU kernels in this run.");
    return;
  }
  ImGui::TextDisabled(
      "framework %s · stages: %llu kernels from CPU step markers, %llu from GPU windows, %llu from "
      "file names, %llu unassigned · rows ≥ %.1f%% of the stage",
      t.framework.empty() ? "not detected" : t.framework.c_str(),
      static_cast<unsigned long long>(t.kernels_by[static_cast<size_t>(StageMethod::CpuStep)]),
      static_cast<unsigned long long>(t.kernels_by[static_cast<size_t>(StageMethod::GpuWindow)]),
      static_cast<unsigned long long>(t.kernels_by[static_cast<size_t>(StageMethod::Source)]),
      static_cast<unsigned long long>(t.kernels_by[static_cast<size_t>(StageMethod::Unassigned)]),
      t.min_share_pct);
  if (ImGui::BeginTabBar("##stages")) {
    for (size_t i = 0; i < t.stages.size(); ++i) {
      const TriageStage& s = t.stages[i];
      std::string label = s.stage + "###stage" + std::to_string(i);
      if (ImGui::BeginTabItem(label.c_str())) {
        ImGui::BeginChild("##stage", ImVec2(0, 0), false);
        draw_stage(vs, s);
        ImGui::EndChild();
        ImGui::EndTabItem();
      }
    }
    ImGui::EndTabBar();
  }
}

void TriagePanel::draw_stage(ViewState& vs, const TriageStage& s) {
  ImGui::Text("%llu launches · %llu distinct kernels · GPU time %s (busy %s) · %llu steps",
              static_cast<unsigned long long>(s.launches),
              static_cast<unsigned long long>(s.distinct_kernels), format_duration(s.gpu_time).c_str(),
              format_duration(s.busy_time).c_str(), static_cast<unsigned long long>(s.steps));
  if (s.graphs.graph_kernels > 0) {
    ImGui::SameLine();
    ImGui::TextDisabled(" · CUDA graphs cover %.1f%% in %llu launches", s.graphs.coverage_pct,
                        static_cast<unsigned long long>(s.graphs.launches));
  }
  if (ImGui::BeginTable("##k", 8, kTable)) {
    ImGui::TableSetupColumn("Kernel", ImGuiTableColumnFlags_WidthStretch, 3.0f);
    for (auto [h, w] : {std::pair{"Category", 80.0f},
                        {"GPU time", 75.0f},
                        {"% sum", 50.0f},
                        {"% busy", 50.0f},
                        {"Launches", 60.0f}})
      ImGui::TableSetupColumn(h, ImGuiTableColumnFlags_WidthFixed, w);
    ImGui::TableSetupColumn("Python site", ImGuiTableColumnFlags_WidthStretch, 2.0f);
    ImGui::TableSetupColumn("CPU op", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < s.kernels.size(); ++i) {
      const TriageKernel& k = s.kernels[i];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushID(static_cast<int>(i));
      if (ImGui::Selectable(k.name.c_str(), false, ImGuiSelectableFlags_SpanAllColumns)) {
        vs.highlighted = kernel_occurrences(*run_, run_->strings.find(k.name));
        vs.highlight_cursor = SIZE_MAX;
        vs.jump_highlight(*run_, 1);
      }
      ImGui::PopID();
      ImGui::TableNextColumn();
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(category_color(k.category)), "%s",
                         k.category.c_str());
      ImGui::TableNextColumn();
      text(format_duration(k.gpu_time));
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", k.share_sum_pct);
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", k.share_busy_pct);
      ImGui::TableNextColumn();
      ImGui::Text("%llu", static_cast<unsigned long long>(k.launches));
      ImGui::TableNextColumn();
      text(k.site_share_pct > 0 && k.site_share_pct < 99.95
               ? k.site + " (" + std::to_string(static_cast<int>(k.site_share_pct + 0.5)) + "%)"
               : k.site);
      ImGui::TableNextColumn();
      text(k.cpu_op);
    }
    ImGui::EndTable();
  }
  if (s.hidden_kernels)
    ImGui::TextDisabled("%llu more kernels under the cutoff (%s)",
                        static_cast<unsigned long long>(s.hidden_kernels),
                        format_duration(s.hidden_time).c_str());
  ImGui::Spacing();
  ImGui::TextUnformatted("Overlap opportunities");
  if (s.overlap.empty()) ImGui::TextDisabled("none above the rules' thresholds");
  if (!s.overlap.empty() && ImGui::BeginTable("##o", 6, kTable)) {
    for (const char* h : {"P", "Verdict", "Kernel", "Evidence", "Dependency risk", "Recommendation"})
      ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (const auto& o : s.overlap) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("P%d", o.priority);
      ImGui::TableNextColumn();
      text(o.verdict);
      ImGui::TableNextColumn();
      text(o.kernel);
      ImGui::TableNextColumn();
      ImGui::TextWrapped("%s", o.evidence.c_str());
      ImGui::TableNextColumn();
      text(o.dep_risk);
      ImGui::TableNextColumn();
      ImGui::TextWrapped("%s", o.recommendation.c_str());
    }
    ImGui::EndTable();
  }
  ImGui::Spacing();
  ImGui::TextUnformatted("Fusion opportunities");
  if (s.fusions.empty()) ImGui::TextDisabled("no fuse-catalog pattern matched");
  if (!s.fusions.empty() && ImGui::BeginTable("##f", 5, kTable)) {
    for (const char* h : {"Pattern", "Status", "Related GPU time", "Share", "Candidate fused path"})
      ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (const auto& f : s.fusions) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      text(f.title);
      ImGui::TableNextColumn();
      text(to_string(f.status));
      ImGui::TableNextColumn();
      text(format_duration(f.related_time));
      ImGui::TableNextColumn();
      ImGui::Text("%.1f%%", f.share_pct);
      ImGui::TableNextColumn();
      text(f.candidate);
    }
    ImGui::EndTable();
  }
}

}  // namespace hp
