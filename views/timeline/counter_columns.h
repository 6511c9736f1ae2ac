#pragma once
// A counter series reduced to one min/max pair per pixel column (values hold until the next
// sample), so a series of any length costs at most `width` primitives.
#include <vector>

#include "core/model/run.h"
#include "views/timeline/view_range.h"

namespace hp {

struct CounterColumn {
  int x = 0;
  double min = 0, max = 0;
};

std::vector<CounterColumn> counter_columns(const Counters& c, const CounterSeries& s, TimeWindow view,
                                           int width);
// The same over plain columns: n samples (ts ascending) and their values.
std::vector<CounterColumn> step_columns(const Ns* ts, const double* value, size_t n, TimeWindow view,
                                        int width);
// Minimum and maximum over the whole series (the row's vertical scale).
std::pair<double, double> counter_extent(const Counters& c, const CounterSeries& s);

}  // namespace hp
