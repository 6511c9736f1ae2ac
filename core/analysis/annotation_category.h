#pragma once
// Annotation overrides of kernel categories: "an NVTX range or record_function annotation
// overrides a rule". For every kernel, the annotations around it are
//   CPU side: user_annotation (record_function) and NVTX slices enclosing its launch call
//             (GpuOps::launch_slice) on the launching thread, innermost first;
//   GPU side: gpu_user_annotation and NVTX windows on its (rank, device) that contain its start,
//             innermost (latest start) first.
// The first annotation whose name forces a category (KernelCategorizer::category_from_annotation:
// "hotpath:cat=X", a category's exact name, or an annotation rule) gives the kernel that category.
// The CPU side is asked first, except for CUDA-graph-launched kernels: one graph launch encloses a
// whole replay, so the GPU window says more (the same order as stage_assign). cpu_ops (ATen ops)
// are not annotations and never override. Memcpy/memset rows are not kernels and keep "memory".
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/analysis/kernel_category.h"
#include "core/model/run.h"

namespace hp {

struct AnnotationCategories {
  // Per Run::gpu row: the forced category ("" = none; it points into the categorizer, which must
  // outlive this) and the annotation slice that forced it (kNone). Both empty when no annotation
  // in the run forces anything.
  std::vector<std::string_view> forced;
  std::vector<uint32_t> annotation;
  uint64_t kernels = 0;                 // kernels with a forced category
  uint64_t changed = 0;                 // of them, kernels whose name rules say something else
  uint64_t from_cpu = 0, from_gpu = 0;  // by the side that forced it
  uint64_t annotations = 0;             // annotation slices whose name forces a category

  std::string_view of(uint32_t gpu_row) const { return gpu_row < forced.size() ? forced[gpu_row] : ""; }
};

// `parents` is slice_parents(run).
AnnotationCategories annotation_categories(const Run& run, const KernelCategorizer& categorizer,
                                           const std::vector<uint32_t>& parents);

}  // namespace hp
