#include <catch2/catch.hpp>

#include "core/experts/zip_reader.h"
#include "core/model/load_status.h"
#include "tests/core/experts/experts_test_data.h"

using namespace hp::experts;
using hp::experts::test::slurp;

TEST_CASE("zip: stored and deflated torch archives", "[experts][zip]") {
  const std::string stored = slurp("expert_distribution_recorder_1752852772.pt");
  ZipReader z(stored, "s.pt");
  REQUIRE(z.entries().size() == 4);
  const ZipEntry* v = z.find("expert_distribution_recorder_1752852772/version");
  REQUIRE(v);
  CHECK(v->method == 0);
  CHECK(z.read(*v) == "3\n");
  const std::string deflated = slurp("expert_distribution_recorder_1752852772_0.pt");
  ZipReader d(deflated, "d.pt");
  const ZipEntry* bo = d.find("archive/byteorder");
  REQUIRE(bo);
  CHECK(bo->method == 8);
  CHECK(d.read(*bo) == "little");
}

TEST_CASE("zip: no end record, bad signatures", "[experts][zip]") {
  CHECK_THROWS_WITH(ZipReader("PK\x03\x04", "a.zip"),
                    Catch::Contains("a.zip: byte 0: zip archive is truncated"));
  CHECK_THROWS_WITH(ZipReader(std::string(100, 'x'), "b.zip"),
                    Catch::Contains("b.zip: byte 100: zip archive has no end-of-central-directory record"));
  std::string s = slurp("expert_distribution_recorder_1752852772.pt");
  const size_t dir = s.find("PK\x01\x02");
  REQUIRE(dir != std::string::npos);
  s[dir + 2] = 9;
  CHECK_THROWS_WITH(ZipReader(s, "c.zip"),
                    Catch::Contains("byte " + std::to_string(dir) + ": zip central directory"));
}
