#include "core/analysis/glyph_use.h"

#include <algorithm>

#include "core/util/utf8.h"

namespace hp {

void add_code_points(std::string_view s, std::vector<uint32_t>& out) {
  for (size_t i = 0; i < s.size();) {
    const Utf8Char ch = decode_utf8(s, i);
    if (!ch.len) {
      ++i;
      continue;
    }
    if (ch.cp >= 0x80) out.push_back(ch.cp);
    i += ch.len;
  }
}

std::vector<uint32_t> used_code_points(const Run& run) {
  std::vector<uint32_t> out;
  for (StrId id = 0; id < run.strings.size(); ++id) add_code_points(run.str(id), out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string_view script_of(uint32_t cp) {
  struct Range {
    uint32_t first, last;
    std::string_view name;
  };
  static constexpr Range kRanges[] = {
      {0x0080, 0x024F, "Latin"},   {0x0250, 0x02FF, "Latin"},     {0x0300, 0x036F, "Latin"},
      {0x0370, 0x03FF, "Greek"},   {0x0400, 0x052F, "Cyrillic"},  {0x0530, 0x058F, "Armenian"},
      {0x0590, 0x05FF, "Hebrew"},  {0x0600, 0x06FF, "Arabic"},    {0x0900, 0x097F, "Devanagari"},
      {0x0E00, 0x0E7F, "Thai"},    {0x1100, 0x11FF, "Hangul"},    {0x1E00, 0x1EFF, "Latin"},
      {0x1F00, 0x1FFF, "Greek"},   {0x2000, 0x25FF, "Symbols"},   {0x2600, 0x27BF, "Emoji"},
      {0x27C0, 0x2BFF, "Symbols"}, {0x2E80, 0x30FF, "CJK"},       {0x3130, 0x318F, "Hangul"},
      {0x3400, 0x4DBF, "CJK"},     {0x4E00, 0x9FFF, "CJK"},       {0xAC00, 0xD7AF, "Hangul"},
      {0xF900, 0xFAFF, "CJK"},     {0xFB00, 0xFB4F, "Ligatures"}, {0xFF00, 0xFFEF, "CJK"},
      {0x1F000, 0x1FAFF, "Emoji"},
  };
  for (const Range& r : kRanges)
    if (cp >= r.first && cp <= r.last) return r.name;
  return "Other";
}

}  // namespace hp
