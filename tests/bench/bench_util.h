#pragma once
// Timing helpers shared by the benchmarks.
#include <algorithm>
#include <chrono>

namespace hp::bench {

// The fastest of `repeats` runs of f, in seconds.
template <class F>
double best_seconds(int repeats, F&& f) {
  double best = 1e30;
  for (int i = 0; i < repeats; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

}  // namespace hp::bench
