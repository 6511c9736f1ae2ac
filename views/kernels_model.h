#pragma once
// Sorting and filtering of the Kernels table (pure, so it is tested without ImGui).
#include <cstdint>
#include <string_view>
#include <vector>

#include <functional>

#include "core/analysis/kernel_table.h"

namespace hp {

enum class KernelColumn { Name, Category, GpuTime, Launches, Avg, P50, P99, ShareSum, ShareBusy, Count };

// Row indices of `t` whose name or category contains `filter` (case-insensitive), sorted.
std::vector<uint32_t> sort_filter_rows(const Run& run, const KernelTable& t, std::string_view filter,
                                       KernelColumn col, bool ascending);

// The header line's totals over the rows shown: with a filter they follow it (they stayed at the
// whole table's "29 kernels · 768 launches"). busy: union of the shown kernels' intervals per
// device, summed, over the slices `include` keeps (empty = all), as kernel_table computes it.
struct KernelTotals {
  size_t kernels = 0;
  uint64_t launches = 0;
  Ns gpu_time = 0, busy_time = 0;
};
KernelTotals shown_totals(const Run& run, const KernelTable& t, const std::vector<uint32_t>& rows,
                          const std::function<bool(uint32_t)>& include = {});

}  // namespace hp
