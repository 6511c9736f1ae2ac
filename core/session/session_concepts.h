#pragma once
// A canonical concept's series in a Session (the Session's counterpart of serving/concept_series.h): the
// series named by the concept itself (log-derived) or mapped to it by the metric map, from the best origin
// that has any (the run's own scrape, then a Prometheus server, then the log, then dump files), so an
// endpoint seen two ways is not counted twice.
#include <string_view>
#include <utility>
#include <vector>

#include "core/serving/metric_map.h"
#include "core/session/session.h"

namespace hp {

int series_origin_rank(SeriesOrigin o);  // 0 scrape, 1 fleet, 2 log, 3 dump

// (series index, scale to the concept's unit) of every series of the concept; `map` may be null.
std::vector<std::pair<size_t, double>> session_concept_series(const Session& s, const serving::MetricMap* map,
                                                              std::string_view concept_name,
                                                              std::string_view engine);

}  // namespace hp
