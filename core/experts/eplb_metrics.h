#pragma once
// SGLang's EPLB Prometheus series as an expert-load source (shared/reference/kv-and-experts.md
// §3.2): the histogram `sglang:eplb_gpu_physical_count{layer}` is a layers x GPU-ranks matrix whose
// buckets le="0".."ep_size-1" stand for ranks. The exposition is cumulative in `le`, so rank r =
// bucket(le=r) - bucket(le=r-1) (a bucket below its predecessor is a counted warning, read as 0),
// and cumulative in time, so the load over a range is the last scrape minus the first (one scrape:
// everything since the server started; a bucket that falls between scrapes is a counted reset).
// The Summary `sglang:eplb_balancedness` (_sum/_count) gives balancedness over time. The result has
// columns_are_ranks set: its "experts" are the ranks.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/experts/expert_load.h"
#include "core/serving/metric_sample.h"

namespace hp::experts {

// True when the series hold eplb_gpu_physical_count buckets or eplb_balancedness.
bool has_eplb_series(const std::vector<serving::MetricSeries>& series);

// Samples in [from_ns, to_ns] only. Null when no EPLB series is there; throws ImportError (source,
// 0, why) when the buckets are not rank numbers.
std::optional<ExpertLoad> eplb_from_series(const std::vector<serving::MetricSeries>& series,
                                           const std::string& source,
                                           int64_t from_ns = std::numeric_limits<int64_t>::min(),
                                           int64_t to_ns = std::numeric_limits<int64_t>::max());

// The part of `load` (a source whose passes have times: pass_ts_ns) in [from_ns, to_ns]: its passes
// there, their sum as the counts, the balance points there. A load without pass times is returned
// whole.
ExpertLoad passes_in_range(const ExpertLoad& load, int64_t from_ns, int64_t to_ns);

// A Prometheus text dump (one or more scrapes, samples with or without timestamps; `mtime_ns` for
// those without) holding EPLB series.
ExpertLoad read_eplb_prom(std::string_view text, const std::string& file, int64_t mtime_ns);

}  // namespace hp::experts
