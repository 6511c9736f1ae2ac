#include "views/ranks_panel.h"

#include <imgui.h>

#include <algorithm>

#include "core/util/time_format.h"

namespace hp {

void draw_ranks_panel(const RankSkew& skew) {
  if (skew.ranks.empty()) {
    ImGui::TextDisabled("No GPU activity in this run.");
    return;
  }
  if (skew.ranks.size() == 1)
    ImGui::TextDisabled("One rank: open a trace directory (one file per rank) to compare ranks.");
  ImGui::Text("busy skew %s · compute skew %s · comm skew %s", format_duration(skew.busy_skew).c_str(),
              format_duration(skew.compute_skew).c_str(), format_duration(skew.comm_skew).c_str());
  if (skew.straggler >= 0) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1, 0.7f, 0.3f, 1), " · straggler: rank %lld (+%s compute over the median)",
                       static_cast<long long>(skew.straggler),
                       format_duration(skew.straggler_excess).c_str());
  }
  Ns max_busy = 1;
  for (const auto& r : skew.ranks) max_busy = std::max(max_busy, r.busy);
  const ImGuiTableFlags flags =
      ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY;
  // Two busy times, named: the Kernels panel's busy counts kernels only; memcpy and memset keep a
  // GPU busy too (the two panels disagreed with no explanation).
  ImGui::TextDisabled(
      "Kernel busy: union of kernel intervals (the Kernels panel's busy). "
      "GPU busy: kernels, memcpy and memset.");
  if (!ImGui::BeginTable("##ranks", 8, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Rank", ImGuiTableColumnFlags_WidthFixed, 50);
  for (const char* h : {"Kernels", "Kernel busy", "GPU busy", "Compute", "Comm", "Comm wait"})
    ImGui::TableSetupColumn(h, ImGuiTableColumnFlags_WidthFixed, 90);
  ImGui::TableSetupColumn("compute (blue) and comm (purple), scaled to the busiest rank",
                          ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableHeadersRow();
  for (const auto& r : skew.ranks) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%u%s", r.rank, static_cast<int64_t>(r.rank) == skew.straggler ? " *" : "");
    ImGui::TableNextColumn();
    ImGui::Text("%llu", static_cast<unsigned long long>(r.kernels));
    for (Ns v : {r.kernel_busy, r.busy, r.compute, r.comm, r.comm_wait}) {
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_duration(v).c_str());
    }
    ImGui::TableNextColumn();
    ImVec2 p = ImGui::GetCursorScreenPos();
    float w = ImGui::GetContentRegionAvail().x, h = ImGui::GetTextLineHeight();
    float scale = w / static_cast<float>(max_busy);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float cw = static_cast<float>(r.compute) * scale, mw = static_cast<float>(r.comm) * scale;
    dl->AddRectFilled(p, ImVec2(p.x + cw, p.y + h), IM_COL32(66, 133, 244, 255));
    dl->AddRectFilled(ImVec2(p.x + cw, p.y), ImVec2(p.x + cw + mw, p.y + h), IM_COL32(171, 71, 188, 255));
    ImGui::Dummy(ImVec2(w, h));
  }
  ImGui::EndTable();
}

}  // namespace hp
