#pragma once
// Finding a canonical concept's series in ServingData: scraped series are matched through the metric map
// (exposed name -> concept, with the scale to the concept's unit); log-derived series are already named by
// their concept (see log_run.h) and in its unit. Scraped series win when both exist, and the run's own
// /metrics scrape wins over series read from a Prometheus server (fleet mode, MetricSeries::source), so an
// endpoint seen both ways is not counted twice.
#include <string>
#include <string_view>
#include <vector>

#include "core/serving/metric_map.h"
#include "core/serving/metric_sample.h"

namespace hp {
struct ServingData;
}

namespace hp::serving {

struct ConceptSeries {
  const MetricSeries* series = nullptr;
  double scale = 1.0;
  bool from_log = false;
};

// "log", "prometheus" or "metrics" (the run's own scrape): where a series came from, for reports.
const char* series_source(const ConceptSeries& s);

// Canonical concept of a stored series name ("" when unknown); `map` may be null (then only concept names
// themselves and "iteration.*" log names are known).
std::string concept_of(std::string_view series_name, const MetricMap* map, std::string_view engine);

// Every series of the concept (one per label set): from the run's scrape, else from Prometheus, else from
// data.log_series.
std::vector<ConceptSeries> find_concept(const ServingData& data, std::string_view concept_name,
                                        const MetricMap* map);

enum class Merge : uint8_t { Sum, Max };
// One series from several label sets: at every timestamp of any of them, each contributes its latest value
// at or before that time (step hold; a series contributes nothing before its first sample). Values scaled.
std::vector<Sample> merge_series(const std::vector<ConceptSeries>& parts, Merge how);

}  // namespace hp::serving
