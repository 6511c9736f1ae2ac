#include "core/analysis/glyph_use.h"

#include <catch2/catch.hpp>

#include "tests/core/import/import_test_util.h"

TEST_CASE("used_code_points: the non-ASCII characters of a run's names, by script", "[analysis][glyphs]") {
  // Cyrillic, CJK, a ligature (U+FB01), an emoji (U+1F680) and invalid UTF-8 (skipped).
  auto run = hp::test::import_text(
      "{\"traceEvents\":[{\"ph\":\"X\",\"name\":\"\xD0\x96\xD1\x91\",\"cat\":\"\xE6\x97\xA5\",\"pid\":1,"
      "\"tid\":1,\"ts\":1,\"dur\":1},{\"ph\":\"X\",\"name\":\"\xEF\xAC\x81 \xF0\x9F\x9A\x80\",\"pid\":1,"
      "\"tid\":1,\"ts\":3,\"dur\":1}]}");
  std::vector<uint32_t> cps = hp::used_code_points(*run);
  CHECK(cps == std::vector<uint32_t>{0x416, 0x451, 0x65E5, 0xFB01, 0x1F680});
  CHECK(hp::script_of(0x416) == "Cyrillic");
  CHECK(hp::script_of(0x65E5) == "CJK");
  CHECK(hp::script_of(0xFB01) == "Ligatures");
  CHECK(hp::script_of(0x1F680) == "Emoji");
  CHECK(hp::script_of(0xE9) == "Latin");
  std::vector<uint32_t> bad;
  hp::add_code_points("a\xC3(\xE0\x80\xAF\xED\xA0\x80z", bad);  // truncated, overlong, surrogate
  CHECK(bad.empty());
}
