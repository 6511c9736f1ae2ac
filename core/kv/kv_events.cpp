#include "core/kv/kv_events.h"

#define MSGPACK_NO_BOOST 1
#include <msgpack.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

namespace hp::kv {
namespace {

[[noreturn]] void fail(size_t size, const std::string& what) {
  throw std::runtime_error(fmt::format("KV event payload ({} bytes): {}", size, what));
}

std::string_view str_of(const msgpack::object& o) {
  if (o.type == msgpack::type::STR) return {o.via.str.ptr, o.via.str.size};
  if (o.type == msgpack::type::BIN) return {o.via.bin.ptr, o.via.bin.size};
  return {};
}

bool hash_of(const msgpack::object& o, uint64_t& h) {
  switch (o.type) {
    case msgpack::type::POSITIVE_INTEGER:
      h = o.via.u64;
      return true;
    case msgpack::type::NEGATIVE_INTEGER:
      h = static_cast<uint64_t>(o.via.i64);
      return true;
    case msgpack::type::BIN:
    case msgpack::type::STR: {
      uint64_t x = 1469598103934665603ull;
      for (char c : str_of(o)) x = (x ^ static_cast<uint8_t>(c)) * 1099511628211ull;
      h = x;
      return true;
    }
    default:
      return false;
  }
}

double number_of(const msgpack::object& o, size_t size, const char* what) {
  switch (o.type) {
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      return o.via.f64;
    case msgpack::type::POSITIVE_INTEGER:
      return static_cast<double>(o.via.u64);
    case msgpack::type::NEGATIVE_INTEGER:
      return static_cast<double>(o.via.i64);
    default:
      fail(size, std::string(what) + " is not a number");
  }
}

void add_hashes(const msgpack::object& list, KvEventKind kind, Ns ts, int dp, size_t size,
                KvEventBatch& out) {
  if (list.type != msgpack::type::ARRAY) fail(size, "block_hashes is not an array");
  for (uint32_t i = 0; i < list.via.array.size; ++i) {
    uint64_t h = 0;
    if (!hash_of(list.via.array.ptr[i], h)) fail(size, "a block hash is neither an int nor bytes");
    out.blocks.push_back({ts, h, kind, static_cast<int16_t>(dp)});
  }
}

}  // namespace

KvEventBatch decode_kv_batch(const uint8_t* data, size_t size) {
  msgpack::object_handle oh;
  try {
    oh = msgpack::unpack(reinterpret_cast<const char*>(data), size);
  } catch (const std::exception& e) {
    fail(size, std::string("not msgpack (") + e.what() + ")");
  }
  const msgpack::object& root = oh.get();
  if (root.type != msgpack::type::ARRAY || root.via.array.size < 2)
    fail(size, "not an array [ts, events, dp_rank]");
  KvEventBatch out;
  out.ts_s = number_of(root.via.array.ptr[0], size, "timestamp");
  if (!std::isfinite(out.ts_s) || std::fabs(out.ts_s) > 1e11) fail(size, "timestamp out of range");
  if (root.via.array.size > 2) {
    const auto& dp = root.via.array.ptr[2];
    if (dp.type == msgpack::type::POSITIVE_INTEGER && dp.via.u64 < 32768)
      out.dp_rank = static_cast<int>(dp.via.u64);
  }
  // Whole seconds and the fraction apart: ts * 1e9 in one double loses the last ~100 ns.
  const double whole = std::floor(out.ts_s);
  const Ns ts = static_cast<Ns>(whole) * 1000000000 + static_cast<Ns>(std::llround((out.ts_s - whole) * 1e9));
  const auto& events = root.via.array.ptr[1];
  if (events.type != msgpack::type::ARRAY) fail(size, "events is not an array");
  for (uint32_t i = 0; i < events.via.array.size; ++i) {
    const msgpack::object& e = events.via.array.ptr[i];
    ++out.events;
    std::string_view kind;
    const msgpack::object* hashes = nullptr;
    if (e.type == msgpack::type::ARRAY && e.via.array.size >= 1) {
      kind = str_of(e.via.array.ptr[0]);
      if (e.via.array.size >= 2) hashes = &e.via.array.ptr[1];
    } else if (e.type == msgpack::type::MAP) {
      for (uint32_t k = 0; k < e.via.map.size; ++k) {
        const std::string_view key = str_of(e.via.map.ptr[k].key);
        if (key == "type") kind = str_of(e.via.map.ptr[k].val);
        if (key == "block_hashes") hashes = &e.via.map.ptr[k].val;
      }
    } else {
      fail(size, fmt::format("event {} is neither an array nor a map", i));
    }
    if (kind == "AllBlocksCleared") {
      out.blocks.push_back({ts, 0, KvEventKind::Cleared, static_cast<int16_t>(out.dp_rank)});
    } else if (kind == "BlockStored" || kind == "BlockRemoved") {
      if (!hashes) fail(size, fmt::format("event {} ({}) has no block_hashes", i, kind));
      add_hashes(*hashes, kind == "BlockStored" ? KvEventKind::Stored : KvEventKind::Removed, ts, out.dp_rank,
                 size, out);
    } else {
      ++out.unknown;
    }
  }
  return out;
}

void KvBlockTracker::add(const KvEventBatch& b) {
  for (const auto& e : b.blocks) add(e);
}

void KvBlockTracker::add(const KvBlockEvent& e) {
  events_.push_back(e);
  switch (e.kind) {
    case KvEventKind::Stored:
      stored_at_.emplace(e.hash, e.ts);  // a re-store keeps the first time
      break;
    case KvEventKind::Removed:
      if (auto it = stored_at_.find(e.hash); it != stored_at_.end()) {
        lifetimes_s_.push_back(static_cast<double>(e.ts - it->second) / 1e9);
        stored_at_.erase(it);
      } else {
        ++removed_unknown_;
      }
      break;
    case KvEventKind::Cleared:
      stored_at_.clear();
      ++clears_;
      break;
  }
}

KvBlockView kv_block_view(const std::vector<KvBlockEvent>& events, Ns t0, Ns t1, int bins) {
  KvBlockView v;
  v.t0 = t0;
  v.t1 = std::max(t1, t0 + 1);
  bins = std::max(bins, 1);
  const auto n = static_cast<size_t>(bins);
  v.alive.assign(n, 0);
  v.stored_per_s.assign(n, 0);
  v.removed_per_s.assign(n, 0);
  const double width = static_cast<double>(v.t1 - v.t0) / bins;
  KvBlockTracker t;
  size_t bin = 0;
  for (const auto& e : events) {
    if (e.ts > v.t1) break;
    const size_t c =
        e.ts < v.t0 ? 0 : std::min(n - 1, static_cast<size_t>(static_cast<double>(e.ts - v.t0) / width));
    for (; bin < c; ++bin) v.alive[bin] = static_cast<int64_t>(t.alive());
    t.add(e);
    if (e.ts < v.t0) continue;
    if (e.kind == KvEventKind::Stored) v.stored_per_s[c] += 1;
    if (e.kind == KvEventKind::Removed) v.removed_per_s[c] += 1;
    if (e.kind == KvEventKind::Cleared) v.clears.push_back(e.ts);
  }
  for (; bin < n; ++bin) v.alive[bin] = static_cast<int64_t>(t.alive());
  for (size_t c = 0; c < n; ++c) v.stored_per_s[c] /= width / 1e9, v.removed_per_s[c] /= width / 1e9;
  v.lifetimes_s = t.lifetimes_s();
  if (!v.lifetimes_s.empty()) {
    std::vector<double> s = v.lifetimes_s;
    std::sort(s.begin(), s.end());
    auto q = [&](double p) {
      return s[std::min(s.size() - 1, static_cast<size_t>(p * static_cast<double>(s.size())))];
    };
    v.lifetime_p50 = q(0.5), v.lifetime_p90 = q(0.9), v.lifetime_p99 = q(0.99);
  }
  return v;
}

}  // namespace hp::kv
