#include "app/assets_dir.h"

#include "core/analysis/asset_json.h"

#include <cstdlib>
#include <iostream>
#include <vector>

namespace hp {

std::optional<std::filesystem::path> find_assets_dir() {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("HOTPATH_ASSETS_DIR"); env && *env) candidates.emplace_back(env);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path() / "assets");
    candidates.push_back(exe.parent_path().parent_path() / "share" / "hotpath" / "assets");
  }
#ifdef HOTPATH_SOURCE_ASSETS_DIR
  candidates.emplace_back(HOTPATH_SOURCE_ASSETS_DIR);
#endif
  for (const auto& c : candidates)
    if (fs::exists(c / "kernel_categories.json", ec)) return c;
  return std::nullopt;
}

// The built-in kernel categories, or null after printing why not.
std::unique_ptr<KernelCategorizer> load_cli_categorizer() {
  auto dir = find_assets_dir();
  if (!dir) {
    std::cerr
        << "hotpath: cannot find the assets directory (kernel_categories.json); set HOTPATH_ASSETS_DIR\n";
    return nullptr;
  }
  try {
    return std::make_unique<KernelCategorizer>(KernelCategorizer::load_builtin(*dir));
  } catch (const AssetError& e) {
    std::cerr << "hotpath: " << e.what() << '\n';
    return nullptr;
  }
}

}  // namespace hp
