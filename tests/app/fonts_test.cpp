// The window's font atlas takes its glyphs from the loaded run (issue 21 item 5).
#include "app/fonts.h"

#include <imgui.h>

#include <catch2/catch.hpp>
#include <filesystem>

TEST_CASE("fonts: the atlas holds the run's Cyrillic and ligature glyphs", "[fonts]") {
  if (!std::filesystem::exists(hp::font_files()[0].path)) {
    WARN("DejaVu Sans absent; skipped");
    return;
  }
  ImFontAtlas atlas;
  REQUIRE(hp::build_font_atlas(atlas, 15.0f, {0x416, 0x451, 0xFB01}));
  REQUIRE(atlas.Build());
  ImFont* f = atlas.Fonts[0];
  CHECK(f->FindGlyphNoFallback(0x416) != nullptr);   // Ж
  CHECK(f->FindGlyphNoFallback(0x451) != nullptr);   // ё
  CHECK(f->FindGlyphNoFallback(0xFB01) != nullptr);  // ﬁ
  CHECK(f->FindGlyphNoFallback(0x2026) != nullptr);  // … of the interface
  CHECK(f->FindGlyphNoFallback(0x436) == nullptr);   // ж: not used, not built
  // A rebuild for another run replaces the glyph set.
  REQUIRE(hp::build_font_atlas(atlas, 15.0f, {0x436}));
  REQUIRE(atlas.Build());
  CHECK(atlas.Fonts[0]->FindGlyphNoFallback(0x436) != nullptr);
  CHECK(atlas.Fonts[0]->FindGlyphNoFallback(0x416) == nullptr);
}

TEST_CASE("fonts: doctor names the scripts no installed font covers", "[fonts]") {
  auto missing = hp::scripts_without_font();
  REQUIRE_FALSE(missing.empty());
  CHECK(missing.back() == "emoji (Debian's Dear ImGui draws 16-bit characters only)");
  bool cjk_listed = false;
  for (const auto& s : missing) cjk_listed = cjk_listed || s == "CJK (fonts-noto-cjk)";
  CHECK(cjk_listed == !std::filesystem::exists("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"));
}
