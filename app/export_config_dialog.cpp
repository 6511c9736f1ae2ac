#include "app/export_config_dialog.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "app/disagg_run.h"
#include "core/disagg/config_writers.h"
#include "views/whatif_model.h"

namespace hp {

ExportConfigDialog export_config_dialog(const Session* s, const WhatIfChoice& choice,
                                        const std::string& out_dir) {
  ExportConfigDialog d;
  d.out_dir = out_dir;
  if (s && !run_model(*s).empty()) d.model = run_model(*s);
  if (choice.valid()) {
    d.prefill = choice.prefill, d.decode = choice.decode, d.tp = std::max(1, choice.tp);
    d.pd_from = "the What-if panel's slider";
  } else if (s) {
    WhatIfModel m = whatif_model(*s);
    if (m.ready() && !m.by_split.empty()) {
      d.tp = std::max(1, m.spec.tp);
      const int instances = m.spec.instances();
      size_t best = 0;
      for (size_t i = 1; i < m.by_split.size(); ++i)
        if (m.by_split[i].max_rate_rps > m.by_split[best].max_rate_rps) best = i;
      const double mono = m.by_split[0].max_rate_rps;
      if (best == 0 || m.by_split[best].max_rate_rps <= mono * 1.05) best = 0;
      d.prefill = static_cast<int>(m.by_split[best].x) / d.tp;
      d.decode = instances - d.prefill;
      d.pd_from = best == 0
                      ? fmt::format(
                            "the analytic advice: monolithic ({:.2f} req/s at most; no split "
                            "beats it by 5%)",
                            mono)
                      : fmt::format("the analytic advice: {} ({:.2f} req/s at most vs monolithic {:.2f})",
                                    disagg::Layout{d.prefill, d.decode}.label(d.tp),
                                    m.by_split[best].max_rate_rps, mono);
      for (const char* k : {"tp", "prefill_ms", "decode_ms"})
        if (auto it = m.spec.sources.find(k); it != m.spec.sources.end())
          d.basis.push_back(std::string(k) + ": " + it->second);
    } else {
      d.pd_from = "default (" + (m.note.empty() ? std::string("no what-if model") : m.note) + ")";
    }
  } else {
    d.pd_from = "default (no run open)";
  }
  d.basis.insert(d.basis.begin(), "P:D from " + d.pd_from + " (hotpath workbench, File > Export config...)");
  return d;
}

disagg::DeployPlan export_plan(const ExportConfigDialog& d) {
  disagg::DeployPlan p;
  p.model = d.model;
  p.tp = d.tp;
  p.prefill = d.prefill;
  p.decode = d.decode;
  p.basis = d.basis;
  return p;
}

bool write_export_config(ExportConfigDialog& d) {
  d.written.clear();
  d.error.clear();
  try {
    if (std::none_of(d.targets.begin(), d.targets.end(), [](bool b) { return b; }))
      throw std::runtime_error("choose at least one target");
    if (d.out_dir.empty()) throw std::runtime_error("give an output directory");
    if (d.model.empty()) throw std::runtime_error("give a model id or path");
    const disagg::DeployPlan plan = export_plan(d);
    disagg::check_plan(plan);
    disagg::ConfigFiles files;
    for (size_t i = 0; i < kExportTargets.size(); ++i)
      if (d.targets[i])
        for (auto& f : disagg::write_configs(kExportTargets[i], plan)) files.push_back(std::move(f));
    d.written = save_config_files(files, d.out_dir);
  } catch (const std::exception& e) {
    d.error = e.what();
    return false;
  }
  return true;
}

void draw_export_config_dialog(ExportConfigDialog& d) {
  if (d.open) ImGui::OpenPopup("Export config");
  d.open = false;
  if (!ImGui::BeginPopupModal("Export config", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::Text("Deployment configs of a prefill/decode layout (as hotpath disagg-config writes them)");
  ImGui::Separator();
  ImGui::Text("Targets:");
  for (size_t i = 0; i < kExportTargets.size(); ++i) {
    ImGui::SameLine();
    ImGui::Checkbox(kExportTargets[i], &d.targets[i]);
  }
  ImGui::SetNextItemWidth(90);
  ImGui::InputInt("prefill instances (0 = monolithic)", &d.prefill);
  ImGui::SetNextItemWidth(90);
  ImGui::InputInt("decode instances", &d.decode);
  ImGui::SetNextItemWidth(90);
  ImGui::InputInt("GPUs per instance (tp)", &d.tp);
  d.prefill = std::max(0, d.prefill), d.decode = std::max(1, d.decode), d.tp = std::max(1, d.tp);
  const disagg::Layout l{d.prefill, d.decode};
  ImGui::TextDisabled("Layout %s%s", l.label(d.tp).c_str(),
                      l.monolithic() ? "" : fmt::format(", {} GPUs", (d.prefill + d.decode) * d.tp).c_str());
  ImGui::TextDisabled("P:D from %s", d.pd_from.c_str());
  ImGui::SetNextItemWidth(480);
  ImGui::InputText("model", &d.model);
  ImGui::SetNextItemWidth(480);
  ImGui::InputText("output directory", &d.out_dir);
  if (ImGui::Button("Write")) write_export_config(d);
  ImGui::SameLine();
  if (ImGui::Button("Close")) ImGui::CloseCurrentPopup();
  if (!d.error.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "Not written: %s", d.error.c_str());
  if (!d.written.empty()) {
    ImGui::Text("Wrote %zu files:", d.written.size());
    for (const auto& p : d.written) ImGui::BulletText("%s", p.c_str());
  }
  ImGui::EndPopup();
}

}  // namespace hp
