#pragma once
// Multi-rank skew. Per rank (devices summed; each a union over its streams):
//   busy    = time any kernel/memcpy/memset runs;
//   kernel_busy = time any kernel runs (what the Kernels panel calls busy);
//   compute = time a compute kernel runs;  comm = time a comm kernel runs;
//   comm_wait = comm - min over ranks of comm: time spent in collectives beyond the fastest
//               rank, i.e. waiting for the slowest peer to arrive.
// skew = max - min of busy. The straggler is the rank with the most compute time, named when
// there are >= 2 ranks and some other rank waits in comm (comm_wait > 0): the peers wait for it.
#include <cstdint>
#include <vector>

#include "core/analysis/gpu_activity.h"

namespace hp {

struct RankLoad {
  uint32_t rank = 0;
  uint32_t devices = 0;
  uint64_t kernels = 0, comm_kernels = 0;
  Ns begin = 0, end = 0;
  Ns busy = 0, compute = 0, comm = 0, comm_wait = 0;
  Ns kernel_busy = 0;
};

struct RankSkew {
  std::vector<RankLoad> ranks;                        // by rank
  Ns busy_skew = 0, compute_skew = 0, comm_skew = 0;  // max - min
  int64_t straggler = -1;                             // rank, -1 when none
  Ns straggler_excess = 0;                            // its compute minus the median rank's compute
};

RankSkew rank_skew(const std::vector<DeviceActivity>& devices);

}  // namespace hp
