#include "views/load_model.h"

#include <algorithm>
#include <optional>

#include "core/serving/concept_series.h"
#include "core/session/session_concepts.h"

namespace hp {
namespace {

struct ChartSpec {
  const char* concept_name;
  const char* fallback;  // a counter whose rate stands in (throughput), or nullptr
  const char* title;
  plot::Unit unit;
};
constexpr ChartSpec kCharts[] = {
    {"requests_running", nullptr, "Batch size (running requests)", plot::Unit::Count},
    {"requests_waiting", nullptr, "Queue depth (waiting requests)", plot::Unit::Count},
    {"kv_cache_usage", nullptr, "KV cache usage", plot::Unit::Fraction},
    {"preemptions", nullptr, "Preemptions per second", plot::Unit::PerSecond},
    {"prompt_throughput", "prompt_tokens", "Prompt throughput (tokens/s)", plot::Unit::PerSecond},
    {"gen_throughput", "generation_tokens", "Generation throughput (tokens/s)", plot::Unit::PerSecond},
};

const char* origin_name(SeriesOrigin o) {
  return o == SeriesOrigin::Fleet ? "prometheus" : o == SeriesOrigin::Log ? "log" : "metrics";
}

LoadLine line_of(const Session& s, size_t series, double scale, bool counter, Ns begin, Ns end,
                 std::vector<Ns>* rises) {
  const auto& info = s.series.info[series];
  LoadLine line;
  line.replica = std::string(s.str(info.labels));
  // A range starts with the value held entering it (the last sample before it), drawn from its start.
  std::optional<double> held;
  for (uint32_t k = info.begin; k < info.end; ++k) {
    const Ns t = s.series.ts[k];
    if (t >= end) break;
    double v = s.series.value[k] * scale;
    if (counter) {
      if (k == info.begin) continue;
      const Ns dt = t - s.series.ts[k - 1];
      double dv = s.series.value[k] - s.series.value[k - 1];
      if (dv < 0) dv = s.series.value[k];  // counter reset
      if (dt <= 0) continue;
      if (t >= begin && rises && dv > 0) rises->push_back(t);
      v = dv * scale * 1e9 / static_cast<double>(dt);
    }
    if (t < begin) {
      held = v;
      continue;
    }
    if (held && line.ts.empty() && t > begin) line.ts.push_back(begin), line.value.push_back(*held);
    line.ts.push_back(t);
    line.value.push_back(v);
  }
  if (held && line.ts.empty()) line.ts.push_back(begin), line.value.push_back(*held);
  return line;
}

}  // namespace

LoadModel load_model(const Session& s, const serving::MetricMap* map, Ns begin, Ns end) {
  LoadModel m;
  const auto [lo, hi] = s.span();
  m.t0 = std::max(lo, begin);
  m.t1 = std::max(m.t0 + 1, std::min(hi, end));
  std::string engine;
  if (auto it = s.meta.find("engine"); it != s.meta.end()) engine = it->second;
  for (const ChartSpec& spec : kCharts) {
    auto found = session_concept_series(s, map, spec.concept_name, engine);
    bool counter = std::string_view(spec.concept_name) == "preemptions";
    if (spec.fallback) {  // the counter's rate when it comes from a better origin (a scrape over a log)
      auto alt = session_concept_series(s, map, spec.fallback, engine);
      auto rank = [&](const auto& f) {
        return f.empty() ? 99 : series_origin_rank(s.series.info[f[0].first].origin);
      };
      if (rank(alt) < rank(found)) {
        found = std::move(alt);
        counter = true;
      }
    }
    if (found.empty()) continue;
    LoadChart c;
    c.concept_name = spec.concept_name;
    c.title = spec.title;
    c.unit = spec.unit;
    c.source = origin_name(s.series.info[found[0].first].origin);
    const bool preempt = c.concept_name == "preemptions";
    c.y_max = 0;
    for (const auto& [series, scale] : found) {
      LoadLine line = line_of(s, series, scale, counter, m.t0, m.t1, preempt ? &m.preemptions : nullptr);
      for (double v : line.value) c.y_max = std::max(c.y_max, v);
      if (!line.ts.empty()) c.lines.push_back(std::move(line));
    }
    if (c.unit == plot::Unit::Fraction)
      c.y_max = std::clamp(c.y_max * 1.2, 0.05, 1.0);  // at least 0..5 %, at most 100 %
    else if (c.y_max <= 0)
      c.y_max = 1;
    m.charts.push_back(std::move(c));
  }
  std::sort(m.preemptions.begin(), m.preemptions.end());
  const RequestTable& rq = s.requests;
  for (size_t i = 0; i < rq.size(); ++i) {
    if (rq.status[i] == serving::RequestStatus::Ok) continue;
    const Ns t = rq.end_of(i);
    if (t != kNoTime && t >= m.t0 && t < m.t1) m.failures.push_back(t);
  }
  std::sort(m.failures.begin(), m.failures.end());
  if (m.charts.empty())
    m.note =
        "No load series: open a serve-profile run (it scrapes /metrics) or a server log with stats lines.";
  return m;
}

std::vector<plot::Column> line_columns(const LoadLine& line, Ns t0, Ns t1, int columns) {
  std::vector<plot::Column> cols(static_cast<size_t>(std::max(0, columns)));
  if (cols.empty() || t1 <= t0) return cols;
  const size_t n = line.ts.size();
  size_t j = static_cast<size_t>(std::lower_bound(line.ts.begin(), line.ts.end(), t0) - line.ts.begin());
  bool have = j > 0;
  double held = have ? line.value[j - 1] : 0;  // the step function's value entering the column
  const double width = static_cast<double>(t1 - t0) / static_cast<double>(cols.size());
  for (size_t k = 0; k < cols.size(); ++k) {
    plot::Column& c = cols[k];
    if (have) c.min = c.max = held, c.empty = false;
    const Ns col_end = k + 1 == cols.size() ? t1 : t0 + static_cast<Ns>(width * static_cast<double>(k + 1));
    for (; j < n && line.ts[j] < col_end; ++j) {
      held = line.value[j];
      c.min = c.empty ? held : std::min(c.min, held);
      c.max = c.empty ? held : std::max(c.max, held);
      c.empty = false;
      have = true;
    }
  }
  return cols;
}

std::vector<uint32_t> mark_columns(const std::vector<Ns>& ts, Ns t0, Ns t1, int columns) {
  std::vector<uint32_t> out(static_cast<size_t>(std::max(0, columns)), 0);
  if (out.empty() || t1 <= t0) return out;
  const double per = static_cast<double>(out.size()) / static_cast<double>(t1 - t0);
  for (Ns t : ts)
    if (t >= t0 && t < t1)
      ++out[std::min(out.size() - 1, static_cast<size_t>(static_cast<double>(t - t0) * per))];
  return out;
}

}  // namespace hp
