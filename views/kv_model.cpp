#include "views/kv_model.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace hp {

namespace {
int auto_bins(const kv::KvSeries& s, int max_bins) {
  std::vector<Ns> gaps;
  for (const auto& l : s.usage)
    for (size_t k = 1; k < l.ts.size(); ++k)
      if (l.ts[k] > l.ts[k - 1]) gaps.push_back(l.ts[k] - l.ts[k - 1]);
  if (gaps.empty()) return max_bins;
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
  const double period = static_cast<double>(gaps[gaps.size() / 2]);
  return static_cast<int>(
      std::clamp(std::ceil(static_cast<double>(s.t1 - s.t0) / period), 1.0, static_cast<double>(max_bins)));
}
}  // namespace

KvModel kv_model(const Session& s, const serving::MetricMap* map, Ns begin, Ns end, int bins, int max_bins) {
  KvModel m;
  m.series = kv::kv_series(s, map, begin, end);
  m.verdict = kv::kv_verdict(m.series);
  m.t0 = m.series.t0;
  m.t1 = m.series.t1;
  m.bins = bins > 0 ? bins : auto_bins(m.series, std::max(max_bins, 1));
  for (const auto& l : m.series.usage) {
    std::string name = l.replica.empty() ? "(one replica)" : l.replica;
    m.rows.push_back(l.pool.empty() ? name : name + " " + l.pool + " pool");
  }
  m.cells = kv::usage_grid(m.series, m.t0, m.t1, m.bins);
  m.colors = plot::heatmap_colors(m.cells, 0, 1);
  m.legend = plot::heatmap_legend(0, 1, plot::Unit::Fraction, 32, {{0.9, "90 %"}});
  m.preempted.assign(static_cast<size_t>(m.bins), 0);
  const double width = static_cast<double>(m.t1 - m.t0) / m.bins;
  for (size_t i = 0; i < m.series.preemption_ts.size(); ++i) {
    const double at = static_cast<double>(m.series.preemption_ts[i] - m.t0) / width;
    const size_t c = std::min(static_cast<size_t>(m.bins - 1), static_cast<size_t>(std::max(0.0, at)));
    m.preempted[c] += static_cast<uint32_t>(std::lround(m.series.preemption_count[i]));
  }
  const kv::Capacity& cap = m.series.capacity;
  if (cap.tokens > 0)
    m.capacity = cap.num_gpu_blocks > 0 ? fmt::format("capacity {} tokens = {} blocks x {} ({})", cap.tokens,
                                                      cap.num_gpu_blocks, cap.block_size, cap.source)
                                        : fmt::format("capacity {} tokens ({})", cap.tokens, cap.source);
  if (!m.series.prefix_steps.empty()) {
    for (const auto& b : kv::prefix_bins(m.series, m.t0, m.t1, m.bins)) {
      m.hit_rate.push_back(b.rate());
      m.queries.push_back(b.queries);
    }
    m.prefix_title = fmt::format(
        "Prefix hit rate per bin, sum of hits / sum of queries over replicas ({}): {:.1f} % overall",
        m.series.prefix_method, 100 * m.verdict.hit_rate);
  } else if (!m.series.prefix_gauge.empty()) {
    m.prefix_title = "Prefix hit rate: the engine's own rolling rate (no counters in this run)";
  }
  if (!s.kv_events.empty()) {
    auto lo = std::lower_bound(s.kv_events.begin(), s.kv_events.end(), begin,
                               [](const kv::KvBlockEvent& e, Ns t) { return e.ts < t; });
    auto hi = std::upper_bound(lo, s.kv_events.end(), end,
                               [](Ns t, const kv::KvBlockEvent& e) { return t < e.ts; });
    if (lo != hi) {
      const std::vector<kv::KvBlockEvent> in(lo, hi);
      if (m.series.usage.empty()) m.t0 = in.front().ts, m.t1 = std::max(in.back().ts, in.front().ts + 1);
      m.blocks = kv::kv_block_view(in, m.t0, m.t1, m.bins > 0 ? m.bins : max_bins);
      size_t stored = 0, removed = 0;
      for (const auto& e : in)
        (e.kind == kv::KvEventKind::Stored ? stored : removed) += e.kind != kv::KvEventKind::Cleared;
      m.blocks_title = fmt::format(
          "KV events: {} stored, {} removed, {} clears; lifetime p50 {:.3g} s, p90 {:.3g} s, p99 {:.3g} s",
          stored, removed, m.blocks.clears.size(), m.blocks.lifetime_p50, m.blocks.lifetime_p90,
          m.blocks.lifetime_p99);
    }
  }
  if (m.series.usage.empty() && m.blocks_title.empty())
    m.note =
        "No KV usage series: open a serve-profile run (it scrapes /metrics) or a server log with KV usage.";
  return m;
}

}  // namespace hp
