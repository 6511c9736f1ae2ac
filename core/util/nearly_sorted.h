#pragma once
// Stable sort for ranges made of a few ascending runs, as a track's slices are in file order:
// a trace writes ops in start order and then, say, its Python frames in start order, tile after
// tile. A natural merge sort finds the runs and merges neighbours pass by pass, skipping pairs that
// are already in order and trimming each merge to where the runs overlap, so it costs
// O(n log runs) at worst and little more than the scan when runs overlap only a little. Inputs with
// many short runs (shuffled data) go to std::stable_sort, which is faster there.
#include <algorithm>
#include <cstddef>
#include <iterator>
#include <vector>

namespace hp {

// Returns the number of ascending runs found (0 when it handed the range to std::stable_sort).
template <class It, class Less>
size_t stable_sort_nearly_sorted(It first, It last, Less less) {
  const size_t n = static_cast<size_t>(std::distance(first, last));
  if (n < 2) return 1;
  std::vector<size_t> bounds{0};  // run i is [bounds[i], bounds[i+1])
  for (size_t i = 1; i < n; ++i) {
    if (!less(first[i], first[i - 1])) continue;
    bounds.push_back(i);
    if (bounds.size() > n / 16 + 8) {
      std::stable_sort(first, last, less);
      return 0;
    }
  }
  bounds.push_back(n);
  const size_t runs = bounds.size() - 1;
  while (bounds.size() > 2) {
    std::vector<size_t> merged{0};
    for (size_t k = 0; k + 1 < bounds.size(); k += 2) {
      if (k + 2 < bounds.size()) {
        It a = first + bounds[k], mid = first + bounds[k + 1], b = first + bounds[k + 2];
        if (less(*mid, *std::prev(mid))) {  // merge only where the two runs overlap
          It from = std::upper_bound(a, mid, *mid, less),
             to = std::lower_bound(mid, b, *std::prev(mid), less);
          std::inplace_merge(from, mid, to, less);
        }
        merged.push_back(bounds[k + 2]);
      } else {
        merged.push_back(bounds[k + 1]);
      }
    }
    bounds.swap(merged);
  }
  return runs;
}

}  // namespace hp
