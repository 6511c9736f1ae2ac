#pragma once
// Find slices by name: case-insensitive substring, or an RE2 regular expression.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/run.h"

namespace hp {

struct SearchResult {
  std::vector<uint32_t> slices;  // sorted by slice id
  uint32_t names_matched = 0;
  std::string error;  // a bad regex: the parser's message; slices is empty then
};

SearchResult search_slices(const Run& run, std::string_view query, bool regex);

}  // namespace hp
