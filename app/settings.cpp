#include "app/settings.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

namespace hp {

bool Settings::panel_open(const std::string& key) const {
  auto it = panels.find(key);
  return it == panels.end() ? true : it->second;
}

void Settings::add_recent(const std::string& path) {
  recent.erase(std::remove(recent.begin(), recent.end(), path), recent.end());
  recent.insert(recent.begin(), path);
  if (recent.size() > kMaxRecent) recent.resize(kMaxRecent);
}

std::filesystem::path config_dir() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg && *xdg) return std::filesystem::path(xdg) / "hotpath";
  const char* home = std::getenv("HOME");
  if (home && *home) return std::filesystem::path(home) / ".config" / "hotpath";
  return {};
}

namespace {

template <typename T>
void read_field(const nlohmann::json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end()) return;
  try {
    out = it->get<T>();
  } catch (const nlohmann::json::exception&) {
    // Wrong type: keep the default for this field only.
  }
}

}  // namespace

Settings load_settings(const std::filesystem::path& file, std::string* error) {
  Settings s;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return s;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (error) *error = file.string() + ": cannot be read; using default settings";
    return s;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(buf.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    if (error) *error = file.string() + ": not a valid settings file (corrupt JSON); using default settings";
    return s;
  }
  if (auto w = j.find("window"); w != j.end() && w->is_object()) {
    read_field(*w, "x", s.window_x);
    read_field(*w, "y", s.window_y);
    read_field(*w, "width", s.window_width);
    read_field(*w, "height", s.window_height);
    read_field(*w, "maximized", s.maximized);
  }
  if (auto p = j.find("panels"); p != j.end() && p->is_object())
    for (auto& [key, value] : p->items())
      if (value.is_boolean()) s.panels[key] = value.get<bool>();
  read_field(j, "active_panel", s.active_panel);
  read_field(j, "bottom_height", s.bottom_height);
  read_field(j, "last_dir", s.last_dir);
  if (auto r = j.find("recent"); r != j.end() && r->is_array())
    for (const auto& v : *r)
      if (v.is_string() && s.recent.size() < Settings::kMaxRecent) s.recent.push_back(v.get<std::string>());
  // Keep geometry sane even when the file holds nonsense numbers.
  s.window_width = std::clamp(s.window_width, 200, 16384);
  s.window_height = std::clamp(s.window_height, 150, 16384);
  if (!(s.bottom_height >= 40.0f && s.bottom_height <= 16384.0f)) s.bottom_height = Settings{}.bottom_height;
  return s;
}

bool save_settings(const Settings& s, const std::filesystem::path& file, std::string* error) {
  nlohmann::json j;
  j["version"] = 1;
  j["window"] = {{"x", s.window_x},
                 {"y", s.window_y},
                 {"width", s.window_width},
                 {"height", s.window_height},
                 {"maximized", s.maximized}};
  j["panels"] = s.panels;
  j["active_panel"] = s.active_panel;
  j["bottom_height"] = s.bottom_height;
  j["recent"] = s.recent;
  j["last_dir"] = s.last_dir;
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  auto tmp = file;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << j.dump(2) << '\n';
    out.flush();
    if (!out) {
      if (error) *error = tmp.string() + ": cannot write settings";
      std::filesystem::remove(tmp, ec);
      return false;
    }
  }
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    if (error) *error = file.string() + ": cannot replace settings: " + ec.message();
    std::filesystem::remove(tmp, ec);
    return false;
  }
  return true;
}

}  // namespace hp
