#include "core/kv/kv_series.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include "core/serving/metric_math.h"

namespace hp::kv {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

int origin_rank(SeriesOrigin o) {
  return o == SeriesOrigin::Scrape ? 0 : o == SeriesOrigin::Fleet ? 1 : o == SeriesOrigin::Log ? 2 : 3;
}
const char* origin_name(SeriesOrigin o) {
  return o == SeriesOrigin::Fleet ? "prometheus" : o == SeriesOrigin::Log ? "log" : "metrics";
}

// `a="x",b="y"` -> pairs (values unescaped).
std::vector<std::pair<std::string, std::string>> split_labels(std::string_view s) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  while (i < s.size()) {
    const size_t eq = s.find("=\"", i);
    if (eq == std::string_view::npos) break;
    std::string key(s.substr(i, eq - i)), value;
    size_t j = eq + 2;
    for (; j < s.size() && s[j] != '"'; ++j) {
      if (s[j] == '\\' && j + 1 < s.size()) ++j;
      value += s[j];
    }
    out.emplace_back(std::move(key), std::move(value));
    i = j + 1;
    if (i < s.size() && s[i] == ',') ++i;
  }
  return out;
}

// The replica part of a label set: without the model name and the histogram bound.
std::string replica_of(std::string_view labels) {
  std::string out;
  for (const auto& [k, v] : split_labels(labels)) {
    if (k == "model_name" || k == "name" || k == "le") continue;
    out += (out.empty() ? "" : ",") + k + "=\"" + v + "\"";
  }
  return out;
}

int64_t label_int(std::string_view labels, std::string_view key) {
  for (const auto& [k, v] : split_labels(labels)) {
    if (k != key) continue;
    int64_t x = -1;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
    return ec == std::errc() && p == v.data() + v.size() ? x : -1;
  }
  return -1;
}

struct Found {
  size_t series;
  double scale;
  std::string exposed;  // the stored name
};

// Series of any of `concepts` (a log concept name, or an exposed name the metric map maps to one of
// them), from the best origin that has any.
std::vector<Found> find(const Session& s, const serving::MetricMap* map, const std::string& engine,
                        std::initializer_list<std::string_view> concepts,
                        std::initializer_list<std::string_view> exposed_names = {}) {
  std::vector<Found> found;
  int best = 99;
  for (size_t i = 0; i < s.series.size(); ++i) {
    const auto& info = s.series.info[i];
    const std::string_view name = s.str(info.name);
    double scale = 1.0;
    bool hit = std::find(concepts.begin(), concepts.end(), name) != concepts.end() ||
               std::find(exposed_names.begin(), exposed_names.end(), name) != exposed_names.end();
    if (!hit && map) {
      const serving::MetricMapping* m = map->lookup(name, engine);
      if (m && m->series == name &&
          std::find(concepts.begin(), concepts.end(), m->concept_name) != concepts.end()) {
        hit = true;
        scale = m->scale;
      }
    }
    if (!hit) continue;
    const int rank = origin_rank(info.origin);
    if (rank < best) found.clear(), best = rank;
    if (rank == best) found.push_back({i, scale, std::string(name)});
  }
  return found;
}

// vLLM up to 0.11 exports the same usage under both names: keep the new one.
void drop_deprecated(std::vector<Found>& f) {
  const bool has_new =
      std::any_of(f.begin(), f.end(), [](const Found& x) { return x.exposed == "vllm:kv_cache_usage_perc"; });
  if (has_new) std::erase_if(f, [](const Found& x) { return x.exposed == "vllm:gpu_cache_usage_perc"; });
}

UsageLine line_of(const Session& s, const Found& f, Ns begin, Ns end, const char* pool) {
  const auto& info = s.series.info[f.series];
  UsageLine l;
  l.replica = replica_of(s.str(info.labels));
  l.pool = pool;
  for (uint32_t k = info.begin; k < info.end; ++k) {
    const Ns t = s.series.ts[k];
    if (t < begin || t > end) continue;
    l.ts.push_back(t);
    l.usage.push_back(s.series.value[k] * f.scale);
  }
  return l;
}

