#pragma once
// CUDA/HIP graph replays: kernels whose launching call (GpuOps::launch_slice, by correlation) is a
// cudaGraphLaunch / hipGraphLaunch / cuGraphLaunch. Kineto gives the replayed kernels the graph
// launch's correlation id, so each replay is one launch slice and its kernels.
//
// A distinct graph is (launch name, launch site, kernels per replay): the trace carries no graph id,
// and one captured graph replays the same kernels from the same code each time.
#include <string>
#include <string_view>
#include <vector>

#include "core/analysis/kernel_sites.h"
#include "core/model/run.h"

namespace hp {

bool is_graph_launch_name(std::string_view name);

struct GraphLaunch {
  uint32_t slice = kNone;  // the cudaGraphLaunch call
  uint32_t kernels = 0;    // kernels replayed (SliceKind::Kernel)
  Ns gpu_time = 0;
  Ns first_start = 0, last_end = 0;  // GPU span of the replay (0, 0 without kernels)
  uint32_t group = 0;                // index into CudaGraphs::groups
};

struct GraphGroup {
  std::string launch_name, site, cpu_op;
  uint32_t kernels_per_replay = 0;
  uint64_t replays = 0;
  Ns gpu_time = 0;
};

struct CudaGraphs {
  std::vector<GraphLaunch> launches;  // by launch slice
  std::vector<GraphGroup> groups;     // by gpu_time, descending
  std::vector<uint32_t> gpu_launch;   // per GpuOps row: index into launches, kNone when not a replay
};

// parents: slice_parents(run), used for the launch sites.
CudaGraphs find_cuda_graphs(const Run& run, const std::vector<uint32_t>& parents);

struct GraphGroupRow {
  std::string launch_name, site, cpu_op;
  uint32_t kernels_per_replay = 0;
  uint64_t replays = 0;  // launches of this graph with a kernel in the selection
  Ns gpu_time = 0;
  double share_pct = 0;  // of all kernel time in the selection
};

struct GraphSummary {
  Ns kernel_time = 0, graph_time = 0;  // all kernels / graph-replayed kernels in the selection
  uint64_t kernels = 0, graph_kernels = 0;
  double coverage_pct = 0;         // graph_time / kernel_time
  uint64_t launches = 0;           // graph launches with a kernel in the selection
  uint64_t distinct = 0;           // distinct graphs among them
  std::vector<GraphGroupRow> top;  // by gpu_time, at most `top` rows
};

GraphSummary summarize_graphs(const Run& run, const CudaGraphs& graphs, const GpuRowFilter& include = {},
                              size_t top = 5);

}  // namespace hp
