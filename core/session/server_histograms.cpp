#include "core/session/server_histograms.h"

#include <cmath>

#include "core/serving/metric_math.h"

namespace hp {
namespace {

struct Family {
  LatencyMetric metric;
  const char* concept_name;
};
constexpr Family kFamilies[] = {
    {LatencyMetric::Ttft, "ttft"},
    {LatencyMetric::Tpot, "tpot"},
    {LatencyMetric::Itl, "itl"},
    {LatencyMetric::E2e, "e2e_latency"},
    {LatencyMetric::Queue, "queue_time"},
    {LatencyMetric::Prefill, "prefill_time"},
    {LatencyMetric::Decode, "decode_time"},
};

// `le="0.5"` out of a stored label string.
std::string_view le_of(std::string_view labels) {
  const size_t at = labels.find("le=\"");
  if (at == std::string_view::npos || (at > 0 && labels[at - 1] != ',')) return {};
  const size_t end = labels.find('"', at + 4);
  return end == std::string_view::npos ? std::string_view{} : labels.substr(at + 4, end - at - 4);
}

}  // namespace

std::vector<ServerHistogram> server_histograms(const Session& s, const serving::MetricMap& map, Ns begin,
                                               Ns end) {
  std::vector<ServerHistogram> out;
  for (const Family& f : kFamilies) {
    for (const serving::MetricMapping* m : map.series_of(f.concept_name)) {
      if (m->kind != "histogram") continue;
      std::vector<serving::MetricSeries> series;
      const std::string bucket = m->series + "_bucket";
      for (size_t i = 0; i < s.series.size(); ++i) {
        const auto& info = s.series.info[i];
        if (s.str(info.name) != bucket) continue;
        serving::MetricSeries ms;
        ms.key.name = bucket;
        ms.key.labels.push_back({"le", std::string(le_of(s.str(info.labels)))});
        for (uint32_t k = info.begin; k < info.end; ++k)
          ms.samples.push_back({s.series.ts[k], s.series.value[k]});
        series.push_back(std::move(ms));
      }
      if (series.empty()) continue;
      ServerHistogram h;
      h.metric = f.metric;
      h.family = m->series;
      h.buckets = serving::histogram_window(series, m->series, begin, end);
      if (h.buckets.empty() || !std::isinf(h.buckets.back().le)) continue;
      h.count = h.buckets.back().count;
      if (!(h.count > 0)) continue;
      const double to_ms = m->unit == "seconds" ? 1e3 * m->scale : m->scale;
      h.p50 = serving::histogram_quantile(0.5, h.buckets) * to_ms;
      h.p90 = serving::histogram_quantile(0.9, h.buckets) * to_ms;
      h.p99 = serving::histogram_quantile(0.99, h.buckets) * to_ms;
      for (auto& b : h.buckets)
        if (!std::isinf(b.le)) b.le *= to_ms;
      out.push_back(std::move(h));
      break;  // one family per metric: the first engine's that the session has
    }
  }
  return out;
}

}  // namespace hp
