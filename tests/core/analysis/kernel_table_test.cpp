#include <catch2/catch.hpp>

#include "core/analysis/kernel_table.h"
#include "support/run_maker.h"

using namespace hp;

TEST_CASE("kernel table: sums, percentiles and both shares by hand") {
  // Two streams of device 0; gemm overlaps attn by 10 ns, so busy (union) < sum.
  Run run = test::make_run({{0, 0, 40, "gemm", 0, 0, SliceKind::Kernel},
                            {0, 100, 60, "gemm", 0, 0, SliceKind::Kernel},
                            {0, 200, 20, "gemm", 0, 0, SliceKind::Kernel},
                            {1, 30, 30, "attn", 0, 0, SliceKind::Kernel},
                            {2, 0, 500, "cpu", 0, 0, SliceKind::CpuOp}});
  for (auto& t : run.tracks) t.device = 0;
  KernelTable kt =
      kernel_table(run, {}, [](std::string_view n) { return n == "gemm" ? "gemm" : "attention"; });
  CHECK(kt.gpu_time == 150);
  CHECK(kt.busy_time == 140);  // [0,60) + [100,160) + [200,220)
  CHECK(kt.launches == 4);
  REQUIRE(kt.rows.size() == 2);
  const KernelRow& g = kt.rows[0];
  CHECK(run.str(g.name) == "gemm");
  CHECK(g.gpu_time == 120);
  CHECK(g.launches == 3);
  CHECK(g.avg == 40);
  CHECK(g.p50 == 40);
  CHECK(g.p99 == 60);
  CHECK(g.min == 20);
  CHECK(g.share_sum_pct == Approx(80.0));
  CHECK(g.share_busy_pct == Approx(100.0 * 120 / 140));
  REQUIRE(kt.categories.size() == 2);
  CHECK(kt.categories[0].category == "gemm");
  CHECK(kt.categories[1].share_sum_pct == Approx(20.0));
  CHECK(kernel_occurrences(run, g.name) == std::vector<uint32_t>{0, 1, 2});
  KernelTable only_late = kernel_table(run, [&](uint32_t i) { return run.slices.start[i] >= 100; });
  CHECK(only_late.gpu_time == 80);
}
