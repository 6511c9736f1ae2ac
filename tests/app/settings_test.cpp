#include "app/settings.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

namespace fs = std::filesystem;
using hp::Settings;

namespace {

fs::path temp_dir(const char* name) {
  fs::path d = fs::temp_directory_path() / (std::string(name) + "." + std::to_string(::getpid()));
  fs::remove_all(d);
  return d;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

}  // namespace

TEST_CASE("settings round-trip through the JSON file", "[settings]") {
  fs::path dir = temp_dir("hotpath_settings_rt");
  fs::path file = dir / "hotpath" / "settings.json";
  Settings s;
  s.window_x = 40;
  s.window_y = 50;
  s.window_width = 1024;
  s.window_height = 700;
  s.maximized = true;
  s.panels["flame"] = false;
  s.active_panel = "import-log";
  s.bottom_height = 222.5f;
  s.add_recent("/a.json");
  s.add_recent("/b.json");
  std::string err;
  REQUIRE(hp::save_settings(s, file, &err));
  CHECK(err.empty());
  // Written atomically: no temporary file is left next to it.
  int files = 0;
  for (auto& e : fs::directory_iterator(file.parent_path())) files += e.is_regular_file();
  CHECK(files == 1);

  Settings r = hp::load_settings(file, &err);
  CHECK(err.empty());
  CHECK(r.window_x == 40);
  CHECK(r.window_y == 50);
  CHECK(r.window_width == 1024);
  CHECK(r.window_height == 700);
  CHECK(r.maximized);
  CHECK_FALSE(r.panel_open("flame"));
  CHECK(r.panel_open("summary"));  // absent keys default to open
  CHECK(r.active_panel == "import-log");
  CHECK(r.bottom_height == 222.5f);
  CHECK(r.recent == std::vector<std::string>{"/b.json", "/a.json"});
  fs::remove_all(dir);
}

TEST_CASE("a corrupt settings file gives defaults and a message", "[settings]") {
  fs::path dir = temp_dir("hotpath_settings_bad");
  fs::path file = dir / "settings.json";
  write(file, "{\"window\": {\"width\": 800,");  // truncated
  std::string err;
  Settings r = hp::load_settings(file, &err);
  CHECK(err.find("corrupt JSON") != std::string::npos);
  CHECK(err.find(file.string()) != std::string::npos);
  CHECK(r.window_width == Settings{}.window_width);
  CHECK(r.recent.empty());

  write(file, "[1, 2, 3]");  // valid JSON, not an object
  err.clear();
  hp::load_settings(file, &err);
  CHECK_FALSE(err.empty());
  fs::remove_all(dir);
}

TEST_CASE("fields of the wrong type fall back one by one", "[settings]") {
  fs::path dir = temp_dir("hotpath_settings_types");
  fs::path file = dir / "settings.json";
  write(file, R"({"window": {"width": "wide", "height": 640, "x": 5}, "panels": {"flame": 3, "ranks": false},
                  "recent": ["/x.json", 7, "/y.json"], "bottom_height": -5, "active_panel": 12})");
  std::string err;
  Settings r = hp::load_settings(file, &err);
  CHECK(err.empty());
  CHECK(r.window_width == Settings{}.window_width);
  CHECK(r.window_height == 640);
  CHECK(r.window_x == 5);
  CHECK(r.panel_open("flame"));
  CHECK_FALSE(r.panel_open("ranks"));
  CHECK(r.recent == std::vector<std::string>{"/x.json", "/y.json"});
  CHECK(r.bottom_height == Settings{}.bottom_height);
  CHECK(r.active_panel == "summary");
  fs::remove_all(dir);
}

TEST_CASE("a missing settings file gives defaults silently", "[settings]") {
  std::string err;
  Settings r = hp::load_settings("/nonexistent/hotpath/settings.json", &err);
  CHECK(err.empty());
  CHECK(r.window_width == 1400);
}

TEST_CASE("recent files: most recent first, no duplicates, at most 10", "[settings]") {
  Settings s;
  for (int i = 0; i < 12; ++i) s.add_recent("/f" + std::to_string(i));
  s.add_recent("/f5");
  REQUIRE(s.recent.size() == Settings::kMaxRecent);
  CHECK(s.recent.front() == "/f5");
  CHECK(s.recent[1] == "/f11");
  CHECK(std::count(s.recent.begin(), s.recent.end(), "/f5") == 1);
}

TEST_CASE("config_dir follows XDG_CONFIG_HOME, then HOME", "[settings]") {
  const char* old_xdg = std::getenv("XDG_CONFIG_HOME");
  std::string saved = old_xdg ? old_xdg : "";
  ::setenv("XDG_CONFIG_HOME", "/tmp/xdg", 1);
  CHECK(hp::config_dir() == fs::path("/tmp/xdg/hotpath"));
  ::unsetenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  if (home) CHECK(hp::config_dir() == fs::path(home) / ".config" / "hotpath");
  if (old_xdg) ::setenv("XDG_CONFIG_HOME", saved.c_str(), 1);
}

TEST_CASE("save_settings reports an unwritable location", "[settings]") {
  std::string err;
  CHECK_FALSE(hp::save_settings(Settings{}, "/proc/hotpath/settings.json", &err));
  CHECK_FALSE(err.empty());
}
