// The KV-event subscriber against a publisher speaking vLLM's wire format on 127.0.0.1: both encodings,
// a gap refilled from the replay socket, malformed messages counted, and the ingest rate.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "capture/kv_events.h"
#include "support/kv_publisher.h"

using namespace hp;
using hp::capture::KvEventSubscriber;
using hp::test::KvPublisher;
using hp::test::KvTestEvent;
using hp::test::pack_kv_batch;

namespace {
// Waits until `pred` holds on a snapshot, at most 5 s.
template <class Pred>
KvEventSubscriber::Snapshot wait_for(const KvEventSubscriber& s, Pred pred) {
  for (int i = 0; i < 500; ++i) {
    auto snap = s.snapshot();
    if (pred(snap)) return snap;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return s.snapshot();
}

// PUB/SUB joins asynchronously: publish a probe until the subscriber has seen one.
void join(KvPublisher& pub, KvEventSubscriber& sub) {
  for (int i = 0; i < 200 && sub.snapshot().stats.messages == 0; ++i) {
    pub.publish(pack_kv_batch(0, {}, false));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}
}  // namespace

TEST_CASE("kv events live: stored/removed per hash, a gap refilled from the replay socket", "[kv_events]") {
  KvPublisher pub;
  KvEventSubscriber sub({pub.endpoint(), pub.replay_endpoint(), "kv", 2000});
  sub.start();
  join(pub, sub);
  const uint64_t probes = sub.snapshot().stats.messages;
  REQUIRE(probes > 0);
  pub.publish(pack_kv_batch(100.0, {{"BlockStored", {1, 2, 3}, {}}}, false));
  pub.publish(pack_kv_batch(101.0, {{"BlockRemoved", {1}, {}}}, true), /*drop=*/true);  // lost on PUB
  pub.publish(pack_kv_batch(102.0, {{"BlockStored", {4}, {}}}, true), /*drop=*/true);
  pub.publish(pack_kv_batch(103.0, {{"BlockRemoved", {2, 4}, {}}}, true));
  auto snap = wait_for(sub, [](const auto& s) { return s.stats.block_events >= 7; });
  sub.stop();
  CHECK(snap.stats.gaps == 1);
  CHECK(snap.stats.missed == 2);
  CHECK(snap.stats.refilled == 2);
  CHECK(snap.stats.bad == 0);
  CHECK(snap.stats.block_events == 7);
  CHECK(snap.alive == 1);  // block 3
  // Lifetimes in sequence order: 1 (100 -> 101 s), 2 (100 -> 103 s), 4 (102 -> 103 s).
  CHECK(snap.lifetimes_s == std::vector<double>{1, 3, 1});
}

TEST_CASE("kv events live: without a replay socket a gap is counted as missed", "[kv_events]") {
  KvPublisher pub;
  KvEventSubscriber sub({pub.endpoint(), "", "", 200});
  sub.start();
  join(pub, sub);
  pub.publish(pack_kv_batch(1, {{"BlockStored", {7}, {}}}, false), true);
  pub.publish(pack_kv_batch(2, {{"AllBlocksCleared", {}, {}}}, false));
  pub.publish_frames({"kv", "short", "x"});  // not an 8-byte sequence
  auto snap = wait_for(sub, [](const auto& s) { return s.clears == 1 && s.stats.bad == 1; });
  sub.stop();
  CHECK(snap.stats.gaps == 1);
  CHECK(snap.stats.missed == 1);
  CHECK(snap.stats.refilled == 0);
  CHECK(snap.clears == 1);
  CHECK(snap.stats.bad == 1);
  CHECK(snap.stats.last_error.find("3 frames") != std::string::npos);
}

TEST_CASE("kv events live: ingest rate with 100 block events per message", "[kv_events][.bench]") {
  KvPublisher pub;
  KvEventSubscriber sub({pub.endpoint(), pub.replay_endpoint(), "", 2000});
  sub.start();
  join(pub, sub);
  std::vector<KvTestEvent> batch(1);
  batch[0].kind = "BlockStored";
  for (int64_t h = 0; h < 100; ++h) batch[0].hashes.push_back(h);
  const std::string payload = pack_kv_batch(1, batch, true);
  const int kMessages = 20000;  // 2M block events
  const uint64_t before = sub.stats().block_events;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kMessages; ++i) pub.publish(payload);
  for (int i = 0; i < 6000 && sub.stats().block_events < before + 100ull * kMessages; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto snap = sub.snapshot();
  sub.stop();
  CHECK(snap.stats.block_events == before + 100ull * kMessages);
  CHECK(snap.stats.missed == 0);
  WARN("KV events ingested: " << (100.0 * kMessages / s) << " block events/s (" << kMessages / s
                              << " messages/s)");
}
