#include "views/range_chip.h"

#include <imgui.h>

#include "core/util/time_format.h"

namespace hp {

void draw_range_chip(ViewState& vs) {
  if (!vs.range) return;
  const Ns origin = vs.view.extent().t0;
  const std::string text = "range +" + format_duration(vs.range->t0 - origin, 3) + " .. +" +
                           format_duration(vs.range->t1 - origin, 3) + " (" +
                           format_duration(vs.range->span(), 3) + ")";
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.55f, 0.42f, 0.12f, 1));
  ImGui::SmallButton(text.c_str());
  ImGui::PopStyleColor();
  ImGui::SameLine();
  if (ImGui::SmallButton("clear range")) vs.range.reset();
}

}  // namespace hp
