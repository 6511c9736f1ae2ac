#pragma once
// Which KV-cache regime a run is in, with the numbers behind it (reference kv-and-experts.md §7):
//   memory-bound   usage >= 0.9 with preemptions, or >= 0.9 for >= 10 % of the run while requests queue;
//   thrashing      usage >= 0.9 and reuse being lost: blocks evicted after < 1 s idle (median of
//                  idle-before-evict), or the prefix hit rate in the full bins under half the rate elsewhere;
//   limit elsewhere requests queue while usage stays < 0.5 (max running requests, chunk size, ...);
//   not the bottleneck otherwise. "no data" without a usage series.
// Usage figures are per replica and the hottest replica's is reported. Pure.
#include <string>
#include <vector>

#include "core/kv/kv_series.h"

namespace hp::kv {

enum class KvRegime { NoData, MemoryBound, Thrashing, LimitElsewhere, NotBottleneck };
const char* to_string(KvRegime r);

struct KvVerdict {
  KvRegime regime = KvRegime::NoData;
  std::string headline;               // one sentence
  std::vector<std::string> evidence;  // the numbers, one line each
  double usage_peak = 0;              // hottest replica (full pool)
  double usage_mean = 0;              // time-weighted, hottest replica by mean
  double seconds_above_90 = 0;        // hottest replica
  double span_s = 0;                  // the window
  double preemptions = -1;
  double queue_peak = 0, queue_seconds = 0;  // waiting requests > 0 for that long
  double running_peak = 0;
  double usage_peak_while_queued = 0;
  double hit_rate = -1;                           // Σhits/Σqueries over the window; -1 when unknown
  double hit_rate_full = -1, hit_rate_rest = -1;  // in bins with usage >= 0.9 / the others
  double idle_p50_s = -1;                         // idle-before-evict median, -1 without the histogram
};

KvVerdict kv_verdict(const KvSeries& s);

}  // namespace hp::kv
