#include "views/timeline/counter_columns.h"

#include <algorithm>
#include <cmath>

namespace hp {

std::vector<CounterColumn> counter_columns(const Counters& c, const CounterSeries& s, TimeWindow view,
                                           int width) {
  if (s.sample_end <= s.sample_begin) return {};
  return step_columns(c.ts.data() + s.sample_begin, c.value.data() + s.sample_begin,
                      s.sample_end - s.sample_begin, view, width);
}

std::vector<CounterColumn> step_columns(const Ns* ts, const double* value, size_t n, TimeWindow view,
                                        int width) {
  std::vector<CounterColumn> out;
  if (n == 0 || width <= 0 || view.span() <= 0) return out;
  // The sample in force at view.t0 is the last one at or before it.
  const Ns* it = std::upper_bound(ts, ts + n, view.t0);
  size_t i = static_cast<size_t>((it == ts ? it : it - 1) - ts);
  const double px_per_ns = static_cast<double>(width) / static_cast<double>(view.span());
  auto col_of = [&](Ns t) {
    return static_cast<int>(std::floor(static_cast<double>(t - view.t0) * px_per_ns));
  };
  if (ts[i] > view.t1) return out;
  double held = value[i];
  int x = std::max(0, col_of(ts[i]));
  CounterColumn cur{x, held, held};
  for (++i; i < n && ts[i] <= view.t1; ++i) {
    int cx = col_of(ts[i]);
    if (cx != cur.x) {
      out.push_back(cur);
      for (int fill = cur.x + 1; fill < std::min(cx, width); ++fill) out.push_back({fill, held, held});
      cur = {std::max(cx, 0), held, held};
    }
    held = value[i];
    cur.min = std::min(cur.min, held);
    cur.max = std::max(cur.max, held);
  }
  out.push_back(cur);
  int last = i < n ? width : std::min(width, col_of(ts[n - 1]) + 1);
  for (int fill = cur.x + 1; fill < last; ++fill) out.push_back({fill, held, held});
  return out;
}

std::pair<double, double> counter_extent(const Counters& c, const CounterSeries& s) {
  if (s.sample_end <= s.sample_begin) return {0, 0};
  auto [lo, hi] = std::minmax_element(c.value.begin() + s.sample_begin, c.value.begin() + s.sample_end);
  return {*lo, *hi};
}

}  // namespace hp
