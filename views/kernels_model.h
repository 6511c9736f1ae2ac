#pragma once
// Sorting and filtering of the Kernels table (pure, so it is tested without ImGui).
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/analysis/kernel_table.h"

namespace hp {

enum class KernelColumn { Name, Category, GpuTime, Launches, Avg, P50, P99, ShareSum, ShareBusy, Count };

// Row indices of `t` whose name or category contains `filter` (case-insensitive), sorted.
std::vector<uint32_t> sort_filter_rows(const Run& run, const KernelTable& t, std::string_view filter,
                                       KernelColumn col, bool ascending);

}  // namespace hp
