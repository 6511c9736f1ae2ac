#pragma once
// Live vLLM KV events: subscribes to the engine's ZMQ publisher (`--kv-events-config` endpoint, PUB) and
// keeps every BlockStored / BlockRemoved / AllBlocksCleared per block hash with its time
// (core/kv/kv_events.h). Wire: multipart [topic, 8-byte big-endian sequence number, msgpack payload].
// A jump in the sequence numbers is a gap (ZMQ PUB drops on slow subscribers); with a replay endpoint
// (ROUTER) the missing range is asked for — [empty, 8-byte start seq] — and refilled from the
// [empty, seq, payload] replies up to the terminator seq -1. A small class: start / stop / snapshot, for
// serve-profile --kv-events.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/kv/kv_events.h"

namespace hp::capture {

class KvEventSubscriber {
 public:
  struct Options {
    std::string endpoint;         // tcp://HOST:PORT of the publisher
    std::string replay_endpoint;  // "" = no refill
    std::string topic;            // subscription prefix ("" = all)
    int replay_timeout_ms = 1000;
  };
  struct Stats {
    uint64_t messages = 0;      // live messages received
    uint64_t block_events = 0;  // block events kept (live and refilled)
    uint64_t gaps = 0;          // sequence jumps seen
    uint64_t missed = 0;        // messages in the gaps
    uint64_t refilled = 0;      // of them, recovered from the replay socket
    uint64_t bad = 0;           // messages that did not decode (wrong frames or payload)
    int64_t last_seq = -1;
    std::string last_error;
  };
  struct Snapshot {
    Stats stats;
    std::vector<kv::KvBlockEvent> events;  // in arrival order (sequence order after refill)
    size_t alive = 0;
    std::vector<double> lifetimes_s;
    uint64_t clears = 0;
  };

  explicit KvEventSubscriber(Options o);
  ~KvEventSubscriber();
  KvEventSubscriber(const KvEventSubscriber&) = delete;
  KvEventSubscriber& operator=(const KvEventSubscriber&) = delete;

  // Connects and starts the receiving thread; throws std::runtime_error on a bad endpoint.
  void start();
  void stop();
  Snapshot snapshot() const;  // copies every event kept
  Stats stats() const;        // the counters alone (cheap, for polling)
  // The events kept after the first `from` (a capture's pump: only what is new since its last call).
  std::vector<kv::KvBlockEvent> events_since(size_t from) const;

 private:
  struct Zmq;
  void run();
  void accept(int64_t seq, const void* payload, size_t size);
  void refill(int64_t from, int64_t to);

  Options opt_;
  std::unique_ptr<Zmq> zmq_;
  std::atomic<bool> running_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  kv::KvBlockTracker tracker_;
  Stats stats_;
};

}  // namespace hp::capture
