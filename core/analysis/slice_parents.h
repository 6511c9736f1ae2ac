#pragma once
// Nesting of slices: the parent of a slice is the innermost slice of the same track and lane that
// encloses it in time. Analyses walk this chain to find the cpu_op, Python frames or step
// annotation around a kernel launch.
#include <cstdint>
#include <vector>

#include "core/model/run.h"

namespace hp {

// parents[i]: the enclosing slice of slice i, kNone for a root. O(n), one pass per track and lane.
std::vector<uint32_t> slice_parents(const Run& run);

}  // namespace hp
