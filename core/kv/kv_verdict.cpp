#include "core/kv/kv_verdict.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace hp::kv {
namespace {

// The step function's value at t (last sample at or before t), 0 before the first.
double value_at(const std::vector<Ns>& ts, const std::vector<double>& v, Ns t) {
  auto it = std::upper_bound(ts.begin(), ts.end(), t);
  return it == ts.begin() ? 0 : v[static_cast<size_t>(it - ts.begin()) - 1];
}

std::string pct(double f) {
  return fmt::format("{:.1f} %", 100 * f);
}

}  // namespace

const char* to_string(KvRegime r) {
  switch (r) {
    case KvRegime::MemoryBound:
      return "memory-bound";
    case KvRegime::Thrashing:
      return "thrashing";
    case KvRegime::LimitElsewhere:
      return "limit elsewhere";
    case KvRegime::NotBottleneck:
      return "not the bottleneck";
    default:
      return "no data";
  }
}

KvVerdict kv_verdict(const KvSeries& s) {
  KvVerdict v;
  v.span_s = static_cast<double>(s.t1 - s.t0) / 1e9;
  v.preemptions = s.preemptions;
  for (double q : s.queue) v.queue_peak = std::max(v.queue_peak, q);
  for (double r : s.running) v.running_peak = std::max(v.running_peak, r);
  v.queue_seconds = step_seconds_above(s.queue_ts, s.queue, 0);
  if (s.prefix_queries > 0) v.hit_rate = s.prefix_hits / s.prefix_queries;
  for (const auto& r : s.residency)
    if (r.name == "idle before evict") v.idle_p50_s = r.p50;

  bool any = false;
  for (const auto& l : s.usage) {
    if (!l.pool.empty() || l.ts.empty()) continue;
    any = true;
    v.usage_peak = std::max(v.usage_peak, *std::max_element(l.usage.begin(), l.usage.end()));
    v.usage_mean = std::max(v.usage_mean, step_mean(l.ts, l.usage));
    v.seconds_above_90 = std::max(v.seconds_above_90, step_seconds_above(l.ts, l.usage, 0.9));
    for (size_t k = 0; k < l.ts.size(); ++k)
      if (value_at(s.queue_ts, s.queue, l.ts[k]) > 0)
        v.usage_peak_while_queued = std::max(v.usage_peak_while_queued, l.usage[k]);
  }
  if (!any) {
    v.headline = "No KV-cache usage series: open a run that scraped /metrics or a server log with KV usage.";
    return v;
  }

  // Hit rate where the cache is full against elsewhere, over 20 bins (usage = the hottest replica's).
  if (!s.prefix_steps.empty()) {
    constexpr int kBins = 20;
    const auto grid = usage_grid(s, s.t0, s.t1, kBins);
    const auto bins = prefix_bins(s, s.t0, s.t1, kBins);
    PrefixBin full, rest;
    for (size_t c = 0; c < bins.size(); ++c) {
      double u = -1;
      for (size_t r = 0; r < s.usage.size(); ++r)
        if (s.usage[r].pool.empty() && !std::isnan(grid[r * kBins + c])) u = std::max(u, grid[r * kBins + c]);
      PrefixBin& into = u >= 0.9 ? full : rest;
      into.hits += bins[c].hits;
      into.queries += bins[c].queries;
    }
    if (full.queries > 0) v.hit_rate_full = full.rate();
    if (rest.queries > 0) v.hit_rate_rest = rest.rate();
  }

  v.evidence.push_back(
      fmt::format("KV usage peak {} (hottest replica), time-weighted mean {}, {:.0f} s above 90 %",
                  pct(v.usage_peak), pct(v.usage_mean), v.seconds_above_90));
  v.evidence.push_back(v.preemptions < 0 ? std::string("preemptions: no series")
                                         : fmt::format("preemptions: {:.0f}", v.preemptions));
  v.evidence.push_back(
      fmt::format("queue: peak {:.0f} waiting, > 0 for {:.0f} s of {:.0f} s; running peak {:.0f}",
                  v.queue_peak, v.queue_seconds, v.span_s, v.running_peak));
  if (v.hit_rate >= 0)
    v.evidence.push_back(fmt::format("prefix hit rate {} ({:.0f} of {:.0f} tokens)", pct(v.hit_rate),
                                     s.prefix_hits, s.prefix_queries));
  if (v.hit_rate_full >= 0 && v.hit_rate_rest >= 0)
    v.evidence.push_back(fmt::format("prefix hit rate while usage >= 90 %: {} vs {} otherwise",
                                     pct(v.hit_rate_full), pct(v.hit_rate_rest)));
  if (v.idle_p50_s >= 0) v.evidence.push_back(fmt::format("idle before evict p50 {:.3g} s", v.idle_p50_s));

  const bool full = v.usage_peak >= 0.9;
  const bool long_full = v.span_s > 0 && v.seconds_above_90 >= 0.1 * v.span_s;
  if (full && (v.preemptions > 0 || (long_full && v.queue_peak > 0))) {
    v.regime = KvRegime::MemoryBound;
    v.headline = fmt::format(
        "Memory-bound: the KV cache reached {} with {:.0f} preemptions and up to {:.0f} requests waiting; "
        "more KV memory (or fewer concurrent sequences) would help.",
        pct(v.usage_peak), std::max(v.preemptions, 0.0), v.queue_peak);
  } else if (full &&
             ((v.idle_p50_s >= 0 && v.idle_p50_s < 1) ||
              (v.hit_rate_full >= 0 && v.hit_rate_rest > 0 && v.hit_rate_full < 0.5 * v.hit_rate_rest))) {
    v.regime = KvRegime::Thrashing;
    v.headline = fmt::format(
        "Cache thrashing: at {} usage reusable prefixes are evicted (hit rate {} when full vs {} "
        "otherwise{}).",
        pct(v.usage_peak), pct(std::max(v.hit_rate_full, 0.0)), pct(std::max(v.hit_rate_rest, 0.0)),
        v.idle_p50_s >= 0 ? fmt::format(", blocks idle {:.3g} s before eviction", v.idle_p50_s) : "");
  } else if (v.queue_peak > 0 && v.usage_peak_while_queued < 0.5) {
    v.regime = KvRegime::LimitElsewhere;
    v.headline = fmt::format(
        "Idle cache with a queue elsewhere: up to {:.0f} requests waited while KV usage was at most {} "
        "(running peaked at {:.0f}): the limit is max running requests or the prefill chunk, not KV memory.",
        v.queue_peak, pct(v.usage_peak_while_queued), v.running_peak);
  } else {
    v.regime = KvRegime::NotBottleneck;
    v.headline = fmt::format("KV cache is not the bottleneck: usage peaked at {}{}.", pct(v.usage_peak),
                             v.queue_peak > 0 ? fmt::format(", {:.0f} requests queued at most", v.queue_peak)
                                              : std::string(", no request queued"));
  }
  return v;
}

}  // namespace hp::kv
