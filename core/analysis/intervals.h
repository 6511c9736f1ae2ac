#pragma once
// Interval arithmetic shared by the analyses.
#include <utility>
#include <vector>

#include "core/model/run.h"

namespace hp {

// Length of the union of [first, second) intervals. Sorts `iv` in place.
Ns union_length(std::vector<std::pair<Ns, Ns>>& iv);

}  // namespace hp
