#pragma once
// Builds small Runs with GPU ops and their launch calls by hand, through the real RunBuilder
// (so tracks, GpuOps and the correlation join are exactly what an importer produces).
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/import/run_builder.h"
#include "core/model/run.h"

namespace hp::test {

struct GpuSpec {
  GpuSpec(Ns start_, Ns dur_, std::string name_, int64_t stream_ = 7, SliceKind kind_ = SliceKind::Kernel,
          uint32_t rank_ = 0, int32_t device_ = 0)
      : start(start_),
        dur(dur_),
        name(std::move(name_)),
        stream(stream_),
        kind(kind_),
        rank(rank_),
        device(device_) {}
  Ns start = 0, dur = 0;
  std::string name;
  int64_t stream = 7;
  SliceKind kind = SliceKind::Kernel;
  uint32_t rank = 0;
  int32_t device = 0;
  Ns launch_start = -1;  // < 0: no launch call in the trace (so launches need start >= 0)
  Ns launch_dur = 0;
  std::string launch_name = "cudaLaunchKernel";
  int64_t launch_tid = 100;
  std::string cpu_op;  // when set, a cpu_op enclosing the launch call by 1 ns each side
};

// Any other slice beside the GPU ops (annotations, NVTX ranges, cpu_ops): on the CPU thread
// (pid 1000, `tid`) of `rank` where launch calls go, or with `gpu` on the GPU track (device, stream).
struct RangeSpec {
  RangeSpec(Ns start_, Ns dur_, std::string name_, SliceKind kind_ = SliceKind::UserAnnotation,
            bool gpu_ = false)
      : start(start_), dur(dur_), name(std::move(name_)), kind(kind_), gpu(gpu_) {}
  Ns start = 0, dur = 0;
  std::string name;
  SliceKind kind = SliceKind::UserAnnotation;
  bool gpu = false;
  int64_t tid = 100;     // CPU side
  int32_t device = 0;    // GPU side
  int64_t stream = 900;  // GPU side (Kineto puts gpu_user_annotation on a track of its own)
  uint32_t rank = 0;
};

// Specs may come in any order; ranks become sources in ascending order.
inline std::unique_ptr<Run> make_gpu_run(const std::vector<GpuSpec>& specs,
                                         const std::vector<RangeSpec>& ranges = {}) {
  RunBuilder b;
  uint32_t max_rank = 0;
  for (const auto& s : specs) max_rank = std::max(max_rank, s.rank);
  for (const auto& r : ranges) max_rank = std::max(max_rank, r.rank);
  int64_t corr = 0;
  for (uint32_t rank = 0; rank <= max_rank; ++rank) {
    TraceSource src;
    src.path = "rank" + std::to_string(rank) + ".json";
    src.format = "test";
    src.rank = rank;
    b.begin_source(src);
    StrId cat = b.intern("kernel");
    for (const auto& r : ranges) {
      if (r.rank != rank) continue;
      SliceIn in;
      in.start = r.start;
      in.dur = r.dur;
      in.name = b.intern(r.name);
      in.cat = b.intern(to_string(r.kind));
      in.kind = r.kind;
      in.track = r.gpu ? b.track(r.device, r.stream, TrackKind::GpuStream)
                       : b.track(1000, r.tid, TrackKind::CpuThread);
      b.add_slice(in);
    }
    for (const auto& s : specs) {
      if (s.rank != rank) continue;
      ++corr;
      SliceIn in;
      in.start = s.start;
      in.dur = s.dur;
      in.name = b.intern(s.name);
      in.cat = cat;
      in.kind = s.kind;
      in.track = b.track(s.device, s.stream, TrackKind::GpuStream);
      uint32_t slice = b.add_slice(in);
      GpuIn g;
      g.correlation = corr;
      g.device = s.device;
      g.stream = s.stream;
      b.add_gpu(slice, g);
      if (s.launch_start < 0) continue;
      SliceIn call;
      call.start = s.launch_start;
      call.dur = s.launch_dur;
      call.name = b.intern(s.launch_name);
      call.cat = b.intern("cuda_runtime");
      call.kind = SliceKind::Runtime;
      call.track = b.track(1000, s.launch_tid, TrackKind::CpuThread);
      b.add_api(b.add_slice(call), corr);
      if (s.cpu_op.empty()) continue;
      SliceIn op = call;
      op.start = s.launch_start - 1;
      op.dur = s.launch_dur + 2;
      op.name = b.intern(s.cpu_op);
      op.cat = b.intern("cpu_op");
      op.kind = SliceKind::CpuOp;
      b.add_slice(op);
    }
  }
  return b.finish();
}

}  // namespace hp::test
