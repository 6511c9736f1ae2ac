#include "app/dir_listing.h"

#include <filesystem>
#include <system_error>

namespace hp {

void list_directory(FileBrowserState& st) {
  namespace fs = std::filesystem;
  st.needs_listing = false;
  st.entries.clear();
  st.list_error.clear();
  std::error_code ec;
  fs::path dir(st.dir.empty() ? "." : st.dir);
  if (fs::is_regular_file(dir, ec)) {
    st.chosen = dir.string();
    st.go_to(dir.parent_path().string());
    st.needs_listing = true;
    return;
  }
  fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    st.list_error = st.dir + ": " + ec.message();
    return;
  }
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) {
      st.list_error = st.dir + ": " + ec.message();
      break;
    }
    FileEntry e;
    e.name = it->path().filename().string();
    std::error_code e2;
    e.is_dir = it->is_directory(e2);
    if (!e.is_dir) e.size = it->file_size(e2);
    if (e2) e.size = 0;
    st.entries.push_back(std::move(e));
  }
  sort_entries(st.entries);
}

}  // namespace hp
