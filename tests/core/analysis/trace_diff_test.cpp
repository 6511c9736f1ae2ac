#include <catch2/catch.hpp>

#include <cmath>

#include "core/analysis/trace_diff.h"
#include "support/analysis_fixtures.h"
#include "support/gpu_run_maker.h"

using namespace hp;
using test::GpuSpec;

namespace {

const DiffRow& find(const std::vector<DiffRow>& rows, std::string_view key) {
  for (const auto& r : rows)
    if (r.key == key) return r;
  FAIL("no row " << key);
  return rows.front();
}

}  // namespace

TEST_CASE("trace diff: hand-made A and B by name and category, new and gone") {
  auto a = test::make_gpu_run(
      {{0, 100, "gemm_kernel"}, {200, 100, "gemm_kernel"}, {400, 50, "ncclKernel_AllReduce"}});
  auto b = test::make_gpu_run({{0, 100, "gemm_kernel"},
                               {200, 100, "gemm_kernel"},
                               {400, 100, "gemm_kernel"},
                               {600, 30, "rms_norm_kernel"}});
  TraceDiff d = trace_diff(*a, *b, test::builtin_categorizer());
  CHECK(d.count_a == 3);
  CHECK(d.count_b == 4);
  CHECK(d.time_a == 250);
  CHECK(d.time_b == 330);
  REQUIRE(d.names.size() == 3);
  CHECK(d.names[0].key == "gemm_kernel");  // |delta| 100 first
  CHECK(d.names[0].delta() == 100);
  CHECK(d.names[0].delta_pct() == Approx(50.0));
  CHECK(d.names[0].count_b == 3);
  CHECK(d.names[0].category == "gemm");
  CHECK(d.names[1].key == "ncclKernel_AllReduce");
  CHECK(d.names[1].delta_pct() == Approx(-100.0));
  CHECK(d.names[2].key == "rms_norm_kernel");
  CHECK(std::isnan(d.names[2].delta_pct()));
  CHECK(d.new_in_b == std::vector<std::string>{"rms_norm_kernel"});
  CHECK(d.gone_from_b == std::vector<std::string>{"ncclKernel_AllReduce"});
  REQUIRE(d.categories.size() == 3);
  CHECK(find(d.categories, "gemm").delta() == 100);
  CHECK(find(d.categories, "comm").delta() == -50);
  CHECK(find(d.categories, "norm").delta() == 30);

  // Stage-aware: ops from 400 ns on are "decode".
  DiffOptions decode{[](const Run& run, uint32_t i) -> std::string_view {
                       return run.slices.start[i] >= 400 ? "decode" : "prefill";
                     },
                     "decode"};
  TraceDiff dd = trace_diff(*a, *b, test::builtin_categorizer(), decode);
  CHECK(dd.stage == "decode");
  CHECK(dd.count_a == 1);
  CHECK(dd.count_b == 2);
  CHECK(dd.new_in_b == std::vector<std::string>{"gemm_kernel", "rms_norm_kernel"});
  CHECK(dd.gone_from_b == std::vector<std::string>{"ncclKernel_AllReduce"});
}

TEST_CASE("trace diff: a fixture against itself is all zero") {
  auto a = test::load_trace({test::kineto_data("tracelens_vllm_decode_fullgraph_mi300x_exec.json.gz")});
  TraceDiff d = trace_diff(*a, *a, test::builtin_categorizer());
  CHECK(d.count_a == 434);  // 425 kernels + 9 memcpys
  CHECK(d.count_b == 434);
  CHECK(d.names.size() == 25);
  CHECK(d.new_in_b.empty());
  CHECK(d.gone_from_b.empty());
  for (const auto& r : d.names) CHECK(r.delta() == 0);
  for (const auto& r : d.categories) CHECK(r.delta() == 0);
}

TEST_CASE("trace diff: full-graph decode vs piecewise prefill+decode on MI300X") {
  // python over both files (kernel/gpu_memcpy/gpu_memset X events): A 434 ops, 25 names;
  // B 423 ops, 24 names; 7 names only in B, 8 only in A (GEMM tile shapes change with the
  // batch; eager unified attention + reduce_segments appear only in the full-graph decode).
  auto a = test::load_trace({test::kineto_data("tracelens_vllm_decode_fullgraph_mi300x_exec.json.gz")});
  auto b =
      test::load_trace({test::kineto_data("tracelens_vllm_prefilldecode_piecewise_mi300x_exec.json.gz")});
  TraceDiff d = trace_diff(*a, *b, test::builtin_categorizer());
  CHECK(d.count_a == 434);
  CHECK(d.count_b == 423);
  CHECK(d.names.size() == 32);  // 25 + 7 new
  REQUIRE(d.new_in_b.size() == 7);
  REQUIRE(d.gone_from_b.size() == 8);
  CHECK(d.new_in_b[4] == "Memcpy HtoD (Host -> Device)");
  CHECK(d.new_in_b[5] == "_matmul_ogs_NNT_bf16xbf16xmxfp4_128x128x128x1");
  CHECK(d.gone_from_b[6] == "kernel_unified_attention_3d");
  CHECK(d.gone_from_b[7] == "reduce_segments");
  CHECK(find(d.names, "reduce_segments").count_a == 12);
  CHECK(find(d.names, "Memcpy HtoD (Host -> Device)").count_b == 4);
}