// Reset-corrected increases of a counter at each sample inside [begin, end] after the first.
template <class Fn>
void increases(const Session& s, const Found& f, Ns begin, Ns end, Fn&& fn) {
  const auto& info = s.series.info[f.series];
  for (uint32_t k = info.begin + 1; k < info.end; ++k) {
    const Ns t = s.series.ts[k];
    if (t < begin || t > end || s.series.ts[k - 1] < begin) continue;
    double d = s.series.value[k] - s.series.value[k - 1];
    if (d < 0) d = s.series.value[k];
    fn(t, d * f.scale);
  }
}

void residency(const Session& s, Ns begin, Ns end, KvSeries& out) {
  static const std::pair<const char*, const char*> kFamilies[] = {
      {"lifetime", "vllm:kv_block_lifetime_seconds"},
      {"idle before evict", "vllm:kv_block_idle_before_evict_seconds"},
      {"reuse gap", "vllm:kv_block_reuse_gap_seconds"},
  };
  for (const auto& [label, family] : kFamilies) {
    const std::string bucket = std::string(family) + "_bucket";
    std::vector<serving::MetricSeries> series;
    for (size_t i = 0; i < s.series.size(); ++i) {
      const auto& info = s.series.info[i];
      if (s.str(info.name) != bucket) continue;
      serving::MetricSeries ms;
      ms.key.name = bucket;
      for (const auto& [k, v] : split_labels(s.str(info.labels)))
        if (k == "le") ms.key.labels.push_back({"le", v});
      for (uint32_t k = info.begin; k < info.end; ++k)
        ms.samples.push_back({s.series.ts[k], s.series.value[k]});
      series.push_back(std::move(ms));
    }
    if (series.empty()) continue;
    auto cum = serving::histogram_window(series, family, begin, end);
    if (cum.empty() || !std::isinf(cum.back().le) || !(cum.back().count > 0)) continue;
    Residency r;
    r.name = label;
    r.family = family;
    double prev = 0;
    for (const auto& b : cum) {
      double c = b.count - prev;
      if (c < 0) {
        out.warnings.push_back(std::string(family) + ": bucket le=" + std::to_string(b.le) +
                               " holds fewer observations than the one below it (clamped to 0)");
        c = 0;
      }
      prev = std::max(prev, b.count);
      r.le.push_back(b.le);
      r.count.push_back(c);
      r.total += c;
    }
    auto quantile = [&](double q, bool& over) {
      const double rank = q * r.total;
      double acc = 0;
      for (size_t i = 0; i < r.count.size(); ++i) {
        if (r.count[i] <= 0 || acc + r.count[i] < rank) {
          acc += r.count[i];
          continue;
        }
        const double lo = i ? r.le[i - 1] : 0;
        if (std::isinf(r.le[i])) {
          over = true;
          return lo;
        }
        return lo + (r.le[i] - lo) * (rank - acc) / r.count[i];
      }
      return r.le.size() > 1 ? r.le[r.le.size() - 2] : 0.0;
    };
    r.p50 = quantile(0.5, r.p50_over);
    r.p90 = quantile(0.9, r.p90_over);
    r.p99 = quantile(0.99, r.p99_over);
    out.residency.push_back(std::move(r));
  }
}

void capacity(const Session& s, KvSeries& out) {
  for (size_t i = 0; i < s.series.size(); ++i) {
    const auto& info = s.series.info[i];
    const std::string_view name = s.str(info.name);
    if (name == "vllm:cache_config_info") {
      out.capacity.num_gpu_blocks = label_int(s.str(info.labels), "num_gpu_blocks");
      out.capacity.block_size = label_int(s.str(info.labels), "block_size");
      if (out.capacity.num_gpu_blocks > 0 && out.capacity.block_size > 0)
        out.capacity.tokens = out.capacity.num_gpu_blocks * out.capacity.block_size;
      out.capacity.source = "vllm:cache_config_info";
      return;
    }
    if (name == "sglang:max_total_num_tokens" && info.end > info.begin) {
      out.capacity.tokens = static_cast<int64_t>(s.series.value[info.end - 1]);
      out.capacity.source = "sglang:max_total_num_tokens";
      return;
    }
  }
  if (auto it = s.meta.find("kv_cache_tokens"); it != s.meta.end()) {
    int64_t v = -1;
    std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (v > 0) out.capacity = {-1, -1, v, "log"};
  }
}

