#include "views/file_browser.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace hp {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ends_with_ci(std::string_view name, std::string_view ext) {
  return name.size() >= ext.size() && lower(name.substr(name.size() - ext.size())) == lower(ext);
}

}  // namespace

void sort_entries(std::vector<FileEntry>& entries) {
  std::sort(entries.begin(), entries.end(), [](const FileEntry& a, const FileEntry& b) {
    if (a.is_dir != b.is_dir) return a.is_dir;
    std::string la = lower(a.name), lb = lower(b.name);
    if (la != lb) return la < lb;
    return a.name < b.name;
  });
}

std::vector<FileEntry> filter_entries(const std::vector<FileEntry>& entries,
                                      const std::vector<std::string>& extensions, bool show_hidden) {
  std::vector<FileEntry> out;
  for (const auto& e : entries) {
    if (!show_hidden && !e.name.empty() && e.name[0] == '.') continue;
    if (!e.is_dir && !extensions.empty() &&
        std::none_of(extensions.begin(), extensions.end(),
                     [&](const std::string& ext) { return ends_with_ci(e.name, ext); }))
      continue;
    out.push_back(e);
  }
  return out;
}

std::string parent_dir(std::string_view dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.remove_suffix(1);
  auto slash = dir.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(dir.substr(0, slash));
}

std::string join_path(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (out.empty()) return std::string(name);
  if (out.back() != '/') out += '/';
  out += name;
  return out;
}

std::string human_size(uint64_t bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000.0 && u < 4) {
    v /= 1000.0;
    ++u;
  }
  char buf[32];
  if (u == 0)
    std::snprintf(buf, sizeof(buf), "%llu B", static_cast<unsigned long long>(bytes));
  else
    std::snprintf(buf, sizeof(buf), "%.1f %s", v, units[u]);
  return buf;
}

void FileBrowserState::open_at(std::string directory) {
  open = true;
  chosen.clear();
  go_to(std::move(directory));
}

void FileBrowserState::go_to(std::string directory) {
  dir = std::move(directory);
  path_input = dir;
  selected.clear();
  entries.clear();
  list_error.clear();
  needs_listing = true;
}

bool draw_file_browser(FileBrowserState& st) {
  const char* kTitle = "Open file";
  const bool was_open = st.open;
  if (st.open && !ImGui::IsPopupOpen(kTitle)) ImGui::OpenPopup(kTitle);
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowSize(ImVec2(std::min(760.0f, display.x * 0.9f), std::min(520.0f, display.y * 0.8f)),
                           ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.5f), ImGuiCond_Appearing,
                          ImVec2(0.5f, 0.5f));
  bool keep_open = true;
  if (!ImGui::BeginPopupModal(kTitle, &keep_open)) {
    st.open = false;
    return false;
  }
  if (!was_open) {  // closed from outside (e.g. the path field named a file)
    ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    return false;
  }
  bool chose = false;
  if (ImGui::Button("Up")) st.go_to(parent_dir(st.dir));
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  if (ImGui::InputText("##path", &st.path_input, ImGuiInputTextFlags_EnterReturnsTrue))
    st.go_to(st.path_input);  // the app turns a file path into a choice when it lists it
  ImGui::Checkbox("Only supported files", &st.filter_supported);
  ImGui::SameLine();
  ImGui::Checkbox("Hidden files", &st.show_hidden);

  const float footer = ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y;
  const std::vector<std::string> none;
  const auto shown = filter_entries(st.entries, st.filter_supported ? st.extensions : none, st.show_hidden);
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_BordersOuter | ImGuiTableFlags_NoSavedSettings;
  if (ImGui::BeginTable("##files", 2, flags, ImVec2(0, -footer))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("size", ImGuiTableColumnFlags_WidthFixed, 90.0f);
    ImGui::TableHeadersRow();
    if (!st.list_error.empty()) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextColored(ImVec4(0.95f, 0.35f, 0.35f, 1.0f), "%s", st.list_error.c_str());
    }
    std::string go_dir;
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(shown.size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const FileEntry& e = shown[static_cast<size_t>(i)];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        std::string label = e.is_dir ? e.name + "/" : e.name;
        if (ImGui::Selectable(label.c_str(), st.selected == e.name,
                              ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowDoubleClick)) {
          st.selected = e.name;
          if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
            if (e.is_dir) {
              go_dir = join_path(st.dir, e.name);
            } else {
              st.chosen = join_path(st.dir, e.name);
              chose = true;
            }
          }
        }
        ImGui::TableNextColumn();
        if (!e.is_dir) ImGui::TextDisabled("%s", human_size(e.size).c_str());
      }
    }
    ImGui::EndTable();
    if (!go_dir.empty()) st.go_to(go_dir);
  }
  const bool can_open = !st.selected.empty();
  if (!can_open) ImGui::BeginDisabled();
  if (ImGui::Button("Open")) {
    auto it = std::find_if(st.entries.begin(), st.entries.end(),
                           [&](const FileEntry& e) { return e.name == st.selected; });
    if (it != st.entries.end() && it->is_dir) {
      st.go_to(join_path(st.dir, st.selected));
    } else {
      st.chosen = join_path(st.dir, st.selected);
      chose = true;
    }
  }
  if (!can_open) ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) keep_open = false;
  if (chose || !keep_open) {
    st.open = false;
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
  return chose;
}

}  // namespace hp
