#pragma once
// A fresh, empty directory per test process and name under the system temp directory.
#include <unistd.h>

#include <filesystem>
#include <string>

namespace hp::test {

inline std::filesystem::path fresh_temp_dir(const std::string& suite, const std::string& name) {
  std::filesystem::path p = std::filesystem::temp_directory_path() /
                            ("hotpath_" + suite + "_" + std::to_string(::getpid()) + "_" + name);
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

}  // namespace hp::test
