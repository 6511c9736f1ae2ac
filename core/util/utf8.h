#pragma once
// One UTF-8 decoder for the importer's validation and the font's glyph ranges: the sequence at a
// byte offset as a code point and its length, rejecting overlong forms, surrogates and values past
// U+10FFFF.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace hp {

struct Utf8Char {
  uint32_t cp = 0;
  size_t len = 0;  // 0: the byte at the offset does not start a valid sequence
};

inline Utf8Char decode_utf8(std::string_view s, size_t i) {
  const auto* u = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char c = u[i];
  if (c < 0x80) return {c, 1};
  const size_t len = (c >= 0xC2 && c <= 0xDF)   ? 2
                     : (c >= 0xE0 && c <= 0xEF) ? 3
                     : (c >= 0xF0 && c <= 0xF4) ? 4
                                                : 0;
  if (!len || i + len > s.size()) return {};
  uint32_t cp = c & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    if ((u[i + k] & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (u[i + k] & 0x3F);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  return {cp, len};
}

}  // namespace hp
