#pragma once
// Helpers for importer tests: import JSON text held in memory, write temporary files.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "core/import/chrome_json.h"
#include "core/import/run_builder.h"

namespace hp::test {

inline std::unique_ptr<Run> import_text(std::string_view json, const ChromeJsonOptions& opts = {},
                                        const std::string& name = "test.json") {
  std::string padded(json);
  padded.append(64, '\0');
  RunBuilder b;
  import_chrome_json(std::string_view(padded.data(), json.size()), name, b, nullptr, opts);
  return b.finish();
}

inline std::filesystem::path temp_file(const std::string& name, std::string_view bytes) {
  auto dir = std::filesystem::temp_directory_path() / "hotpath_import_test";
  std::filesystem::create_directories(dir);
  auto p = dir / name;
  std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return p;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace hp::test
