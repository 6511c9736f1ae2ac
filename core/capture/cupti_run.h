#pragma once
// CUPTI activity records (core/capture/cupti_frames.h, one StreamRecords per traced process) -> a
// Run, through the same RunBuilder as the nsys and Kineto importers: kernels, memcpys and memsets on
// one GPU track per (process, device, stream), synchronization beside them, runtime/driver calls and
// NVTX ranges on one CPU track per calling thread, GPU work linked to its launching call by
// correlation id. Times: CUPTI timestamps mapped to the epoch clock with each process's clock pair;
// Run time 0 is the earliest process start, TraceSource::base_time_ns its epoch ns.
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/capture/cupti_frames.h"
#include "core/model/run.h"

namespace hp::cupti {

struct CaptureOptions {
  std::string source_name = "cupti-capture";  // TraceSource::path and the file of log entries
  // Epoch ns: only records overlapping [window_begin, window_end) are kept (--start-after, --duration).
  Ns window_begin = std::numeric_limits<Ns>::min();
  Ns window_end = std::numeric_limits<Ns>::max();
  // --range nvtx:NAME: keep API calls and markers overlapping an NVTX range of this name, and the GPU
  // work those calls launched (by correlation; uncorrelated GPU work by time).
  std::string nvtx_range;
};

struct CaptureCounts {
  uint64_t processes = 0, kernels = 0, memcpys = 0, memsets = 0, syncs = 0, api_calls = 0;
  uint64_t nvtx_ranges = 0, nvtx_marks = 0;
  uint64_t outside = 0;  // records left out by the window or the NVTX range
  uint64_t dropped = 0;  // records lost in the target (CUPTI drops, refused buffers, unsent records)
  uint64_t graph_kernels = 0;
};

// Never throws on record contents: what is odd (no hello, unpaired markers, end < start, losses, a
// stream that failed) is kept when possible and reported in run->log.
std::unique_ptr<Run> build_capture_run(const std::vector<StreamRecords>& streams, const CaptureOptions& opt,
                                       CaptureCounts* counts = nullptr);

}  // namespace hp::cupti
