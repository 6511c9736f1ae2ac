#include <catch2/catch.hpp>

#include "support/run_maker.h"
#include "views/kernels_model.h"

using namespace hp;

TEST_CASE("kernels table sorts by any column and filters by name or category, case-insensitively") {
  Run run = test::make_run({{0, 0, 50, "ampere_sgemm_128x64", 0, 0, SliceKind::Kernel},
                            {0, 60, 10, "flash_fwd_kernel", 0, 0, SliceKind::Kernel},
                            {0, 80, 10, "flash_fwd_kernel", 0, 0, SliceKind::Kernel},
                            {0, 100, 5, "rms_norm_kernel", 0, 0, SliceKind::Kernel}});
  KernelTable t = kernel_table(run, {}, [](std::string_view n) {
    return n.find("gemm") != n.npos ? "gemm" : n.find("flash") != n.npos ? "attention" : "norm";
  });
  auto names = [&](const std::vector<uint32_t>& idx) {
    std::vector<std::string> out;
    for (uint32_t i : idx) out.emplace_back(run.str(t.rows[i].name));
    return out;
  };
  CHECK(names(sort_filter_rows(run, t, "", KernelColumn::GpuTime, false)) ==
        std::vector<std::string>{"ampere_sgemm_128x64", "flash_fwd_kernel", "rms_norm_kernel"});
  CHECK(names(sort_filter_rows(run, t, "", KernelColumn::Launches, false))[0] == "flash_fwd_kernel");
  CHECK(names(sort_filter_rows(run, t, "", KernelColumn::Name, true))[2] == "rms_norm_kernel");
  CHECK(names(sort_filter_rows(run, t, "FLASH", KernelColumn::GpuTime, false)) ==
        std::vector<std::string>{"flash_fwd_kernel"});
  CHECK(names(sort_filter_rows(run, t, "norm", KernelColumn::GpuTime, false)) ==
        std::vector<std::string>{"rms_norm_kernel"});  // matches the category too
  CHECK(sort_filter_rows(run, t, "nothing", KernelColumn::GpuTime, false).empty());
}
