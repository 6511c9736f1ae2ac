#pragma once
// Shared by the timing-analysis tests: the built-in categorizer and loading a fixture.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/analysis/kernel_category.h"
#include "core/import/registry.h"

namespace hp::test {

inline const KernelCategorizer& builtin_categorizer() {
  static const KernelCategorizer c = KernelCategorizer::load_builtin(HOTPATH_ASSETS_DIR);
  return c;
}

inline std::unique_ptr<Run> load_trace(const std::vector<std::string>& paths) {
  register_builtin_importers();
  LoadProgress progress;
  std::vector<std::filesystem::path> in(paths.begin(), paths.end());
  return load_inputs(in, progress);
}

inline std::string kineto_data(const std::string& file) {
  return HOTPATH_TEST_DATA "/kineto/" + file;
}

}  // namespace hp::test
