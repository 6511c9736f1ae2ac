#pragma once
// Workbench settings that persist across starts: window geometry, open panels, recent files.
// Stored as JSON in $XDG_CONFIG_HOME/hotpath/settings.json (default ~/.config/hotpath).
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace hp {

struct Settings {
  static constexpr size_t kMaxRecent = 10;
  int window_x = -1, window_y = -1;  // -1: let the window manager place it
  int window_width = 1400, window_height = 900;
  bool maximized = false;
  std::map<std::string, bool> panels;  // panel key -> open (missing keys use the default: open)
  std::string active_panel = "summary";
  float bottom_height = 320.0f;     // height of the bottom tab area, in pixels
  std::vector<std::string> recent;  // most recent first, absolute paths (only files that opened)
  std::string last_dir;             // the folder File > Open... last opened from

  bool panel_open(const std::string& key) const;
  void add_recent(const std::string& path);
};

// $XDG_CONFIG_HOME/hotpath, else $HOME/.config/hotpath; empty when neither variable is set.
std::filesystem::path config_dir();

// Reads settings from `file`. A missing file gives defaults silently; an unreadable or corrupt one
// gives defaults and a message in `error` (fields of the wrong type are skipped the same way).
Settings load_settings(const std::filesystem::path& file, std::string* error);

// Writes atomically (temporary file in the same directory, then rename). Creates the directory.
// Returns false and sets `error` on failure.
bool save_settings(const Settings& s, const std::filesystem::path& file, std::string* error);

}  // namespace hp
