#include <catch2/catch.hpp>

#include "core/analysis/overlap.h"
#include "support/analysis_fixtures.h"
#include "support/gpu_run_maker.h"

using namespace hp;
using test::GpuSpec;

namespace {

const OpOverlap& row(const Run& run, const OverlapReport& r, std::string_view name) {
  for (const auto& o : r.ops)
    if (run.str(o.name) == name) return o;
  FAIL("no row " << name);
  return r.ops.front();
}

}  // namespace

TEST_CASE("overlap: hand-made two streams, comm beside compute, copies, idle") {
  // Device 0: stream 7 runs gemm, a DtoD copy and gemm2; stream 20 an all-reduce and an HtoD copy.
  //   [0,50) gemm | [50,100) gemm+allreduce | [100,150) allreduce | [150,200) idle |
  //   [200,220) DtoD | [220,250) gemm2 | [250,270) gemm2+HtoD | [270,300) gemm2
  // Device 1: two ops of ONE stream overlapping (overflow lane): never "hidden".
  auto run = test::make_gpu_run({
      {0, 100, "gemm_kernel", 7},
      {50, 100, "ncclDevKernel_AllReduce_Sum", 20},
      {200, 20, "Memcpy DtoD (Device -> Device)", 7, SliceKind::Memcpy},
      {220, 80, "gemm2_kernel", 7},
      {250, 20, "Memcpy HtoD (Pinned -> Device)", 20, SliceKind::Memcpy},
      {0, 100, "a_kernel", 7, SliceKind::Kernel, 0, 1},
      {50, 70, "b_kernel", 7, SliceKind::Kernel, 0, 1},
  });
  CategoryCache cats(*run, test::builtin_categorizer());
  OverlapReport r = overlap_analysis(*run, cats);
  REQUIRE(r.devices.size() == 2);
  const DeviceOverlap& d = r.devices[0];
  CHECK(d.device == 0);
  CHECK(d.streams == 2);
  CHECK(d.ops == 5);
  CHECK(d.begin == 0);
  CHECK(d.end == 300);
  CHECK(d.busy == 250);
  CHECK(d.both == 50);
  CHECK(d.compute_only == 130);  // 50 + 30 + 20 (HtoD beside gemm2 counts as compute) + 30
  CHECK(d.comm_only == 50);
  CHECK(d.memory_only == 20);
  CHECK(d.idle == 50);
  CHECK(d.multi_stream == 70);
  CHECK(d.max_concurrent_streams == 2);
  CHECK(d.comm_overlap_pct() == Approx(50.0));
  CHECK(d.stream_alone == std::vector<std::pair<int64_t, Ns>>{{7, 130}, {20, 50}});

  const DeviceOverlap& d1 = r.devices[1];
  CHECK(d1.busy == 120);
  CHECK(d1.max_concurrent_streams == 1);
  CHECK(d1.multi_stream == 0);

  const OpOverlap& gemm = row(*run, r, "gemm_kernel");
  CHECK(gemm.category == "gemm");
  CHECK(gemm.cls == OpClass::Compute);
  CHECK(gemm.exclusive == 50);
  CHECK(gemm.hidden == 50);
  CHECK(gemm.hidden_by_compute == 0);  // hidden by communication only
  const OpOverlap& ar = row(*run, r, "ncclDevKernel_AllReduce_Sum");
  CHECK(ar.cls == OpClass::Comm);
  CHECK(ar.category == "comm");
  CHECK(ar.exclusive == 50);
  CHECK(ar.hidden == 50);
  CHECK(ar.hidden_by_compute == 50);
  CHECK(row(*run, r, "gemm2_kernel").exclusive == 60);
  CHECK(row(*run, r, "gemm2_kernel").hidden == 20);
  const OpOverlap& htod = row(*run, r, "Memcpy HtoD (Pinned -> Device)");
  CHECK(htod.cls == OpClass::Memory);
  CHECK(htod.category == "memory");
  CHECK(htod.hidden_by_compute == 20);
  CHECK(row(*run, r, "b_kernel").exclusive == 70);  // same stream: not hidden
  CHECK(row(*run, r, "b_kernel").hidden == 0);

  CHECK(r.all.busy == 370);
  CHECK(r.all.idle == 50);
  CHECK(r.all.max_concurrent_streams == 2);
  CHECK(r.ops.front().total == 100);  // sorted by total, descending
}

TEST_CASE("overlap: HTA event-sync fixture (3 streams, 3 sgemm, 3 memsets) by hand") {
  // From the raw events (µs): stream 20 memset 348667+1, sgemm 348700+123; stream 28 memset
  // 349081+1, sgemm 349097+123; stream 24 memset 368034+1, sgemm 368050+123 (ts - 1712867402000000).
  // Nothing overlaps; the cuda_sync rows (Event Sync, Stream Wait Event) are not work.
  auto run = test::load_trace({test::kineto_data("hta_event_sync_multi_stream_a100.json.gz")});
  CategoryCache cats(*run, test::builtin_categorizer());
  OverlapReport r = overlap_analysis(*run, cats);
  REQUIRE(r.devices.size() == 1);
  const DeviceOverlap& d = r.devices[0];
  CHECK(d.streams == 3);
  CHECK(d.ops == 6);
  CHECK(d.end - d.begin == 19'506'000);  // 368173 - 348667 µs
  CHECK(d.busy == 372'000);
  CHECK(d.compute_only == 369'000);
  CHECK(d.memory_only == 3'000);
  CHECK(d.both == 0);
  CHECK(d.comm_only == 0);
  CHECK(d.idle == 19'134'000);
  CHECK(d.max_concurrent_streams == 1);
  CHECK(d.multi_stream == 0);
  REQUIRE(r.ops.size() == 2);
  CHECK(run->str(r.ops[0].name) == "ampere_sgemm_128x64_nn");
  CHECK(r.ops[0].count == 3);
  CHECK(r.ops[0].exclusive == 369'000);
  CHECK(r.ops[1].count == 3);
  CHECK(r.ops[1].total == 3'000);
}

TEST_CASE("overlap: zero-length ops are counted but hold no time (and do not break the sweep)") {
  auto cat = KernelCategorizer::load_builtin(HOTPATH_ASSETS_DIR);
  auto run = test::make_gpu_run(
      {{100, 0, "empty_kernel", 7}, {100, 50, "gemm_kernel", 7}, {120, 0, "empty_kernel", 20}});
  CategoryCache cats(*run, cat);
  OverlapReport r = overlap_analysis(*run, cats);
  const OpOverlap& e = row(*run, r, "empty_kernel");
  CHECK(e.count == 2);
  CHECK(e.total == 0);
  CHECK(row(*run, r, "gemm_kernel").exclusive == 50);
  CHECK(r.all.busy == 50);
}
