#pragma once
// Range statistics of the serving tables, beside the trace's (core/analysis/range_stats.h): the
// requests that started in [begin, end) with their TTFT and E2E, and for each metric series the
// samples in the range (count, mean, p50, p99 of the raw values).
#include <string>
#include <vector>

#include "core/session/session.h"

namespace hp {

struct RangeServing {
  size_t requests = 0, failed = 0;
  Ns ttft_mean = 0, ttft_p50 = 0, ttft_p99 = 0;  // over requests with a first token
  Ns e2e_p50 = 0, e2e_p99 = 0;
  struct Series {
    uint32_t series = 0;  // into SeriesTable
    size_t count = 0;
    double mean = 0, p50 = 0, p99 = 0;
  };
  std::vector<Series> series;  // those with samples in the range, in table order
};

RangeServing range_serving(const Session& s, Ns begin, Ns end);

}  // namespace hp
