#pragma once
// Where the data assets (kernel_categories.json, fuse_patterns.json, ...) live for the CLI.
#include <filesystem>
#include <memory>
#include <optional>

#include "core/analysis/kernel_category.h"

namespace hp {

// First that holds kernel_categories.json: $HOTPATH_ASSETS_DIR, <exe dir>/assets,
// <exe dir>/../share/hotpath/assets, then the source tree's assets/ (build-time path).
std::optional<std::filesystem::path> find_assets_dir();

// The built-in kernel categories from find_assets_dir(), or null after printing why not.
std::unique_ptr<KernelCategorizer> load_cli_categorizer();

}  // namespace hp
