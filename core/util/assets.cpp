#include "core/util/assets.h"

#include <cstdlib>
#include <system_error>

namespace hp {

std::filesystem::path assets_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (const char* env = std::getenv("HOTPATH_ASSETS_DIR"); env && *env) return env;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "share" / "hotpath" / "assets";
    if (fs::exists(installed / "kernel_categories.json", ec)) return installed;
  }
  return fs::path(HOTPATH_SOURCE_DIR) / "assets";
}

}  // namespace hp
