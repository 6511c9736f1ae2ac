#include <catch2/catch.hpp>

#include "core/analysis/overlap_opportunities.h"
#include "support/analysis_fixtures.h"
#include "support/gpu_run_maker.h"

using namespace hp;
using test::GpuSpec;

namespace {

std::vector<OpportunityRow> table(const Run& run) {
  CategoryCache cats(run, test::builtin_categorizer());
  auto devices = gpu_activity(run, cats);
  OverlapReport ov = overlap_analysis(run, cats, devices);
  IdleReport idle = idle_gaps(run, devices);
  LaunchStats ls = launch_stats(run, devices, idle);
  return overlap_opportunities(run, devices, ov, idle, ls);
}

GpuSpec launched(Ns start, Ns dur, std::string name, Ns launch_start, std::string cpu_op = "") {
  GpuSpec s{start, dur, std::move(name)};
  s.launch_start = launch_start;
  s.launch_dur = 1'000;
  s.cpu_op = std::move(cpu_op);
  return s;
}

}  // namespace

TEST_CASE("opportunities: an exposed all-reduce right after its producer") {
  // One stream: gemm [20us,120us), all-reduce [121us,221us) 1 us after it (tight: <= 2 us, and a
  // compute neighbour feeds a collective), gemm [320us,420us). All launched early: no host wait.
  auto run = test::make_gpu_run({
      launched(20'000, 100'000, "gemm_kernel", 10'000),
      launched(121'000, 100'000, "ncclDevKernel_AllReduce_Sum", 15'000, "vllm::all_reduce"),
      launched(320'000, 100'000, "gemm_kernel", 17'000),
  });
  auto rows = table(*run);
  REQUIRE(rows.size() == 1);
  const OpportunityRow& r = rows[0];
  CHECK(r.rule == "exposed-comm");
  CHECK(r.kernel == "ncclDevKernel_AllReduce_Sum");
  CHECK(r.impact == 100'000);
  CHECK(r.share_pct == Approx(100.0 / 3));  // of busy 300 us
  CHECK(r.dep_risk == "high (prev)");
  CHECK(r.priority == 2);  // P1 by share, demoted by the risk
  CHECK(r.verdict == "check deps");
  CHECK(r.cpu_op == "vllm::all_reduce");
  CHECK(r.site.empty());
  CHECK(r.evidence == "100 µs in 1 launches, exclusive 100% / hidden 0%, nothing else running");
}

TEST_CASE("opportunities: a copy on the compute stream and a stream running alone") {
  // Stream 7: gemm [0,1ms) then a DtoD copy [1ms,1.1ms) right after it; stream 20: a short
  // kernel [0,100us). Busy 1.1 ms. Stream 7 alone 1 ms (91%), copy exclusive 100 us (9.1%).
  GpuSpec copy{1'000'000, 100'000, "Memcpy DtoD (Device -> Device)", 7, SliceKind::Memcpy};
  auto run = test::make_gpu_run({
      {0, 1'000'000, "gemm_kernel", 7},
      {0, 100'000, "elementwise_kernel", 20},
      copy,
  });
  auto rows = table(*run);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].rule == "serial-stream");
  CHECK(rows[0].kernel == "stream 7");
  CHECK(rows[0].impact == 1'000'000);
  CHECK(rows[0].priority == 1);
  CHECK(rows[0].evidence == "rank 0 gpu 0: alone 1 ms = 91% of busy 1.1 ms; 1 other streams idle then");
  CHECK(rows[1].rule == "copy-on-compute");
  CHECK(rows[1].impact == 100'000);
  CHECK(rows[1].dep_risk == "high (prev)");
  CHECK(rows[1].priority == 3);  // 9.1% -> P2, demoted
  CHECK(rows[1].evidence == "100 µs in 1 ops, 1/1 on a compute stream, exclusive 100%");
}

TEST_CASE("opportunities: HTA event-sync fixture has one host-wait row") {
  // Stream 20 waits 32 µs for its sgemm's launch (idle_gaps_test); its span is 348667..348823
  // (156 µs): 20.5% of it -> P1. The memsets (3 µs, 0.8% of busy 372 µs) stay under the 1% bar;
  // no stream runs alone for half the busy time (124 of 372 µs each).
  auto run = test::load_trace({test::kineto_data("hta_event_sync_multi_stream_a100.json.gz")});
  auto rows = table(*run);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].rule == "host-wait");
  CHECK(rows[0].kernel == "stream 20");
  CHECK(rows[0].impact == 32'000);
  CHECK(rows[0].share_of == "span");
  CHECK(rows[0].share_pct == Approx(100.0 * 32 / 156));
  CHECK(rows[0].priority == 1);
  CHECK(rows[0].evidence ==
        "rank 0 gpu 0: host wait 32 µs in 1 gaps = 21% of span 156 µs; 0 CPU-bound windows");
}

TEST_CASE("opportunities: launching cpu_op is the innermost cpu_op around the launch call") {
  auto run = test::make_gpu_run({launched(10'000, 1'000, "gemm_kernel", 0, "aten::mm")});
  CHECK(launching_cpu_op(*run, run->gpu.slice[0]) == "aten::mm");
  auto bare = test::make_gpu_run({launched(10'000, 1'000, "gemm_kernel", 0)});
  CHECK(launching_cpu_op(*bare, bare->gpu.slice[0]).empty());
}
