#include "core/experts/expert_load.h"

#include <fmt/format.h>

#include <stdexcept>

namespace hp::experts {

void add_into(ExpertLoad& a, const ExpertLoad& b) {
  if (a.layer_ids != b.layer_ids || a.experts != b.experts)
    throw std::invalid_argument(
        fmt::format("{} has {} layers x {} experts but {} has {} x {}; cannot add them", b.source, b.layers(),
                    b.experts, a.source, a.layers(), a.experts));
  for (size_t i = 0; i < a.counts.size(); ++i) a.counts[i] += b.counts[i];
  a.source += ", " + b.source;
  a.warnings.insert(a.warnings.end(), b.warnings.begin(), b.warnings.end());
}

}  // namespace hp::experts
