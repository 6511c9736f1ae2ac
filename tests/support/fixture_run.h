#pragma once
// Loading real trace fixtures in tests: small ones from tests/data/kineto, large ones from the shared
// fixtures (absent on some machines: fixture_path returns "" and the test WARNs and returns).
#include <filesystem>
#include <memory>
#include <string>

#include "core/import/registry.h"

namespace hp::test {

inline std::filesystem::path kineto_fixture(const std::string& file) {
  auto local = std::filesystem::path(HOTPATH_TEST_DATA) / "kineto" / file;
  if (std::filesystem::exists(local)) return local;
  auto shared = std::filesystem::path(HOTPATH_SHARED_FIXTURES) / "kineto_traces" / file;
  if (std::filesystem::exists(shared)) return shared;
  return {};
}

inline std::unique_ptr<Run> load_fixture(const std::filesystem::path& path) {
  LoadProgress progress;
  return load_inputs({path}, progress);
}

}  // namespace hp::test
