#include "views/file_browser.h"

#include <catch2/catch.hpp>

#include "support/imgui_harness.h"

using namespace hp;

TEST_CASE("sort_entries: directories first, case-insensitive names", "[file_browser]") {
  std::vector<FileEntry> e = {
      {"b.json", false, 1}, {"Zdir", true, 0}, {"A.json", false, 2}, {"adir", true, 0}, {"a.json", false, 3}};
  sort_entries(e);
  std::vector<std::string> names;
  for (const auto& x : e) names.push_back(x.name);
  CHECK(names == std::vector<std::string>{"adir", "Zdir", "A.json", "a.json", "b.json"});
}

TEST_CASE("filter_entries keeps directories and supported extensions", "[file_browser]") {
  std::vector<FileEntry> e = {{"trace.JSON.GZ", false, 1}, {"notes.txt", false, 2}, {"runs", true, 0},
                              {".hidden.json", false, 3},  {"x.json", false, 4},    {"x.json.bak", false, 5}};
  auto f = filter_entries(e, {".json", ".json.gz"}, /*show_hidden=*/false);
  std::vector<std::string> names;
  for (const auto& x : f) names.push_back(x.name);
  CHECK(names == std::vector<std::string>{"trace.JSON.GZ", "runs", "x.json"});
  CHECK(filter_entries(e, {}, true).size() == 6);
  CHECK(filter_entries(e, {}, false).size() == 5);
}

TEST_CASE("path helpers", "[file_browser]") {
  CHECK(parent_dir("/a/b") == "/a");
  CHECK(parent_dir("/a/b/") == "/a");
  CHECK(parent_dir("/a") == "/");
  CHECK(parent_dir("/") == "/");
  CHECK(parent_dir("rel") == ".");
  CHECK(join_path("/a", "b") == "/a/b");
  CHECK(join_path("/", "b") == "/b");
  CHECK(join_path("/a/", "b") == "/a/b");
  CHECK(human_size(999) == "999 B");
  CHECK(human_size(1500) == "1.5 KB");
  CHECK(human_size(2'500'000'000ull) == "2.5 GB");
}

namespace {

FileBrowserState listed_state() {
  FileBrowserState st;
  st.open_at("/data/traces");
  st.entries = {{"sub", true, 0}, {"a.json", false, 10}, {"b.txt", false, 20}};
  st.extensions = {".json"};
  st.needs_listing = false;
  return st;
}

// The modal is centred: 760x520 in a 1280x800 display puts it at (260, 140).
constexpr float kX = 260, kY = 140;

}  // namespace

TEST_CASE("file browser: Up goes to the parent directory", "[file_browser][imgui]") {
  hp::test::ImGuiHarness h(1280, 800);
  FileBrowserState st = listed_state();
  auto ui = [&] { draw_file_browser(st); };
  h.frames(3, ui);
  REQUIRE(st.open);
  const float fh = ImGui::GetFrameHeight();
  h.click(ImVec2(kX + 8 + 6, kY + fh + 8 + fh / 2), ui);  // "Up", first widget under the title bar
  CHECK(st.dir == "/data");
  CHECK(st.path_input == "/data");
  CHECK(st.needs_listing);
}

TEST_CASE("file browser: typing a path and Enter lists it", "[file_browser][imgui]") {
  hp::test::ImGuiHarness h(1280, 800);
  FileBrowserState st = listed_state();
  auto ui = [&] { draw_file_browser(st); };
  h.frames(3, ui);
  const float fh = ImGui::GetFrameHeight();
  h.click(ImVec2(kX + 700, kY + fh + 8 + fh / 2), ui);  // the path field, right of its text
  h.type_text("/sub", ui);
  h.press_key(ImGuiKey_Enter, ui);
  CHECK(st.dir == "/data/traces/sub");
  CHECK(st.needs_listing);
}

TEST_CASE("file browser: double-click on a file chooses it, Escape cancels", "[file_browser][imgui]") {
  hp::test::ImGuiHarness h(1280, 800);
  FileBrowserState st = listed_state();
  bool chose = false;
  auto ui = [&] { chose = draw_file_browser(st) || chose; };
  h.frames(3, ui);
  const float fh = ImGui::GetFrameHeight();
  const float line = ImGui::GetTextLineHeight();
  // Rows: title, path row, checkbox row, table header, "sub/", "a.json" (b.txt is filtered out).
  const float table_top = kY + fh + 8 + 2 * (fh + 4);
  const float header_h = line + 2 * ImGui::GetStyle().CellPadding.y;
  const float row_h = line + 2 * ImGui::GetStyle().CellPadding.y;
  h.double_click(ImVec2(kX + 60, table_top + header_h + row_h * 1.5f), ui);
  CHECK(chose);
  CHECK(st.chosen == "/data/traces/a.json");
  CHECK_FALSE(st.open);

  FileBrowserState st2 = listed_state();
  auto ui2 = [&] { draw_file_browser(st2); };
  h.frames(3, ui2);
  REQUIRE(st2.open);
  h.press_key(ImGuiKey_Escape, ui2);
  CHECK_FALSE(st2.open);
  CHECK(st2.chosen.empty());
}
