#pragma once
// vLLM KV events (vllm/distributed/kv_events.py), decoded from one msgpack payload of the engine's ZMQ
// publisher: `[timestamp_seconds, [event, ...], dp_rank_or_nil]`. An event is either positional (up to
// about v0.23: `["BlockStored", [hash...], parent, [token...], block_size, lora_id, medium, ...]`,
// `["BlockRemoved", [hash...], medium, ...]`, `["AllBlocksCleared"]`; trailing fields may be missing) or a
// map with key "type" and named fields (vLLM PR #42892, v0.26). Unknown fields are ignored. A block hash
// is a signed or unsigned 64-bit int (kept as its 64 bits) or a byte string (FNV-1a 64 of its bytes).
// Then the block-level view: blocks alive over time, insert/evict rate, lifetimes Stored -> Removed.
// Pure: no network (capture/kv_events.h subscribes).
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/model/run.h"

namespace hp::kv {

enum class KvEventKind : uint8_t { Stored, Removed, Cleared };

// One block's event (AllBlocksCleared: hash 0).
struct KvBlockEvent {
  Ns ts = 0;  // the batch timestamp, epoch ns
  uint64_t hash = 0;
  KvEventKind kind = KvEventKind::Stored;
  int16_t dp_rank = -1;
};

struct KvEventBatch {
  double ts_s = 0;
  int dp_rank = -1;  // nil -> -1
  std::vector<KvBlockEvent> blocks;
  uint32_t events = 0, unknown = 0;  // events in the payload; of kinds we do not know (skipped)
};

// Throws std::runtime_error("KV event payload (N bytes): <what>") on malformed msgpack or shape.
KvEventBatch decode_kv_batch(const uint8_t* data, size_t size);

// Accumulates block events as they arrive (any order within a batch; batches in sequence order).
class KvBlockTracker {
 public:
  void add(const KvEventBatch& b);
  void add(const KvBlockEvent& e);
  size_t alive() const { return stored_at_.size(); }
  const std::vector<KvBlockEvent>& events() const { return events_; }
  const std::vector<double>& lifetimes_s() const { return lifetimes_s_; }  // Stored -> Removed
  uint64_t clears() const { return clears_; }
  uint64_t removed_unknown() const { return removed_unknown_; }  // Removed without a Stored seen

 private:
  std::unordered_map<uint64_t, Ns> stored_at_;
  std::vector<KvBlockEvent> events_;
  std::vector<double> lifetimes_s_;
  uint64_t clears_ = 0, removed_unknown_ = 0;
};

struct KvBlockView {
  Ns t0 = 0, t1 = 1;
  std::vector<int64_t> alive;         // per bin: blocks alive at its end
  std::vector<double> stored_per_s;   // per bin
  std::vector<double> removed_per_s;  // per bin
  std::vector<Ns> clears;             // AllBlocksCleared times
  std::vector<double> lifetimes_s;    // every Stored -> Removed pair
  double lifetime_p50 = 0, lifetime_p90 = 0, lifetime_p99 = 0;
};
// `events` sorted by time (as KvBlockTracker keeps them); `bins` equal columns over [t0, t1].
KvBlockView kv_block_view(const std::vector<KvBlockEvent>& events, Ns t0, Ns t1, int bins);

}  // namespace hp::kv
