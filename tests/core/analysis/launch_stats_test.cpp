#include <catch2/catch.hpp>

#include "core/analysis/launch_stats.h"
#include "support/analysis_fixtures.h"
#include "support/gpu_run_maker.h"

using namespace hp;
using test::GpuSpec;

TEST_CASE("launch stats: tiny kernels, graph launches, missing launches and a CPU-bound window") {
  // 12 "tiny" kernels of 2 µs, each issued by a 5 µs cudaLaunchKernel at 10 µs steps; the kernel
  // starts 1 µs after its call returns. The GPU idles 8 µs between them waiting for the CPU.
  std::vector<GpuSpec> specs;
  for (Ns i = 0; i < 12; ++i) {
    GpuSpec s{10'000 * i + 6'000, 2'000, "tiny_kernel"};
    s.launch_start = 10'000 * i;
    s.launch_dur = 5'000;
    specs.push_back(s);
  }
  GpuSpec graph{0, 50'000, "graph_gemm_kernel", 8};
  graph.launch_start = 0;
  graph.launch_dur = 20'000;
  graph.launch_name = "cudaGraphLaunch";
  graph.launch_tid = 101;  // another thread: not part of the window's launch-call time
  specs.push_back(graph);
  specs.push_back({60'000, 1'000, "orphan_kernel", 8});  // no launch call in the trace
  auto run = test::make_gpu_run(specs);
  CategoryCache cats(*run, test::builtin_categorizer());
  auto devices = gpu_activity(*run, cats);
  IdleReport idle = idle_gaps(*run, devices);
  LaunchStats st = launch_stats(*run, devices, idle);
  CHECK(st.kernels == 14);
  CHECK(st.no_launch == 1);
  CHECK(st.graph_launched == 1);
  CHECK(st.duration.count == 12);
  CHECK(st.duration.p50 == 2'000);
  CHECK(st.overhead.p50 == 5'000);
  CHECK(st.overhead.p99 == 5'000);
  CHECK(st.delay.p50 == 1'000);
  CHECK(st.launch_bound == 12);
  CHECK(st.launch_bound_gpu_time == 24'000);
  CHECK(st.launch_bound_overhead == 60'000);
  REQUIRE(st.rows.size() == 1);
  CHECK(run->str(st.rows[0].name) == "tiny_kernel");
  CHECK(st.rows[0].launch_bound == 12);

  REQUIRE(st.windows.size() == 1);
  const CpuBoundWindow& w = st.windows[0];
  CHECK(w.stream == 7);
  CHECK(w.gaps == 11);
  CHECK(w.ops == 12);
  CHECK(w.begin == 6'000);
  CHECK(w.end == 118'000);
  CHECK(w.gpu_idle == 88'000);
  CHECK(w.launch_calls == 55'000);  // calls 1..11; call 0 ends before the window
  REQUIRE(w.launch_track != kNone);
  CHECK(run->tracks[w.launch_track].tid == 100);
}

TEST_CASE("launch stats: HTA event-sync fixture by hand") {
  // sgemm start - cudaLaunchKernel end (µs): 348700-(348670+31) = -1, 349097-(349081+14) = 2,
  // 368050-(368035+14) = 1. Overheads 31, 14, 14. Kernel 123 each.
  auto run = test::load_trace({test::kineto_data("hta_event_sync_multi_stream_a100.json.gz")});
  CategoryCache cats(*run, test::builtin_categorizer());
  auto devices = gpu_activity(*run, cats);
  LaunchStats st = launch_stats(*run, devices, idle_gaps(*run, devices));
  CHECK(st.kernels == 3);
  CHECK(st.no_launch == 0);
  CHECK(st.delay.p50 == 1'000);
  CHECK(st.delay.p99 == 1'980);  // numpy.percentile([-1, 1, 2], 99) = 1.98 µs (the one percentile)
  CHECK(st.delay.sum == 2'000);
  CHECK(st.overhead.p50 == 14'000);
  CHECK(st.overhead.max == 31'000);
  CHECK(st.duration.p50 == 123'000);
  CHECK(st.launch_bound == 0);
  CHECK(st.windows.empty());
}

TEST_CASE("launch stats: graph launch names") {
  CHECK(is_graph_launch("cudaGraphLaunch"));
  CHECK(is_graph_launch("hipGraphLaunch"));
  CHECK(is_graph_launch("cuGraphLaunch_v2"));
  CHECK_FALSE(is_graph_launch("cudaLaunchKernel"));
}

TEST_CASE("launch stats: full-graph vLLM decode on MI300X keeps graph replays apart") {
  // python over the raw events: 425 kernels; 421 share the correlation of the one
  // hipGraphLaunch, 3 come from hipLaunchKernel and 1 from hipExtModuleLaunchKernel.
  auto run = test::load_trace({test::kineto_data("tracelens_vllm_decode_fullgraph_mi300x_exec.json.gz")});
  CategoryCache cats(*run, test::builtin_categorizer());
  auto devices = gpu_activity(*run, cats);
  LaunchStats st = launch_stats(*run, devices, idle_gaps(*run, devices));
  CHECK(st.kernels == 425);
  CHECK(st.graph_launched == 421);
  CHECK(st.no_launch == 0);
  CHECK(st.duration.count == 4);
}
