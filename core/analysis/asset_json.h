#pragma once
// Reading the JSON data files in assets/ (kernel-category rules, fuse-pattern catalog) with errors
// that name the file, the byte offset and the problem.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hp {

// A broken asset file. The message reads "<file>: byte <offset>: <what>".
class AssetError : public std::runtime_error {
 public:
  AssetError(const std::string& file, uint64_t offset, const std::string& what);
  const std::string& file() const { return file_; }
  uint64_t offset() const { return offset_; }

 private:
  std::string file_;
  uint64_t offset_;
};

// Parses JSON text; `origin` names the text in errors (a path, or "<string>").
nlohmann::json parse_asset_json(std::string_view text, const std::string& origin);
// Reads a whole file. Throws AssetError when it cannot be read.
std::string read_asset_text(const std::filesystem::path& file);
// Reads and parses a file. Throws AssetError when it cannot be read or is not valid JSON.
nlohmann::json read_asset_json(const std::filesystem::path& file);

// Byte offset of element `index` of the array under the top-level key `key` in JSON `text`
// (for errors about an element that parsed but is wrong). 0 when it cannot be found.
uint64_t array_element_offset(std::string_view text, std::string_view key, size_t index);

// Field access that throws AssetError naming the JSON path ("rules[3].regex") on a missing or
// mistyped field. `where` is the path of `obj`.
std::string required_string(const nlohmann::json& obj, const char* key, const std::string& origin,
                            const std::string& where);
std::string optional_string(const nlohmann::json& obj, const char* key, const std::string& origin,
                            const std::string& where);
const nlohmann::json& required_array(const nlohmann::json& obj, const char* key, const std::string& origin,
                                     const std::string& where);

}  // namespace hp
