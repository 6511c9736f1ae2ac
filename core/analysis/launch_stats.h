#pragma once
// Kernel launch statistics (HTA get_cuda_kernel_launch_stats), for kernels whose launching
// runtime/driver call is in the trace (GpuOps::launch_slice):
//   launch overhead = duration of the runtime call (cudaLaunchKernel, cuLaunchKernelEx, ...);
//   launch delay    = kernel start - end of that call (negative when the kernel started first);
//   launch-bound    = overhead > kernel duration: the CPU spends longer issuing the kernel than
//                     the GPU spends running it (HTA's "short kernels").
// Kernels replayed from a CUDA graph share one cudaGraphLaunch/hipGraphLaunch call; its
// duration is no per-kernel overhead, so they are counted in `graph_launched` and left out of
// the overhead/delay distributions.
//
// CPU-bound windows: on one stream, a maximal run of ops separated by host-wait gaps (see
// idle_gaps.h) with at least kMinWindowGaps gaps. The GPU idled because work arrived late; the
// window reports the launching thread's runtime-call time inside it as evidence that the CPU
// was busy issuing work.
#include <cstdint>
#include <vector>

#include "core/analysis/gpu_activity.h"
#include "core/analysis/idle_gaps.h"

namespace hp {

struct Distribution {
  uint64_t count = 0;
  Ns p50 = 0, p99 = 0, max = 0, sum = 0;
};
Distribution distribution(std::vector<Ns> values);

struct KernelLaunchRow {
  StrId name = 0;
  uint64_t launches = 0;  // with a non-graph launch call
  Distribution duration, overhead, delay;
  uint64_t launch_bound = 0;  // launches with overhead > duration
};

struct CpuBoundWindow {
  uint32_t rank = 0;
  int32_t device = -1;
  int64_t stream = -1;
  Ns begin = 0, end = 0;  // first op start .. last op end
  uint64_t ops = 0, gaps = 0;
  Ns gpu_idle = 0;                // host-wait gap time
  Ns launch_calls = 0;            // runtime-call time of the launching thread(s) inside the window
  uint32_t launch_track = kNone;  // the launching thread of the window's first op
};

constexpr uint64_t kMinWindowGaps = 3;

struct LaunchStats {
  uint64_t kernels = 0;                    // selected kernels
  uint64_t no_launch = 0;                  // without a launch call in the trace
  uint64_t graph_launched = 0;             // launched by a graph launch
  Distribution duration, overhead, delay;  // over kernels with a non-graph launch call
  uint64_t launch_bound = 0;
  Ns launch_bound_gpu_time = 0;         // their kernel time
  Ns launch_bound_overhead = 0;         // their launch-call time
  std::vector<KernelLaunchRow> rows;    // by launch_bound count, then launches, descending
  std::vector<CpuBoundWindow> windows;  // by gpu_idle, descending
};

LaunchStats launch_stats(const Run& run, const std::vector<DeviceActivity>& devices, const IdleReport& idle);

// True for cudaGraphLaunch / hipGraphLaunch / cuGraphLaunch (and their _v2/Ex variants).
bool is_graph_launch(std::string_view api_name);

}  // namespace hp
