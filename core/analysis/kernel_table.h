#pragma once
// Per-kernel-name GPU time table. Two shares, with their denominators named:
//   share_sum_pct  = kernel time / sum of all kernel time in the selection;
//   share_busy_pct = kernel time / GPU-busy time (union of kernel intervals per device, summed).
// Overlapping kernels make the sum exceed the busy time, so share_busy can add up past 100%.
// Categories come from `categorize` (by name) unless `overrides` forces one for a launch
// (annotation_category.h); a name whose launches fall in two categories then gets one row each.
#include <functional>
#include <string>
#include <vector>

#include "core/analysis/annotation_category.h"
#include "core/model/run.h"

namespace hp {

struct KernelRow {
  StrId name = 0;
  std::string category;
  Ns gpu_time = 0;
  uint64_t launches = 0;
  Ns avg = 0, p50 = 0, p99 = 0, min = 0, max = 0;  // nearest-rank percentiles
  double share_sum_pct = 0, share_busy_pct = 0;
  uint64_t forced_launches = 0;  // launches whose category an enclosing annotation forced
};

struct CategoryRow {
  std::string category;
  Ns gpu_time = 0;
  uint64_t launches = 0;
  uint64_t kernels = 0;  // distinct names
  double share_sum_pct = 0, share_busy_pct = 0;
};

struct KernelTable {
  Ns gpu_time = 0;   // sum of kernel durations
  Ns busy_time = 0;  // union per device, summed over devices
  uint64_t launches = 0;
  std::vector<KernelRow> rows;  // by gpu_time, descending
  std::vector<CategoryRow> categories;
};

using SliceFilter = std::function<bool(uint32_t slice)>;
using CategoryFn = std::function<std::string(std::string_view name)>;

// Kernels only (SliceKind::Kernel). `include` selects slices (e.g. one stage); empty = all.
KernelTable kernel_table(const Run& run, const SliceFilter& include = {}, const CategoryFn& categorize = {},
                         const AnnotationCategories* overrides = nullptr);

// Slice ids of every kernel with this name, sorted (for highlighting and next/previous).
std::vector<uint32_t> kernel_occurrences(const Run& run, StrId name);

}  // namespace hp
