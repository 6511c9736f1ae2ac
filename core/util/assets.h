#pragma once
// Where the data files (kernel categories, fuse catalog, metric map, samples) are found:
// $HOTPATH_ASSETS_DIR, else <executable>/../share/hotpath/assets (installed), else the source tree.
#include <filesystem>

namespace hp {

std::filesystem::path assets_dir();

}  // namespace hp
