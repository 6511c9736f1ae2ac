// vLLM KV-event payloads in both encodings (documented shape: reference kv-and-experts.md §2.3; no real
// capture is public), hostile payloads, and the block-level view.
#include <catch2/catch.hpp>

#include <random>

#include "core/kv/kv_events.h"
#include "support/kv_publisher.h"

using namespace hp;
using namespace hp::kv;
using hp::test::KvTestEvent;
using hp::test::pack_kv_batch;

namespace {
KvEventBatch decode(const std::string& s) {
  return decode_kv_batch(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
const std::vector<KvTestEvent> kEvents = {
    {"BlockStored", {11, -5}, {}}, {"BlockStored", {}, {std::string("\x01\x02\x03", 3)}},
    {"BlockRemoved", {11}, {}},    {"Unknown", {}, {}},
    {"AllBlocksCleared", {}, {}},
};
}  // namespace

TEST_CASE("kv events: positional and map encodings decode to the same blocks", "[kv][kv_events]") {
  for (bool as_map : {false, true}) {
    KvEventBatch b = decode(pack_kv_batch(1700000000.25, kEvents, as_map, 3));
    CHECK(b.ts_s == 1700000000.25);
    CHECK(b.dp_rank == 3);
    CHECK(b.events == 5);
    CHECK(b.unknown == 1);
    REQUIRE(b.blocks.size() == 5);
    CHECK(b.blocks[0].hash == 11);
    CHECK(b.blocks[0].kind == KvEventKind::Stored);
    CHECK(b.blocks[0].ts == 1700000000250000000);
    CHECK(b.blocks[1].hash == static_cast<uint64_t>(-5));  // signed hashes keep their 64 bits
    CHECK(b.blocks[2].kind == KvEventKind::Stored);        // bytes hash: FNV-1a 64 of 01 02 03
    CHECK(b.blocks[2].hash == 0xa094014f35a4929dull);
    CHECK(b.blocks[3].kind == KvEventKind::Removed);
    CHECK(b.blocks[4].kind == KvEventKind::Cleared);
  }
  CHECK(decode(pack_kv_batch(1, {}, false)).dp_rank == -1);  // nil dp rank
}

TEST_CASE("kv events: hostile payloads are errors, never crashes", "[kv][kv_events]") {
  CHECK_THROWS_WITH(decode(""), Catch::Contains("KV event payload (0 bytes)"));
  CHECK_THROWS_WITH(decode("\x92\xcb"), Catch::Contains("not msgpack"));  // truncated float
  CHECK_THROWS_WITH(decode("\x92\xa1x\x90"), Catch::Contains("timestamp is not a number"));
  CHECK_THROWS_WITH(decode("\x92\x01\x01"), Catch::Contains("events is not an array"));
  CHECK_THROWS_WITH(decode("\x92\x01\x91\x92\xab"
                           "BlockStored\x01"),
                    Catch::Contains("block_hashes is not an array"));
  CHECK_THROWS_WITH(decode("\x92\x01\x91\x91\xac"
                           "BlockRemoved"),
                    Catch::Contains("has no block_hashes"));
  // Fuzz: truncations and random byte flips of a valid payload throw or decode, nothing else.
  const std::string good = pack_kv_batch(12.5, kEvents, true, 0);
  std::mt19937 rng(7);
  size_t threw = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string s = good.substr(0, rng() % (good.size() + 1));
    if (!s.empty() && i % 2) s[rng() % s.size()] = static_cast<char>(rng());
    try {
      decode(s);
    } catch (const std::runtime_error&) {
      ++threw;
    }
  }
  CHECK(threw > 1000);
}

TEST_CASE("kv events: blocks alive, insert/evict rate and lifetimes Stored -> Removed", "[kv][kv_events]") {
  // t=0: store 1,2,3; t=1 s: remove 1 (lifetime 1 s); t=2 s: remove 2 (2 s), remove 99 (never stored);
  // t=3 s: cleared; t=3.5 s: store 4.
  auto ev = [](double t, uint64_t h, KvEventKind k) {
    return KvBlockEvent{static_cast<Ns>(t * 1e9), h, k, -1};
  };
  std::vector<KvBlockEvent> e = {ev(0, 1, KvEventKind::Stored),  ev(0, 2, KvEventKind::Stored),
                                 ev(0, 3, KvEventKind::Stored),  ev(1, 1, KvEventKind::Removed),
                                 ev(2, 2, KvEventKind::Removed), ev(2, 99, KvEventKind::Removed),
                                 ev(3, 0, KvEventKind::Cleared), ev(3.5, 4, KvEventKind::Stored)};
  KvBlockTracker t;
  for (const auto& x : e) t.add(x);
  CHECK(t.alive() == 1);
  CHECK(t.clears() == 1);
  CHECK(t.removed_unknown() == 1);
  CHECK(t.lifetimes_s() == std::vector<double>{1, 2});
  KvBlockView v = kv_block_view(e, 0, 4'000'000'000, 4);
  CHECK(v.alive == std::vector<int64_t>{3, 2, 1, 1});  // at the end of each 1-s bin
  CHECK(v.stored_per_s == std::vector<double>{3, 0, 0, 1});
  CHECK(v.removed_per_s == std::vector<double>{0, 1, 2, 0});
  CHECK(v.clears.size() == 1);
  CHECK(v.lifetime_p50 == 2);
}