// A gauge summed over replicas at every time any of them has a sample (step hold).
void summed(const Session& s, const serving::MetricMap* map, std::string_view concept_name, Ns begin, Ns end,
            const std::string& engine, std::vector<Ns>& ts, std::vector<double>& values) {
  auto found = find(s, map, engine, {concept_name});
  std::vector<std::tuple<Ns, size_t, double>> ev;
  for (size_t j = 0; j < found.size(); ++j) {
    const auto& info = s.series.info[found[j].series];
    for (uint32_t k = info.begin; k < info.end; ++k)
      if (s.series.ts[k] >= begin && s.series.ts[k] <= end)
        ev.emplace_back(s.series.ts[k], j, s.series.value[k] * found[j].scale);
  }
  std::sort(ev.begin(), ev.end());
  std::vector<double> cur(found.size(), 0);
  double sum = 0;
  for (size_t i = 0; i < ev.size(); ++i) {
    const auto& [t, j, v] = ev[i];
    sum += v - cur[j];
    cur[j] = v;
    if (i + 1 < ev.size() && std::get<0>(ev[i + 1]) == t) continue;
    ts.push_back(t);
    values.push_back(sum);
  }
}

}  // namespace

double PrefixBin::rate() const {
  return queries > 0 ? hits / queries : kNaN;
}

KvSeries kv_series(const Session& s, const serving::MetricMap* map, Ns begin, Ns end) {
  KvSeries out;
  const auto [lo, hi] = s.span();
  out.t0 = std::max(lo, begin);
  out.t1 = std::max(out.t0 + 1, std::min(hi, end));
  if (auto it = s.meta.find("engine"); it != s.meta.end()) out.engine = it->second;

  auto usage = find(s, map, out.engine, {"kv_cache_usage"});
  drop_deprecated(usage);
  if (!usage.empty()) out.usage_source = origin_name(s.series.info[usage[0].series].origin);
  if (out.engine.empty() && !usage.empty()) {  // a metrics dump: the exposed name's prefix ("vllm:...")
    const std::string& n = usage[0].exposed;
    if (const size_t colon = n.find(':'); colon != std::string::npos) out.engine = n.substr(0, colon);
  }
  for (const auto& f : usage) out.usage.push_back(line_of(s, f, begin, end, ""));
  for (const auto& f : find(s, map, out.engine, {"kv_cache_usage_swa"}, {"sglang:swa_token_usage"}))
    out.usage.push_back(line_of(s, f, begin, end, "swa"));
  std::stable_sort(out.usage.begin(), out.usage.end(), [](const UsageLine& a, const UsageLine& b) {
    return std::tie(a.pool, a.replica) < std::tie(b.pool, b.replica);
  });

  auto pre = find(s, map, out.engine, {"preemptions"});
  std::vector<std::pair<Ns, double>> rises;
  for (const auto& f : pre) {
    out.preemptions = std::max(out.preemptions, 0.0);
    increases(s, f, begin, end, [&](Ns t, double d) {
      if (d > 0) rises.emplace_back(t, d), out.preemptions += d;
    });
  }
  std::sort(rises.begin(), rises.end());
  for (const auto& [t, d] : rises) {
    if (!out.preemption_ts.empty() && out.preemption_ts.back() == t) {
      out.preemption_count.back() += d;
      continue;
    }
    out.preemption_ts.push_back(t);
    out.preemption_count.push_back(d);
  }

  auto hits = find(s, map, out.engine, {"prefix_cache_hits"});
  auto queries = find(s, map, out.engine, {"prefix_cache_queries"});
  out.prefix_method = "counters";
  if (!hits.empty() && queries.empty()) {
    queries = find(s, map, out.engine, {"prompt_tokens"});
    out.prefix_method = "cached/prompt counters";
  }
  if (!hits.empty() && !queries.empty()) {
    for (const auto& f : hits)
      increases(s, f, begin, end, [&](Ns t, double d) { out.prefix_steps.push_back({t, d, 0}); });
    for (const auto& f : queries)
      increases(s, f, begin, end, [&](Ns t, double d) { out.prefix_steps.push_back({t, 0, d}); });
    std::stable_sort(out.prefix_steps.begin(), out.prefix_steps.end(),
                     [](const CounterStep& a, const CounterStep& b) { return a.ts < b.ts; });
    for (const auto& st : out.prefix_steps) out.prefix_hits += st.hits, out.prefix_queries += st.queries;
  } else if (auto rate = find(s, map, out.engine, {"prefix_cache_hit_rate"}); !rate.empty()) {
    out.prefix_method = "engine rolling rate";
    for (const auto& f : rate) {
      UsageLine l = line_of(s, f, begin, end, "");
      // vLLM exports -1 when prefix caching is off.
      if (std::all_of(l.usage.begin(), l.usage.end(), [](double v) { return v < 0; })) continue;
      out.prefix_gauge.push_back(std::move(l));
    }
    if (out.prefix_gauge.empty()) out.prefix_method = "none";
  } else {
    out.prefix_method = "none";
  }

  residency(s, begin, end, out);
  capacity(s, out);
  summed(s, map, "requests_waiting", begin, end, out.engine, out.queue_ts, out.queue);
  summed(s, map, "requests_running", begin, end, out.engine, out.running_ts, out.running);
  return out;
}

