#pragma once
// The window's font atlas: DejaVu Sans for the interface, with its glyph ranges built from the
// characters the loaded run actually uses, and Debian fonts that cover other scripts merged in
// when installed. Rebuilt when a run loads.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct ImFontAtlas;

namespace hp {

struct FontFile {
  const char* path;
  const char* package;
  std::vector<std::string_view> scripts;  // script_of() names it covers
};
// The fonts hotpath looks for, in merge order (the first one that has a glyph draws it).
const std::vector<FontFile>& font_files();

// Clears `atlas` and adds the interface font at `pixels` (ImGui's built-in font when DejaVu Sans
// is missing) with the glyphs of the interface and the code points `used` (used_code_points of the
// loaded run). Returns false when only the built-in font was available.
bool build_font_atlas(ImFontAtlas& atlas, float pixels, const std::vector<uint32_t>& used);

// Scripts that no installed font covers, each with the package that would ("CJK (fonts-noto-cjk)");
// emoji always fall back (Debian's Dear ImGui draws 16-bit characters only).
std::vector<std::string> scripts_without_font();

}  // namespace hp
