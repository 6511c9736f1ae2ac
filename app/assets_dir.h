#pragma once
// Where the program's data files (assets/: kernel categories, fuse catalog) are: $HOTPATH_ASSETS_DIR,
// else assets/ next to the executable or one level up (the build tree), else
// ../share/hotpath/assets (an install), else the source tree's assets/.
#include <filesystem>

namespace hp {

// The first candidate that holds kernel_categories.json; the source tree's path when none does.
std::filesystem::path find_assets_dir();

}  // namespace hp
