// `hotpath lock-clocks` through the NVML stub library (tests/support/nvml_stub.cpp), and without NVML.
#include <catch2/catch.hpp>

#include "tests/support/cli_run.h"

using hp::test::contains;
using hp::test::run_hotpath;

namespace {
const std::string kStub = "env HOTPATH_NVML_LIBRARY='" HOTPATH_NVML_STUB "'";
}

TEST_CASE("lock-clocks: locks every GPU at its maximum SM clock, or one GPU at a given clock",
          "[lock_clocks]") {
  auto r = run_hotpath("lock-clocks", true, kStub);
  CHECK(r.code == 0);
  CHECK(r.out ==
        "GPU 0 (Stub GPU A): SM clock locked at 1980 MHz\n"
        "GPU 1 (Stub GPU B): SM clock locked at 1410 MHz\n");
  r = run_hotpath("lock-clocks --gpu 1 --sm 1300 --mem 1593", true, kStub);
  CHECK(r.code == 0);
  CHECK(r.out == "GPU 1 (Stub GPU B): SM clock locked at 1300 MHz, memory at 1593 MHz\n");
  r = run_hotpath("lock-clocks --reset --gpu 0", true, kStub);
  CHECK(r.code == 0);
  CHECK(r.out == "GPU 0 (Stub GPU A): clocks reset to the default policy\n");
}

TEST_CASE("lock-clocks: fails fast and says why without a driver, permission or GPU", "[lock_clocks]") {
  auto r = run_hotpath("lock-clocks", true, "env HOTPATH_NVML_LIBRARY=/nonexistent/libnvidia-ml.so.1");
  CHECK(r.code == 1);
  CHECK(contains(r.out, "hotpath: lock-clocks: NVML not available: /nonexistent/libnvidia-ml.so.1: "));
  r = run_hotpath("lock-clocks --sm 1200", true, kStub + " HOTPATH_NVML_STUB_NO_PERMISSION=1");
  CHECK(r.code == 1);
  CHECK(
      r.out ==
      "hotpath: lock-clocks: locking SM clocks of GPU 0: Insufficient Permissions (code 4); changing clocks "
      "needs root (run with sudo)\n");
  r = run_hotpath("lock-clocks --gpu 5", true, kStub);
  CHECK(r.code == 1);
  CHECK(r.out == "hotpath: lock-clocks: no GPU 5 (NVML sees 2 GPU(s))\n");
  r = run_hotpath("lock-clocks --reset --sm 1200", true, kStub);
  CHECK(r.code == 2);
}
