#include "core/analysis/glyph_use.h"

#include <algorithm>

namespace hp {

void add_code_points(std::string_view s, std::vector<uint32_t>& out) {
  const auto* u = reinterpret_cast<const unsigned char*>(s.data());
  for (size_t i = 0, n = s.size(); i < n;) {
    unsigned char c = u[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = (c >= 0xC2 && c <= 0xDF)   ? 2
                 : (c >= 0xE0 && c <= 0xEF) ? 3
                 : (c >= 0xF0 && c <= 0xF4) ? 4
                                            : 0;
    if (!len || i + len > n) {
      ++i;
      continue;
    }
    uint32_t cp = c & (0x7F >> len);
    bool ok = true;
    for (size_t k = 1; k < len; ++k) {
      ok = ok && (u[i + k] & 0xC0) == 0x80;
      cp = (cp << 6) | (u[i + k] & 0x3F);
    }
    bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (!ok || overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      ++i;
      continue;
    }
    out.push_back(cp);
    i += len;
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
