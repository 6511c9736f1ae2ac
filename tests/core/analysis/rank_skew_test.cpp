#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "core/analysis/kernel_table.h"
#include "core/analysis/rank_skew.h"
#include "support/analysis_fixtures.h"
#include "support/gpu_run_maker.h"

using namespace hp;
using test::GpuSpec;

TEST_CASE("rank skew: three ranks, the slow one makes the others wait in the all-reduce") {
  // Each rank computes, then all-reduces until 1500 ns. Rank 0 computes longest (1000 ns), so
  // its all-reduce is shortest (500): the others wait 400 and 200 ns beyond it.
  const char* ar = "ncclDevKernel_AllReduce_Sum";
  GpuSpec r0c{0, 1000, "gemm_kernel"}, r0a{1000, 500, ar};
  GpuSpec r1c{0, 600, "gemm_kernel"}, r1a{600, 900, ar};
  GpuSpec r2c{0, 800, "gemm_kernel"}, r2a{800, 700, ar};
  r1c.rank = r1a.rank = 1;
  r2c.rank = r2a.rank = 2;
  auto run = test::make_gpu_run({r0c, r0a, r1c, r1a, r2c, r2a});
  CategoryCache cats(*run, test::builtin_categorizer());
  RankSkew sk = rank_skew(gpu_activity(*run, cats));
  REQUIRE(sk.ranks.size() == 3);
  CHECK(sk.ranks[0].busy == 1500);
  CHECK(sk.ranks[0].compute == 1000);
  CHECK(sk.ranks[0].comm == 500);
  CHECK(sk.ranks[0].comm_wait == 0);
  CHECK(sk.ranks[1].comm_wait == 400);
  CHECK(sk.ranks[2].comm_wait == 200);
  CHECK(sk.ranks[1].kernels == 2);
  CHECK(sk.ranks[1].comm_kernels == 1);
  CHECK(sk.busy_skew == 0);
  CHECK(sk.compute_skew == 400);
  CHECK(sk.comm_skew == 400);
  CHECK(sk.straggler == 0);
  CHECK(sk.straggler_excess == 200);  // 1000 - median(600, 800, 1000)
}

TEST_CASE("rank skew: a trace directory of two real ranks") {
  // rank0 = HTA event-sync (busy 3 x (1 + 123) µs = 372 µs, sgemm 369 µs);
  // rank1 = HTA trace-compare base (18 GPU ops, none overlapping: busy 1694 µs, kernels 432 µs;
  // python union over the raw events). No comm kernels: nobody waits, no straggler.
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "hotpath_rank_skew_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(test::kineto_data("hta_event_sync_multi_stream_a100.json.gz"), dir / "trace_rank0.json.gz");
  fs::copy_file(test::kineto_data("hta_trace_compare_base.json.gz"), dir / "trace_rank1.json.gz");
  auto run = test::load_trace({dir.string()});
  fs::remove_all(dir);
  CHECK(run->rank_count() == 2);
  CategoryCache cats(*run, test::builtin_categorizer());
  RankSkew sk = rank_skew(gpu_activity(*run, cats));
  REQUIRE(sk.ranks.size() == 2);
  CHECK(sk.ranks[0].rank == 0);
  CHECK(sk.ranks[0].busy == 372'000);
  CHECK(sk.ranks[0].compute == 369'000);
  CHECK(sk.ranks[1].rank == 1);
  CHECK(sk.ranks[1].busy == 1'694'000);
  CHECK(sk.ranks[1].compute == 432'000);
  CHECK(sk.ranks[1].kernels == 6);
  CHECK(sk.busy_skew == 1'322'000);
  CHECK(sk.compute_skew == 63'000);
  CHECK(sk.comm_skew == 0);
  CHECK(sk.straggler == -1);
}

TEST_CASE("rank skew: kernel busy is the Kernels panel's busy, GPU busy adds memcpy and memset (issue 22)",
          "[analysis][rank_skew]") {
  auto run = test::load_trace({HOTPATH_ASSETS_DIR "/samples/vllm_b200_tp8_eager_rank0.pt.trace.json.gz"});
  CategoryCache cache(*run, test::builtin_categorizer());
  RankSkew sk = rank_skew(gpu_activity(*run, cache));
  REQUIRE(sk.ranks.size() == 1);
  KernelTable kt = kernel_table(*run);
  CHECK(sk.ranks[0].kernel_busy == kt.busy_time);
  CHECK(sk.ranks[0].busy > sk.ranks[0].kernel_busy);  // 11.6 ms vs 10.79 ms in the sample
}
