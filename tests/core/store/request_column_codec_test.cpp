#include "core/store/request_column_codec.h"

#include <catch2/catch.hpp>

#include "core/model/load_status.h"

using namespace hp;
using namespace hp::serving;

namespace {

RequestColumns two_requests() {
  std::vector<RequestRecord> rows(2);
  rows[0].request_id = "a-long-request-id-that-does-not-fit-sso";
  rows[0].sent_ns = 1'000;
  rows[0].token_chunk_ns = {1'100, 1'250, 1'400};
  rows[1].request_id = "b";
  rows[1].endpoint = "/v1/completions";
  rows[1].sent_ns = 2'000;
  rows[1].status = RequestStatus::Timeout;
  return to_columns(rows);
}

std::map<std::string, EncodedColumn> by_name(std::vector<EncodedColumn> v) {
  std::map<std::string, EncodedColumn> m;
  for (auto& c : v) m[c.name] = std::move(c);
  return m;
}

}  // namespace

TEST_CASE("request columns: round trip through records, columns and zstd frames", "[request_columns]") {
  auto cols = by_name(encode_request_columns(two_requests()));
  CHECK(cols.at("sent_ns").codec == "zstd-delta64");
  CHECK(cols.at("status").codec == "zstd");
  CHECK(cols.at("request_id.chars").raw_bytes == 40);
  std::vector<RequestRecord> back = to_records(decode_request_columns(cols, 2, "f.hotpath"));
  REQUIRE(back.size() == 2);
  CHECK(back[0].request_id == "a-long-request-id-that-does-not-fit-sso");
  CHECK(back[0].token_chunk_ns == std::vector<int64_t>{1'100, 1'250, 1'400});
  CHECK(back[1].request_id == "b");
  CHECK(back[1].endpoint == "/v1/completions");
  CHECK(back[1].token_chunk_ns.empty());
  CHECK(back[1].status == RequestStatus::Timeout);
  CHECK(back[1].index == 1);
}

TEST_CASE("request columns: inconsistent columns are rejected, naming the column", "[request_columns]") {
  auto good = by_name(encode_request_columns(two_requests()));
  SECTION("a row count that does not match") {
    CHECK_THROWS_WITH(decode_request_columns(good, 3, "f.hotpath"),
                      Catch::Contains("f.hotpath") && Catch::Contains("column scheduled_ns: wrong length"));
  }
  SECTION("string offsets past the characters") {
    auto bad = good;
    bad["request_id.chars"] = by_name(encode_request_columns(to_columns({RequestRecord{}, RequestRecord{}})))
                                  .at("request_id.chars");
    CHECK_THROWS_WITH(decode_request_columns(bad, 2, "f"),
                      Catch::Contains("column request_id.end: offsets do not end at the stored data"));
  }
  SECTION("an enum value out of range") {
    RequestColumns c = two_requests();
    c.status[1] = static_cast<RequestStatus>(42);
    CHECK_THROWS_WITH(decode_request_columns(by_name(encode_request_columns(c)), 2, "f"),
                      Catch::Contains("column status: value out of range"));
  }
  SECTION("an unknown codec") {
    auto bad = good;
    bad["warmup"].codec = "lz4";
    CHECK_THROWS_AS(decode_request_columns(bad, 2, "f"), ImportError);
  }
}
