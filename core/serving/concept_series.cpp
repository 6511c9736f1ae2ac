#include "core/serving/concept_series.h"

#include <algorithm>

#include "core/serving/serving_data.h"

namespace hp::serving {

std::string concept_of(std::string_view series_name, const MetricMap* map, std::string_view engine) {
  if (map) {
    if (const MetricMapping* m = map->lookup(series_name, engine); m && m->series == series_name)
      return m->concept_name;
    if (!map->series_of(series_name).empty()) return std::string(series_name);  // already a concept
  }
  if (series_name.rfind("iteration.", 0) == 0) return std::string(series_name);
  return {};
}

const char* series_source(const ConceptSeries& s) {
  if (s.from_log) return "log";
  return s.series && s.series->source == "prometheus" ? "prometheus" : "metrics";
}

std::vector<ConceptSeries> find_concept(const ServingData& data, std::string_view concept_name,
                                        const MetricMap* map) {
  std::string engine;
  if (auto it = data.meta.find("engine"); it != data.meta.end()) engine = it->second;
  std::vector<ConceptSeries> out;
  for (const auto& s : data.metrics) {
    if (s.key.name == concept_name) {
      out.push_back({&s, 1.0, false});
    } else if (map) {
      const MetricMapping* m = map->lookup(s.key.name, engine);
      if (m && m->series == s.key.name && m->concept_name == concept_name)
        out.push_back({&s, m->scale, false});
    }
  }
  // Direct scrape over fleet reads of the same concept.
  if (std::any_of(out.begin(), out.end(), [](const ConceptSeries& c) { return c.series->source.empty(); }))
    std::erase_if(out, [](const ConceptSeries& c) { return !c.series->source.empty(); });
  if (!out.empty()) return out;
  for (const auto& s : data.log_series)
    if (s.key.name == concept_name) out.push_back({&s, 1.0, true});
  return out;
}

std::vector<Sample> merge_series(const std::vector<ConceptSeries>& parts, Merge how) {
  if (parts.size() == 1) {
    std::vector<Sample> out = parts[0].series->samples;
    for (auto& s : out) s.value *= parts[0].scale;
    return out;
  }
  std::vector<int64_t> times;
  for (const auto& p : parts)
    for (const auto& s : p.series->samples) times.push_back(s.ts_ns);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  std::vector<size_t> pos(parts.size(), 0);
  std::vector<Sample> out;
  out.reserve(times.size());
  for (int64_t t : times) {
    bool any = false;
    double v = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
      const auto& ss = parts[i].series->samples;
      while (pos[i] < ss.size() && ss[pos[i]].ts_ns <= t) ++pos[i];
      if (pos[i] == 0) continue;
      const double x = ss[pos[i] - 1].value * parts[i].scale;
      v = !any ? x : how == Merge::Sum ? v + x : std::max(v, x);
      any = true;
    }
    if (any) out.push_back({t, v});
  }
  return out;
}

}  // namespace hp::serving
