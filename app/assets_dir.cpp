#include "app/assets_dir.h"

#include <cstdlib>
#include <system_error>
#include <vector>

namespace hp {

std::filesystem::path find_assets_dir() {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("HOTPATH_ASSETS_DIR"); env && *env) candidates.emplace_back(env);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path dir = exe.parent_path();
    candidates.push_back(dir / "assets");
    candidates.push_back(dir.parent_path() / "assets");
    candidates.push_back(dir.parent_path() / "share" / "hotpath" / "assets");
  }
  fs::path source = fs::path(HOTPATH_SOURCE_DIR) / "assets";
  candidates.push_back(source);
  for (const auto& c : candidates)
    if (fs::exists(c / "kernel_categories.json", ec)) return c;
  return source;
}

}  // namespace hp