std::vector<double> usage_grid(const KvSeries& s, Ns t0, Ns t1, int bins) {
  bins = std::max(bins, 1);
  const size_t cols = static_cast<size_t>(bins);
  std::vector<double> sum(s.usage.size() * cols, 0), out(sum.size(), kNaN);
  std::vector<uint32_t> n(sum.size(), 0);
  const double width = static_cast<double>(std::max<Ns>(t1 - t0, 1)) / bins;
  for (size_t r = 0; r < s.usage.size(); ++r) {
    const UsageLine& l = s.usage[r];
    for (size_t k = 0; k < l.ts.size(); ++k) {
      if (l.ts[k] < t0 || l.ts[k] > t1) continue;
      const size_t c = std::min(cols - 1, static_cast<size_t>(static_cast<double>(l.ts[k] - t0) / width));
      sum[r * cols + c] += l.usage[k];
      ++n[r * cols + c];
    }
  }
  for (size_t i = 0; i < sum.size(); ++i)
    if (n[i]) out[i] = sum[i] / n[i];
  return out;
}

std::vector<PrefixBin> prefix_bins(const KvSeries& s, Ns t0, Ns t1, int bins) {
  bins = std::max(bins, 1);
  std::vector<PrefixBin> out(static_cast<size_t>(bins));
  const double width = static_cast<double>(std::max<Ns>(t1 - t0, 1)) / bins;
  for (const auto& st : s.prefix_steps) {
    if (st.ts < t0 || st.ts > t1) continue;
    const size_t c = std::min(out.size() - 1, static_cast<size_t>(static_cast<double>(st.ts - t0) / width));
    out[c].hits += st.hits;
    out[c].queries += st.queries;
  }
  return out;
}

double step_mean(const std::vector<Ns>& ts, const std::vector<double>& v) {
  if (ts.empty()) return 0;
  double w = 0;
  for (size_t i = 0; i + 1 < ts.size(); ++i) w += v[i] * static_cast<double>(ts[i + 1] - ts[i]);
  const Ns span = ts.back() - ts.front();
  return span > 0 ? w / static_cast<double>(span) : v.front();
}

double step_seconds_above(const std::vector<Ns>& ts, const std::vector<double>& v, double threshold) {
  Ns ns = 0;
  for (size_t i = 0; i + 1 < ts.size(); ++i)
    if (v[i] > threshold) ns += ts[i + 1] - ts[i];
  return static_cast<double>(ns) / 1e9;
}

}  // namespace hp::kv
