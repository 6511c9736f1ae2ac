#include <catch2/catch.hpp>

#include "core/analysis/cuda_graphs.h"
#include "core/analysis/slice_parents.h"
#include "support/fixture_run.h"

using namespace hp;

TEST_CASE("cuda graphs: launch names", "[analysis][cuda_graphs]") {
  CHECK(is_graph_launch_name("cudaGraphLaunch"));
  CHECK(is_graph_launch_name("cudaGraphLaunch_v10000"));
  CHECK(is_graph_launch_name("hipGraphLaunch"));
  CHECK(is_graph_launch_name("cuGraphLaunch"));
  CHECK(!is_graph_launch_name("cudaGraphLaunchX"));
  CHECK(!is_graph_launch_name("cudaLaunchKernel"));
  CHECK(!is_graph_launch_name("cudaGraphInstantiate"));
}

TEST_CASE("cuda graphs: coverage on the four graph fixtures (python sums)",
          "[analysis][cuda_graphs][fixtures]") {
  struct Expect {
    const char* file;
    size_t launches;
    uint64_t kernels, graph_kernels;
    Ns kernel_time, graph_time;
    uint32_t largest_replay;
  };
  // python: kernels whose args.correlation equals a (cuda|hip)GraphLaunch's correlation; dur in ns.
  for (const Expect& e : {
           Expect{"hta_a100_ws16_rank0_cudagraph.json.gz", 70, 6080, 135, 401445000, 105115000, 8},
           Expect{"tracelens_vllm_prefilldecode_piecewise_mi300x_exec.json.gz", 25, 413, 361, 156008506,
                  149919755, 15},
           Expect{"tracelens_vllm_decode_fullgraph_mi300x_exec.json.gz", 1, 425, 421, 10674517, 10388482,
                  421},
           Expect{"tracelens_sglang_qwen3-8b_decode_mi300x.json.gz", 1, 555, 544, 9765437, 9656404, 544},
       }) {
    auto path = test::kineto_fixture(e.file);
    if (path.empty()) {
      WARN("fixture absent, skipped: " << e.file);
      continue;
    }
    INFO(e.file);
    auto run = test::load_fixture(path);
    CudaGraphs g = find_cuda_graphs(*run, slice_parents(*run));
    CHECK(g.launches.size() == e.launches);
    GraphSummary s = summarize_graphs(*run, g);
    CHECK(s.kernels == e.kernels);
    CHECK(s.graph_kernels == e.graph_kernels);
    CHECK(s.kernel_time == e.kernel_time);
    CHECK(s.graph_time == e.graph_time);
    CHECK(s.coverage_pct == Approx(100.0 * e.graph_time / e.kernel_time));
    CHECK(s.launches == e.launches);  // every launch replayed at least one kernel
    uint32_t largest = 0;
    for (const auto& l : g.launches) largest = std::max(largest, l.kernels);
    CHECK(largest == e.largest_replay);
    uint64_t replays = 0;
    for (const auto& grp : g.groups) replays += grp.replays;
    CHECK(replays == e.launches);
  }
}

TEST_CASE("cuda graphs: distinct graphs and their sites", "[analysis][cuda_graphs][fixtures]") {
  // HTA A100: 35 launches replay 1 kernel, 30 replay 2, 5 replay 8 (python); no Python frames.
  if (auto p = test::kineto_fixture("hta_a100_ws16_rank0_cudagraph.json.gz"); !p.empty()) {
    auto run = test::load_fixture(p);
    CudaGraphs g = find_cuda_graphs(*run, slice_parents(*run));
    std::map<uint32_t, uint64_t> by_size;
    for (const auto& grp : g.groups) by_size[grp.kernels_per_replay] += grp.replays;
    CHECK(by_size == std::map<uint32_t, uint64_t>{{1, 35}, {2, 30}, {8, 5}});
  }
  // vLLM full graph on MI300X: one replay of 421 kernels, launched through vLLM's CUDAGraphWrapper.
  if (auto p = test::kineto_fixture("tracelens_vllm_decode_fullgraph_mi300x_exec.json.gz"); !p.empty()) {
    auto run = test::load_fixture(p);
    CudaGraphs g = find_cuda_graphs(*run, slice_parents(*run));
    REQUIRE(g.groups.size() == 1);
    CHECK(g.groups[0].launch_name == "hipGraphLaunch");
    CHECK(g.groups[0].kernels_per_replay == 421);
    CHECK(!g.groups[0].site.empty());
    CHECK(g.groups[0].site.find("cuda_graph.py") == std::string::npos);  // the wrapper is never the site
  }
}
