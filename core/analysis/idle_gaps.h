#pragma once
// Idle gaps per GPU stream (HTA get_idle_time_breakdown). Between two consecutive ops of one
// stream (kernels, memcpys, memsets, by start; the previous end is the latest end so far), a gap
// g = next.start - prev.end > 0 is classified, first rule that holds:
//   kernel_wait: g < 30 ns (kShortGap): back-to-back kernels, the gap is the GPU's own delay;
//   host_wait:   the next op's launching runtime call started after the previous op ended, so
//                the GPU waited for the CPU to issue work;
//   other:       the rest (stream/event waits, dependencies on other streams, ops without a
//                launch record: `no_launch` counts those).
#include <array>
#include <cstdint>
#include <vector>

#include "core/analysis/gpu_activity.h"

namespace hp {

enum class GapKind : uint8_t { KernelWait, HostWait, Other };
const char* to_string(GapKind k);
constexpr Ns kShortGap = 30;

struct IdleGap {
  uint32_t prev_slice = 0, next_slice = 0;
  Ns start = 0, end = 0;
  GapKind kind = GapKind::Other;
};

struct GapTotals {
  uint64_t count = 0;
  Ns time = 0;
};

// Histogram bucket upper bounds (exclusive): < 30 ns, < 1 µs, < 10 µs, < 100 µs, < 1 ms,
// < 10 ms, and the rest.
constexpr std::array<Ns, 6> kGapBucketBounds = {30, 1'000, 10'000, 100'000, 1'000'000, 10'000'000};
const char* gap_bucket_label(size_t bucket);  // "<30ns", "30ns-1us", ..., ">=10ms"

struct StreamIdle {
  uint32_t rank = 0;
  int32_t device = -1;
  int64_t stream = -1;
  uint64_t ops = 0;
  Ns begin = 0, end = 0;               // first start, last end
  Ns busy = 0;                         // union of its ops
  std::array<GapTotals, 3> by_kind{};  // indexed by GapKind
  uint64_t no_launch = 0;
  std::vector<IdleGap> gaps;  // in time order
  Ns idle() const { return by_kind[0].time + by_kind[1].time + by_kind[2].time; }
};

struct IdleReport {
  std::vector<StreamIdle> streams;  // by (rank, device, stream)
  std::array<GapTotals, 3> by_kind{};
  std::array<GapTotals, kGapBucketBounds.size() + 1> histogram{};
  uint64_t no_launch = 0;
  Ns busy = 0;  // sum of stream busy times
  Ns idle() const { return by_kind[0].time + by_kind[1].time + by_kind[2].time; }
};

IdleReport idle_gaps(const Run& run, const std::vector<DeviceActivity>& devices);

}  // namespace hp
