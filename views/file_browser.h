#pragma once
// A minimal file browser for File > Open... (Debian's ImGui has none). The view never touches the
// file system: the app lists `dir` into `entries` whenever `needs_listing` is set.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hp {

struct FileEntry {
  std::string name;
  bool is_dir = false;
  uint64_t size = 0;
};

// Pure: directories first, then files, each by case-insensitive name (ties by exact name).
void sort_entries(std::vector<FileEntry>& entries);
// Pure: keeps directories and files whose name ends with one of `extensions` (".json.gz", ...),
// compared case-insensitively. Hidden entries (".name") are dropped unless `show_hidden`.
std::vector<FileEntry> filter_entries(const std::vector<FileEntry>& entries,
                                      const std::vector<std::string>& extensions, bool show_hidden);
// Pure: "/a/b" -> "/a", "/a" -> "/", "/" -> "/".
std::string parent_dir(std::string_view dir);
// Pure: joins a directory and a name with one '/'.
std::string join_path(std::string_view dir, std::string_view name);
// Pure: "12.3 MB" style.
std::string human_size(uint64_t bytes);

struct FileBrowserState {
  bool open = false;               // the modal is showing
  std::string dir;                 // the directory listed
  std::string path_input;          // the editable path field
  std::vector<FileEntry> entries;  // set by the app after listing `dir`
  std::string list_error;          // set by the app when listing failed
  bool needs_listing = true;       // the app should (re)list `dir`
  bool filter_supported = true;    // only show supported extensions
  bool show_hidden = false;
  std::vector<std::string> extensions;  // supported extensions
  std::string selected;                 // name within dir
  std::string chosen;                   // full path chosen by Open (the app takes and clears it)

  void open_at(std::string directory);
  void go_to(std::string directory);
};

// Draws the "Open file" modal when state.open. Returns true when a file was chosen.
bool draw_file_browser(FileBrowserState& state);

}  // namespace hp
