#include "views/import_log_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <map>

namespace hp {

const char* severity_label(Severity s) {
  switch (s) {
    case Severity::Info:
      return "info";
    case Severity::Warning:
      return "warning";
    case Severity::Error:
      return "error";
  }
  return "?";
}

std::vector<size_t> visible_entries(const ImportLog& log, const ImportLogFilter& filter) {
  std::vector<size_t> rows;
  const auto& e = log.entries();
  for (size_t i = 0; i < e.size(); ++i) {
    if (!filter.show[static_cast<int>(e[i].severity)]) continue;
    if (!filter.code.empty() && e[i].code != filter.code) continue;
    rows.push_back(i);
  }
  return rows;
}

std::vector<CodeCount> code_counts(const ImportLog& log) {
  std::map<std::string, CodeCount> by_code;
  for (const auto& [code, n] : log.counts()) {
    auto& c = by_code[code];
    c.code = code;
    c.count = n;
  }
  for (const auto& e : log.entries()) {
    auto& c = by_code[e.code];
    c.code = e.code;
    c.kept++;
    c.severity = std::max(c.severity, e.severity);
  }
  std::vector<CodeCount> out;
  for (auto& [code, c] : by_code) {
    c.count = std::max(c.count, c.kept);
    out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(), [](const CodeCount& a, const CodeCount& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.count != b.count) return a.count > b.count;
    return a.code < b.code;
  });
  return out;
}

namespace {

ImVec4 severity_color(Severity s) {
  switch (s) {
    case Severity::Error:
      return ImVec4(0.95f, 0.35f, 0.35f, 1.0f);
    case Severity::Warning:
      return ImVec4(0.95f, 0.75f, 0.30f, 1.0f);
    case Severity::Info:
      break;
  }
  return ImVec4(0.60f, 0.75f, 0.95f, 1.0f);
}

void draw_counts(const std::vector<CodeCount>& counts, ImportLogFilter& filter) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit |
                                ImGuiTableFlags_NoSavedSettings;
  if (!ImGui::BeginTable("counts", 2, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("code", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("count", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableHeadersRow();
  for (const auto& c : counts) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::PushStyleColor(ImGuiCol_Text, severity_color(c.severity));
    bool selected = filter.code == c.code;
    if (ImGui::Selectable(c.code.c_str(), selected, ImGuiSelectableFlags_SpanAllColumns))
      filter.code = selected ? std::string() : c.code;
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered() && c.count > c.kept)
      ImGui::SetTooltip("%llu entries; the first %llu keep their full text",
                        static_cast<unsigned long long>(c.count), static_cast<unsigned long long>(c.kept));
    ImGui::TableNextColumn();
    ImGui::Text("%llu", static_cast<unsigned long long>(c.count));
  }
  ImGui::EndTable();
}

void draw_entries(const ImportLog& log, const std::vector<size_t>& rows, ImportLogPanelState& state) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_ScrollX | ImGuiTableFlags_NoSavedSettings;
  if (!ImGui::BeginTable("entries", 5, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("severity", ImGuiTableColumnFlags_WidthFixed, 70.0f);
  ImGui::TableSetupColumn("code", ImGuiTableColumnFlags_WidthFixed, 150.0f);
  ImGui::TableSetupColumn("file", ImGuiTableColumnFlags_WidthFixed, 260.0f);
  ImGui::TableSetupColumn("offset", ImGuiTableColumnFlags_WidthFixed, 80.0f);
  ImGui::TableSetupColumn("message", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableHeadersRow();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows.size()));
  while (clipper.Step()) {
    for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
      const size_t index = rows[static_cast<size_t>(r)];
      const LogEntry& e = log.entries()[index];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      // The whole row is clickable: it selects the slice (or names the byte) the entry points at.
      ImGui::PushID(static_cast<int>(index));
      if (ImGui::Selectable("##row", state.selected == index,
                            ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap))
        state.clicked = state.selected = index;
      ImGui::PopID();
      ImGui::SameLine();
      ImGui::TextColored(severity_color(e.severity), "%s", severity_label(e.severity));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(e.code.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(e.file.c_str());
      if (ImGui::IsItemHovered() && !e.file.empty()) ImGui::SetTooltip("%s", e.file.c_str());
      ImGui::TableNextColumn();
      if (e.offset == LogEntry::kNoOffset)
        ImGui::TextUnformatted("-");
      else
        ImGui::Text("%llu", static_cast<unsigned long long>(e.offset));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(e.message.c_str());
      // A message that names a long kernel runs far past the column: hovering shows all of it, wrapped.
      if (ImGui::IsItemHovered() && e.message.size() > 80) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 50.0f);
        ImGui::TextUnformatted(e.message.c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
      }
      state.rows_drawn++;
    }
  }
  ImGui::EndTable();
}

}  // namespace

uint32_t slice_named_by(const Run& run, const LogEntry& e) {
  const std::string& m = e.message;
  if (m.size() < 4 || m[0] != '\'') return kNone;
  const size_t q = m.find("' [");
  if (q == std::string::npos) return kNone;
  const std::string_view name(m.data() + 1, q - 1);
  long long start = 0, dur = 0;
  if (std::sscanf(m.c_str() + q + 3, "%lld ns, +%lld ns]", &start, &dur) != 2) return kNone;
  const Slices& s = run.slices;
  for (uint32_t i = 0; i < s.size(); ++i)
    if (s.start[i] == start && s.dur[i] == dur && run.str(s.name[i]) == name) return i;
  return kNone;
}

void draw_import_log_panel(const ImportLog& log, ImportLogPanelState& state) {
  state.rows_drawn = 0;
  state.clicked = SIZE_MAX;
  ImportLogFilter& f = state.filter;
  const Severity order[3] = {Severity::Error, Severity::Warning, Severity::Info};
  const char* names[3] = {"Errors", "Warnings", "Info"};
  for (int i = 0; i < 3; ++i) {
    if (i) ImGui::SameLine();
    char label[64];
    std::snprintf(label, sizeof(label), "%s (%llu)", names[i],
                  static_cast<unsigned long long>(log.count(order[i])));
    ImGui::Checkbox(label, &f.show[static_cast<int>(order[i])]);
  }
  if (!f.code.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("| code: %s", f.code.c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("clear")) f.code.clear();
  }
  if (log.empty()) {
    ImGui::TextDisabled("No import messages.");
    state.rows_visible = 0;
    return;
  }
  const std::vector<size_t> rows = visible_entries(log, f);
  state.rows_visible = rows.size();
  const std::vector<CodeCount> counts = code_counts(log);
  const float counts_width = std::min(280.0f, ImGui::GetContentRegionAvail().x * 0.3f);
  ImGui::BeginChild("##counts", ImVec2(counts_width, 0), false);
  draw_counts(counts, f);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##entries", ImVec2(0, 0), false);
  draw_entries(log, rows, state);
  ImGui::EndChild();
}

}  // namespace hp
