#pragma once
// Where tests/CMakeLists.txt builds tests/support/capture_stub.cpp: build/tests/hotpath_capture_stub,
// beside build/hotpath (HOTPATH_BIN). A path, not a compile definition, so that no other test's
// flags depend on it.
#include <filesystem>
#include <string>

namespace hp::test {

inline std::string capture_stub_path() {
  return (std::filesystem::path(HOTPATH_BIN).parent_path() / "tests" / "hotpath_capture_stub").string();
}

}  // namespace hp::test
