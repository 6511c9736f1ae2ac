#include "core/analysis/intervals.h"

#include <algorithm>

namespace hp {

Ns union_length(std::vector<std::pair<Ns, Ns>>& iv) {
  std::sort(iv.begin(), iv.end());
  Ns total = 0, cs = 0, ce = 0;
  bool open = false;
  for (auto [a, b] : iv) {
    if (open && a <= ce) {
      ce = std::max(ce, b);
      continue;
    }
    if (open) total += ce - cs;
    cs = a, ce = b, open = true;
  }
  return open ? total + (ce - cs) : total;
}

}  // namespace hp
