#include "core/analysis/asset_json.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace hp {

AssetError::AssetError(const std::string& file, uint64_t offset, const std::string& what)
    : std::runtime_error(fmt::format("{}: byte {}: {}", file, offset, what)), file_(file), offset_(offset) {}

nlohmann::json parse_asset_json(std::string_view text, const std::string& origin) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann reports the 1-based position of the offending byte.
    uint64_t offset = e.byte > 0 ? e.byte - 1 : 0;
    throw AssetError(origin, offset, fmt::format("invalid JSON ({})", e.what()));
  }
}

uint64_t array_element_offset(std::string_view text, std::string_view key, size_t index) {
  // A scan over valid JSON (it parsed already): strings are skipped whole, depth counts brackets.
  int depth = 0;
  bool in_array = false;  // inside the wanted top-level array (at depth 2)
  size_t element = 0;
  bool expect_value = false;  // in the wanted array, right after '[' or ','
  std::string_view last_key;  // the last string seen at depth 1
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (in_array && depth == 2 && expect_value && c != ']') {
      if (element == index) return i;
      expect_value = false;
    }
    if (c == '"') {
      size_t b = i + 1;
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
      if (depth == 1) last_key = text.substr(b, i - b);
    } else if (c == '{' || c == '[') {
      ++depth;
      if (depth == 2 && c == '[' && last_key == key) in_array = true, expect_value = true, element = 0;
    } else if (c == '}' || c == ']') {
      if (depth == 2 && in_array) return 0;  // the array ended before `index`
      --depth;
    } else if (c == ',' && in_array && depth == 2) {
      ++element;
      expect_value = true;
    }
  }
  return 0;
}

std::string read_asset_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw AssetError(file.string(), 0, "cannot open file");
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) throw AssetError(file.string(), 0, "read error");
  return std::move(buf).str();
}

nlohmann::json read_asset_json(const std::filesystem::path& file) {
  return parse_asset_json(read_asset_text(file), file.string());
}

std::string required_string(const nlohmann::json& obj, const char* key, const std::string& origin,
                            const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
    throw AssetError(origin, 0, fmt::format("{}.{}: missing or not a non-empty string", where, key));
  return it->get<std::string>();
}

std::string optional_string(const nlohmann::json& obj, const char* key, const std::string& origin,
                            const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) throw AssetError(origin, 0, fmt::format("{}.{}: not a string", where, key));
  return it->get<std::string>();
}

const nlohmann::json& required_array(const nlohmann::json& obj, const char* key, const std::string& origin,
                                     const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array())
    throw AssetError(origin, 0, fmt::format("{}.{}: missing or not an array", where, key));
  return *it;
}

}  // namespace hp
