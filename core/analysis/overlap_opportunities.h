#pragma once
// The overlap-opportunity table from ONE trace (the predecessor needed a second, mapping trace).
// Every rule estimates `impact`, the GPU time the fix could win back, and a row is reported when
// its share >= kReportBarPct %. The share is of GPU-busy time (the union over streams, summed
// over devices), except for host-wait rows: idle time is a share of the stream's span.
//
// Rules (each row's evidence cites the numbers it was built from):
//   exposed-comm    a comm kernel name whose exclusive time (no other stream active) is
//                   >= 45% of its total. impact = exclusive time. -> overlap it with compute.
//   copy-on-compute a memcpy/memset name, mostly (> 50% of its instances) on a stream that
//                   also runs compute kernels, exclusive >= 45%. impact = exclusive time.
//                   -> move it to a side stream (pinned memory, non_blocking) or avoid it.
//   serial-stream   on a device with >= 2 streams, one stream that ran alone for >= 50% of the
//                   device's busy time. impact = that alone time. -> split independent work
//                   onto the idle streams.
//   host-wait       a stream whose host-wait gaps (idle_gaps.h) are >= 5% of its span.
//                   impact = host-wait time. -> capture in CUDA graphs / cut launch overhead.
//   launch-bound    a kernel name whose launch call outlasts the kernel (launch_stats.h) in at
//                   least half its launches (>= 10 launches). impact = sum of (overhead - kernel
//                   duration) over its launch-bound launches. -> fuse it or capture in graphs.
// Priority from the impact share: >= 10% P1, >= 3% P2, else P3; a high dependency risk demotes
// by one (P1 -> P2 ...), so rows that may not legally move rank below ones that can.
// Dependency risk (exposed-comm, copy-on-compute; "n/a" elsewhere): the longest instance's previous and next
// op on the SAME stream; a neighbour is tight when its gap <= max(2 µs, min(20 µs, 0.15 x duration)) and
// dependency-like when it could feed or consume it (for comm: a non-comm op; for copies: any
// kernel). Tight and dependency-like on a side -> "high (prev|next|both)",
// otherwise "low". Adjacency cannot prove a data dependency; it only warns.
#include <cstdint>
#include <string>
#include <vector>

#include "core/analysis/gpu_activity.h"
#include "core/analysis/idle_gaps.h"
#include "core/analysis/launch_stats.h"
#include "core/analysis/overlap.h"

namespace hp {

constexpr double kReportBarPct = 1.0;

struct OpportunityRow {
  int priority = 3;        // 1 (act first) .. 4
  std::string verdict;     // "try overlap", "check deps", "move copy", ...
  std::string rule;        // "exposed-comm", "copy-on-compute", ...
  std::string kernel;      // op name, or "stream N" for stream rules
  uint32_t slice = kNone;  // representative instance (the longest), kNone for stream rules
  std::string cpu_op;      // cpu_op enclosing the representative's launch call, "" if none
  std::string site;        // source site: left empty here, filled from the site analysis
  std::string evidence;    // the numbers behind the row
  std::string dep_risk;    // "high (prev)", "high (next)", "high (both)", "low", "n/a"
  std::string recommendation;
  Ns impact = 0;
  double share_pct = 0;           // impact / the denominator named by share_of
  std::string share_of = "busy";  // "busy" (GPU-busy time) or "span" (the stream's span)
};

std::vector<OpportunityRow> overlap_opportunities(const Run& run, const std::vector<DeviceActivity>& devices,
                                                  const OverlapReport& overlap, const IdleReport& idle,
                                                  const LaunchStats& launches);

// Name of the innermost cpu_op enclosing the launch call of GPU slice `slice`; "" when unknown.
std::string launching_cpu_op(const Run& run, uint32_t slice);

}  // namespace hp
