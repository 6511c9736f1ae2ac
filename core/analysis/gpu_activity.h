#pragma once
// GPU work grouped per device, the common input of the timing analyses (overlap, idle gaps,
// launch statistics, rank skew, diff). Kernels, memcpys and memsets only: cuda_sync rows
// ("Event Sync", "Stream Wait Event") are waits, not work.
//
// Device = (rank, device id); a GPU row without a device id uses its track's pid, as kernel_table
// does. Stream = the op's `stream` arg, else its track's stream, else its track's tid.
// Kernel classes: Comm when the kernel's category is "comm" (its name rules, or an enclosing
// annotation when the cache was given annotation_categories()), Memory for memcpy/memset slices,
// Compute for every other kernel (kernels the categorizer calls "memory", e.g. copy kernels,
// still occupy SMs and count as compute, as in HTA's temporal breakdown).
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/analysis/annotation_category.h"
#include "core/analysis/kernel_category.h"
#include "core/model/run.h"
#include "core/util/percentile.h"

namespace hp {

using SliceFilter = std::function<bool(uint32_t slice)>;  // same alias as kernel_table.h

enum class OpClass : uint8_t { Compute, Comm, Memory };
const char* to_string(OpClass c);

struct GpuActivity {
  uint32_t slice = 0;
  uint32_t op = 0;  // row of Run::gpu
  Ns start = 0, end = 0;
  int64_t stream = -1;
  OpClass cls = OpClass::Compute;
};

struct DeviceActivity {
  uint32_t rank = 0;
  int32_t device = -1;
  std::vector<GpuActivity> ops;  // sorted by (start, end, slice)
  std::vector<int64_t> streams;  // distinct, ascending
};

// Category names per kernel name, computed once per distinct name; with annotation overrides
// (annotation_category.h), per GPU op: the forced category where there is one.
class CategoryCache {
 public:
  CategoryCache(const Run& run, const KernelCategorizer& categorizer,
                const AnnotationCategories* overrides = nullptr)
      : run_(run), cat_(categorizer), overrides_(overrides) {}
  std::string_view of(StrId name);  // by the name rules only
  bool is_comm(StrId name) { return of(name) == "comm"; }
  // The category of the kernel in Run::gpu row `op` (named `name`).
  std::string_view of_op(uint32_t op, StrId name) {
    if (overrides_)
      if (std::string_view f = overrides_->of(op); !f.empty()) return f;
    return of(name);
  }
  const AnnotationCategories* overrides() const { return overrides_; }

 private:
  const Run& run_;
  const KernelCategorizer& cat_;
  const AnnotationCategories* overrides_;
  std::unordered_map<StrId, std::string_view> memo_;
};

// Every device with at least one selected op, sorted by (rank, device).
std::vector<DeviceActivity> gpu_activity(const Run& run, CategoryCache& categories,
                                         const SliceFilter& include = {});

// The Run::gpu row of a GPU slice, or kNone.
uint32_t gpu_op_of_slice(const Run& run, uint32_t slice);

// percentile_sorted and percent: core/util/percentile.h, the one definition.

}  // namespace hp
