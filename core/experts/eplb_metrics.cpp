#include "core/experts/eplb_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "core/model/load_status.h"
#include "core/serving/prometheus_text.h"

namespace hp::experts {
namespace {

constexpr std::string_view kCount = "sglang:eplb_gpu_physical_count_bucket";
constexpr std::string_view kBalSum = "sglang:eplb_balancedness_sum",
                           kBalCount = "sglang:eplb_balancedness_count";
constexpr int64_t kMaxRanks = 1 << 12, kMaxLayers = 1 << 12;

// Value of a cumulative series at time t: its last sample at or before t (0 before the first).
double value_at(const std::vector<serving::Sample>& s, int64_t t) {
  auto it = std::upper_bound(s.begin(), s.end(), t,
                             [](int64_t x, const serving::Sample& a) { return x < a.ts_ns; });
  return it == s.begin() ? 0.0 : std::prev(it)->value;
}

bool in_range(int64_t t, int64_t from, int64_t to) {
  return t >= from && t <= to;
}

}  // namespace

bool has_eplb_series(const std::vector<serving::MetricSeries>& series) {
  for (const auto& s : series)
    if (s.key.name == kCount || s.key.name == kBalSum) return true;
  return false;
}

std::optional<ExpertLoad> eplb_from_series(const std::vector<serving::MetricSeries>& series,
                                           const std::string& source, int64_t from, int64_t to) {
  if (!has_eplb_series(series)) return std::nullopt;
  ExpertLoad out;
  out.source = source;
  out.format = "sglang-eplb-metrics";
  out.columns_are_ranks = true;
  // (layer, rank) -> the bucket series (summed when other labels split one bucket).
  std::map<std::pair<int64_t, int64_t>, std::vector<const serving::MetricSeries*>> buckets;
  std::set<int64_t> times, layers;
  int64_t ranks = 0;
  for (const auto& s : series) {
    if (s.key.name != kCount) continue;
    const std::string le(serving::label_value(s.key.labels, "le"));
    const std::string layer(serving::label_value(s.key.labels, "layer"));
    if (le == "+Inf") continue;
    char* end = nullptr;
    const double r = std::strtod(le.c_str(), &end);
    const double l = std::strtod(layer.c_str(), nullptr);
    if (le.empty() || *end || r < 0 || r >= kMaxRanks || r != std::floor(r))
      throw ImportError(
          source, 0, fmt::format("{} bucket le=\"{}\" is not a GPU rank 0..{}", kCount, le, kMaxRanks - 1));
    if (layer.empty() || l < 0 || l >= kMaxLayers || l != std::floor(l))
      throw ImportError(source, 0,
                        fmt::format("{} series without a layer label (or not a layer number)", kCount));
    buckets[{static_cast<int64_t>(l), static_cast<int64_t>(r)}].push_back(&s);
    layers.insert(static_cast<int64_t>(l));
    ranks = std::max(ranks, static_cast<int64_t>(r) + 1);
    for (const auto& x : s.samples)
      if (in_range(x.ts_ns, from, to)) times.insert(x.ts_ns);
  }
  const std::vector<int64_t> ts(times.begin(), times.end());
  out.layer_ids.assign(layers.begin(), layers.end());
  out.experts = static_cast<uint32_t>(ranks);
  if (out.layers() * out.experts > kMaxCells)
    throw ImportError(source, 0, fmt::format("{} layers x {} ranks is too large", out.layers(), ranks));
  size_t backwards = 0, resets = 0;
  // Per-rank cumulative counts of every layer at time t (de-cumulated over le).
  auto matrix_at = [&](int64_t t) {
    std::vector<double> m(out.layers() * out.experts, 0);
    for (size_t li = 0; li < out.layers(); ++li) {
      double prev = 0;
      for (int64_t r = 0; r < ranks; ++r) {
        double cum = prev;  // an absent bucket holds nothing new
        auto it = buckets.find({out.layer_ids[li], r});
        if (it != buckets.end()) {
          cum = 0;
          for (const auto* s : it->second) cum += value_at(s->samples, t);
        }
        double v = cum - prev;
        if (v < 0) ++backwards, v = 0;
        m[li * out.experts + static_cast<size_t>(r)] = v;
        prev = std::max(prev, cum);
      }
    }
    return m;
  };
  auto to_counts = [&](const std::vector<double>& m) {
    std::vector<int64_t> c(m.size());
    for (size_t i = 0; i < m.size(); ++i) c[i] = static_cast<int64_t>(std::llround(std::min(m[i], 1e15)));
    return c;
  };
  if (!ts.empty() && ranks > 0) {
    std::vector<double> prev = matrix_at(ts[0]);
    if (ts.size() == 1) out.counts = to_counts(prev);
    std::vector<int64_t> total(prev.size(), 0);
    for (size_t i = 1; i < ts.size(); ++i) {
      std::vector<double> cur = matrix_at(ts[i]);
      std::vector<double> d(cur.size());
      for (size_t k = 0; k < cur.size(); ++k) {
        d[k] = cur[k] - prev[k];
        if (d[k] < 0) ++resets, d[k] = cur[k];  // a restart: counting began again
      }
      std::vector<int64_t> c = to_counts(d);
      for (size_t k = 0; k < c.size(); ++k)
        if (!add_count(total[k], c[k])) throw ImportError(source, 0, "counts above 2^46");
      out.pass_ids.push_back(static_cast<int64_t>(i));
      out.pass_ts_ns.push_back(ts[i]);
      out.pass_counts.push_back(std::move(c));
      prev = std::move(cur);
    }
    if (ts.size() > 1) out.counts = std::move(total);
  }
  if (backwards)
    out.warnings.push_back(
        fmt::format("{} bucket values below the bucket before them (cumulative le went "
                    "backwards): read as 0",
                    backwards));
  if (resets) out.warnings.push_back(fmt::format("{} rank counts fell between scrapes (a restart?)", resets));
  // Balancedness over time: the Summary's mean per scrape interval (one scrape: mean since start).
  std::map<int64_t, std::pair<double, double>> bal;  // t -> (sum, count) over forward modes
  for (const auto& s : series) {
    if (s.key.name != kBalSum && s.key.name != kBalCount) continue;
    for (const auto& x : s.samples)
      if (in_range(x.ts_ns, from, to))
        (s.key.name == kBalSum ? bal[x.ts_ns].first : bal[x.ts_ns].second) += x.value;
  }
  const std::vector<std::pair<int64_t, std::pair<double, double>>> pts(bal.begin(), bal.end());
  for (size_t i = pts.size() == 1 ? 0 : 1; i < pts.size(); ++i) {
    const double ds = pts[i].second.first - (i ? pts[i - 1].second.first : 0);
    const double dc = pts[i].second.second - (i ? pts[i - 1].second.second : 0);
    if (dc <= 0) continue;  // no pass in the interval (or a reset)
    BalancePoint p;
    p.step = static_cast<int64_t>(i);
    p.ts_ns = pts[i].first;
    p.balancedness = ds / dc;
    out.balance.push_back(p);
  }
  return out;
}

ExpertLoad passes_in_range(const ExpertLoad& load, int64_t from, int64_t to) {
  if (load.pass_ts_ns.size() != load.pass_counts.size() || load.pass_ts_ns.empty()) return load;
  ExpertLoad out = load;
  out.pass_ids.clear();
  out.pass_ts_ns.clear();
  out.pass_counts.clear();
  out.balance.clear();
  std::fill(out.counts.begin(), out.counts.end(), 0);
  for (size_t p = 0; p < load.pass_counts.size(); ++p) {
    if (!in_range(load.pass_ts_ns[p], from, to)) continue;
    for (size_t i = 0; i < out.counts.size() && i < load.pass_counts[p].size(); ++i)
      add_count(out.counts[i], load.pass_counts[p][i]);
    out.pass_ids.push_back(load.pass_ids[p]);
    out.pass_ts_ns.push_back(load.pass_ts_ns[p]);
    out.pass_counts.push_back(load.pass_counts[p]);
  }
  for (const auto& b : load.balance)
    if (in_range(b.ts_ns, from, to)) out.balance.push_back(b);
  return out;
}

ExpertLoad read_eplb_prom(std::string_view text, const std::string& file, int64_t mtime_ns) {
  serving::Scrape scrape = serving::parse_prometheus_text(text);
  std::map<serving::SeriesKey, serving::MetricSeries> by_key;
  for (const auto& s : scrape.samples) {
    serving::SeriesKey key{s.name, s.labels};
    auto& m = by_key[key];
    m.key = key;
    m.samples.push_back({s.has_timestamp ? s.ts_ns : mtime_ns, s.value});
  }
  std::vector<serving::MetricSeries> series;
  for (auto& [k, m] : by_key) {
    std::stable_sort(m.samples.begin(), m.samples.end(),
                     [](const serving::Sample& a, const serving::Sample& b) { return a.ts_ns < b.ts_ns; });
    series.push_back(std::move(m));
  }
  auto l = eplb_from_series(series, std::filesystem::path(file).filename().string());
  if (!l) throw ImportError(file, 0, "no sglang:eplb_gpu_physical_count or sglang:eplb_balancedness samples");
  if (!scrape.bad_lines.empty())
    l->warnings.push_back(fmt::format("{} malformed lines skipped", scrape.bad_lines.size()));
  return std::move(*l);
}

}  // namespace hp::experts
