#include "views/flame_panel.h"

#include <imgui.h>

#include <algorithm>

#include "core/util/time_format.h"
#include "views/palette.h"

namespace hp {

void FlamePanel::set_run(std::shared_ptr<const Run> run) {
  run_ = std::move(run);
  tree_ = build_flame_tree(*run_, {merge_numbered});
  root = 0;
  metric = tree_.nodes[0].gpu_time > 0 ? FlameMetric::Gpu : FlameMetric::Cpu;
}

void FlamePanel::draw(ViewState& vs) {
  if (!run_) return;
  int m = metric == FlameMetric::Cpu ? 0 : 1;
  ImGui::RadioButton("CPU time", &m, 0);
  ImGui::SameLine();
  ImGui::RadioButton("GPU time (launched)", &m, 1);
  metric = m == 0 ? FlameMetric::Cpu : FlameMetric::Gpu;
  ImGui::SameLine();
  if (ImGui::Button("Reset zoom")) root = 0;
  ImGui::SameLine();
  if (ImGui::Checkbox("Merge numbered instances (Block_0…N)", &merge_numbered)) set_run(run_);
  ImGui::SameLine();
  const FlameNode& rn = tree_.nodes[root];
  ImGui::TextDisabled("%s  %s", root == 0 ? "all threads" : flame_label(*run_, rn).c_str(),
                      format_duration(flame_value(rn, metric)).c_str());
  if (tree_.unattributed_gpu > 0 && metric == FlameMetric::Gpu) {
    ImGui::SameLine();
    ImGui::TextDisabled("(%s of GPU time has no launch in the trace)",
                        format_duration(tree_.unattributed_gpu).c_str());
  }

  ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImVec2 size = ImGui::GetContentRegionAvail();
  size.x = std::max(size.x, 50.0f);
  size.y = std::max(size.y, 50.0f);
  ImGui::InvisibleButton("##flame", size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(p0, ImVec2(p0.x + size.x, p0.y + size.y), true);
  dl->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y), IM_COL32(24, 25, 29, 255));
  const float row_h = ImGui::GetFontSize() + 5;
  auto rects = layout_flame(tree_, root, metric, size.x, 2, static_cast<uint16_t>(size.y / row_h));
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  uint32_t hit = kNone;
  for (const FlameRect& r : rects) {
    const FlameNode& n = tree_.nodes[r.node];
    const std::string label = r.node == 0 ? std::string("all") : flame_label(*run_, n);
    std::string_view name = label;
    ImVec2 a(p0.x + r.x0, p0.y + static_cast<float>(r.level) * row_h);
    ImVec2 b(p0.x + r.x1 - 1, a.y + row_h - 1);
    bool match = !vs.search.empty() && name.find(vs.search) != std::string_view::npos;
    Color c = name_color(name, SliceKind::CpuOp);
    dl->AddRectFilled(a, b, c);
    if (match) dl->AddRect(a, b, IM_COL32(255, 230, 0, 255), 0, 0, 2);
    if (b.x - a.x > 20) {
      dl->PushClipRect(a, b, true);
      dl->AddText(ImVec2(a.x + 3, a.y + 2), text_color_on(c), name.data(), name.data() + name.size());
      dl->PopClipRect();
    }
    if (hovered && mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y) hit = r.node;
  }
  dl->PopClipRect();
  if (hit != kNone) {
    const FlameNode& n = tree_.nodes[hit];
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(hit == 0 ? "all" : flame_label(*run_, n).c_str());
    ImGui::Text("calls %llu  ·  CPU %s  ·  GPU %s", static_cast<unsigned long long>(n.count),
                format_duration(n.cpu_time).c_str(), format_duration(n.gpu_time).c_str());
    ImGui::EndTooltip();
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) root = hit;
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Right) && root != 0) root = tree_.nodes[root].parent;
  }
}

}  // namespace hp
