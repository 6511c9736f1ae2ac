#include "core/session/range_serving.h"

#include <algorithm>
#include <numeric>

#include "core/util/percentile.h"

namespace hp {

RangeServing range_serving(const Session& s, Ns begin, Ns end) {
  RangeServing out;
  const RequestTable& rq = s.requests;
  std::vector<Ns> ttft, e2e;
  for (size_t i = 0; i < rq.size(); ++i) {
    const Ns t = rq.start_of(i);
    if (t == kNoTime || t < begin || t >= end) continue;
    ++out.requests;
    out.failed += rq.status[i] != serving::RequestStatus::Ok;
    if (rq.sent[i] != kNoTime && rq.first_token[i] != kNoTime) ttft.push_back(rq.first_token[i] - rq.sent[i]);
    if (rq.sent[i] != kNoTime && rq.finish[i] != kNoTime) e2e.push_back(rq.finish[i] - rq.sent[i]);
  }
  std::sort(ttft.begin(), ttft.end());
  std::sort(e2e.begin(), e2e.end());
  if (!ttft.empty()) {
    out.ttft_mean = std::accumulate(ttft.begin(), ttft.end(), Ns{0}) / static_cast<Ns>(ttft.size());
    out.ttft_p50 = percentile_sorted(std::span<const Ns>(ttft), 0.5);
    out.ttft_p99 = percentile_sorted(std::span<const Ns>(ttft), 0.99);
  }
  out.e2e_p50 = percentile_sorted(std::span<const Ns>(e2e), 0.5);
  out.e2e_p99 = percentile_sorted(std::span<const Ns>(e2e), 0.99);
  const SeriesTable& st = s.series;
  for (uint32_t k = 0; k < st.size(); ++k) {
    const auto& info = st.info[k];
    const auto b = std::lower_bound(st.ts.begin() + info.begin, st.ts.begin() + info.end, begin);
    const auto e = std::lower_bound(b, st.ts.begin() + info.end, end);
    if (b == e) continue;
    std::vector<double> v(st.value.begin() + (b - st.ts.begin()), st.value.begin() + (e - st.ts.begin()));
    RangeServing::Series row{k, v.size(),
                             std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size())};
    std::sort(v.begin(), v.end());
    row.p50 = percentile_sorted(std::span<const double>(v), 0.5);
    row.p99 = percentile_sorted(std::span<const double>(v), 0.99);
    out.series.push_back(row);
  }
  return out;
}

}  // namespace hp
