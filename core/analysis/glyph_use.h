#pragma once
// The characters a run's strings use beyond ASCII, and the script of each: the window builds its
// font atlas from them (so Cyrillic, CJK or ligature names draw instead of '?'), and doctor says
// which scripts no installed font covers.
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/model/run.h"

namespace hp {

// Every code point >= 0x80 in the run's strings (names, categories, process and thread names),
// sorted and unique. Invalid UTF-8 is skipped.
std::vector<uint32_t> used_code_points(const Run& run);
// Same, for one text.
void add_code_points(std::string_view utf8, std::vector<uint32_t>& out);

// "Latin", "Greek", "Cyrillic", "Armenian", "Hebrew", "Arabic", "Devanagari", "Thai", "Hangul",
// "CJK", "Ligatures", "Symbols", "Emoji" or "Other".
std::string_view script_of(uint32_t cp);

}  // namespace hp
