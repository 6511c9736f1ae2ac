#include "app/fonts.h"

#include <imgui.h>

#include <filesystem>

#include "core/analysis/glyph_use.h"

namespace hp {
namespace {

bool installed(const char* path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

bool covers(const FontFile& f, std::string_view script) {
  for (auto s : f.scripts)
    if (s == script) return true;
  return false;
}

}  // namespace

const std::vector<FontFile>& font_files() {
  static const std::vector<FontFile> kFiles = {
      {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
       "fonts-dejavu-core",
       {"Latin", "Greek", "Cyrillic", "Armenian", "Hebrew", "Arabic", "Ligatures", "Symbols"}},
      {"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "fonts-noto-cjk", {"CJK", "Hangul"}},
      {"/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf", "fonts-noto-core", {"Devanagari"}},
      {"/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf", "fonts-noto-core", {"Thai"}},
  };
  return kFiles;
}

bool build_font_atlas(ImFontAtlas& atlas, float pixels, const std::vector<uint32_t>& used) {
  atlas.Clear();
  const auto& files = font_files();
  if (!installed(files[0].path)) {
    ImFontConfig cfg;
    cfg.SizePixels = pixels;
    atlas.AddFontDefault(&cfg);
    return false;
  }
  // Latin-1, the symbols the panels draw (ellipsis, arrows, triangles, micro sign), and the run's.
  ImFontGlyphRangesBuilder b;
  b.AddRanges(atlas.GetGlyphRangesDefault());
  b.AddText("…→←↑↓▶▼·µ—–×≤≥Δ");
  for (uint32_t cp : used)
    if (cp <= IM_UNICODE_CODEPOINT_MAX) b.AddChar(static_cast<ImWchar>(cp));
  // The atlas keeps a pointer to the ranges until it is cleared: they live as long as the atlas's
  // next rebuild, in a static (one atlas per process).
  static ImVector<ImWchar> ranges;
  ranges.clear();
  b.BuildRanges(&ranges);
  atlas.AddFontFromFileTTF(files[0].path, pixels, nullptr, ranges.Data);
  // Other installed fonts fill in the glyphs DejaVu lacks (a merged font never replaces a glyph).
  for (size_t i = 1; i < files.size(); ++i) {
    if (!installed(files[i].path)) continue;
    bool needed = false;
    for (uint32_t cp : used) needed = needed || covers(files[i], script_of(cp));
    if (!needed) continue;
    ImFontConfig cfg;
    cfg.MergeMode = true;
    atlas.AddFontFromFileTTF(files[i].path, pixels, &cfg, ranges.Data);
  }
  return true;
}

std::vector<std::string> scripts_without_font() {
  std::vector<std::string> out;
  for (std::string_view script :
       {"Cyrillic", "Greek", "Hebrew", "Arabic", "Ligatures", "CJK", "Hangul", "Devanagari", "Thai"}) {
    const FontFile* any = nullptr;
    const FontFile* have = nullptr;
    for (const auto& f : font_files())
      if (covers(f, script)) {
        if (!any) any = &f;
        if (!have && installed(f.path)) have = &f;
      }
    if (!have)
      out.push_back(std::string(script) + " (" + (any ? any->package : "no Debian font known") + ")");
  }
  out.push_back("emoji (Debian's Dear ImGui draws 16-bit characters only)");
  return out;
}

}  // namespace hp
