#include "views/timeline/counter_columns.h"

#include <algorithm>
#include <cmath>

namespace hp {

std::vector<CounterColumn> counter_columns(const Counters& c, const CounterSeries& s, TimeWindow view,
                                           int width) {
  std::vector<CounterColumn> out;
  if (s.sample_end <= s.sample_begin || width <= 0 || view.span() <= 0) return out;
  auto ts_begin = c.ts.begin() + s.sample_begin, ts_end = c.ts.begin() + s.sample_end;
  // The sample in force at view.t0 is the last one at or before it.
  auto it = std::upper_bound(ts_begin, ts_end, view.t0);
  size_t i = static_cast<size_t>((it == ts_begin ? it : it - 1) - c.ts.begin());
  const double px_per_ns = static_cast<double>(width) / static_cast<double>(view.span());
  auto col_of = [&](Ns t) {
    return static_cast<int>(std::floor(static_cast<double>(t - view.t0) * px_per_ns));
  };
  if (c.ts[i] > view.t1) return out;
  double held = c.value[i];
  int x = std::max(0, col_of(c.ts[i]));
  CounterColumn cur{x, held, held};
  for (++i; i < s.sample_end && c.ts[i] <= view.t1; ++i) {
    int cx = col_of(c.ts[i]);
    if (cx != cur.x) {
      out.push_back(cur);
      for (int fill = cur.x + 1; fill < std::min(cx, width); ++fill) out.push_back({fill, held, held});
      cur = {std::max(cx, 0), held, held};
    }
    held = c.value[i];
    cur.min = std::min(cur.min, held);
    cur.max = std::max(cur.max, held);
  }
  out.push_back(cur);
  int last = i < s.sample_end ? width : std::min(width, col_of(c.ts[s.sample_end - 1]) + 1);
  for (int fill = cur.x + 1; fill < last; ++fill) out.push_back({fill, held, held});
  return out;
}

std::pair<double, double> counter_extent(const Counters& c, const CounterSeries& s) {
  if (s.sample_end <= s.sample_begin) return {0, 0};
  auto [lo, hi] = std::minmax_element(c.value.begin() + s.sample_begin, c.value.begin() + s.sample_end);
  return {*lo, *hi};
}

}  // namespace hp
