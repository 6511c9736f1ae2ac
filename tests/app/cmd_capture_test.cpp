// `hotpath capture` on a machine without a GPU driver: it stops before running CMD, exit 1.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "capture/gpu_probe.h"
#include "core/store/run_file.h"
#include "core/store/serving_store.h"
#include "support/capture_stub_path.h"
#include "support/cli_run.h"

using hp::test::contains;

TEST_CASE("hotpath capture without a driver fails at once with its message", "[capture_cli]") {
  const hp::GpuProbe gpu = hp::probe_gpu();
  if (gpu.driver_loaded && !gpu.devices.empty()) {
    WARN("a CUDA device is present: tests/gpu/run_capture_check.sh covers capture here");
    return;
  }
  const std::string marker = "/tmp/hotpath_capture_test_ran";
  std::filesystem::remove(marker);
  auto r = hp::test::run_hotpath("capture -o /tmp/hotpath_capture_test.hotpath -- touch " + marker);
  CHECK(r.code == 1);
  CHECK(contains(r.out, "hotpath capture: " + gpu.error + ": "));
  CHECK(contains(r.out, gpu.driver_loaded ? "nothing to capture on this machine"
                                          : "capture needs an NVIDIA GPU and its driver"));
  CHECK_FALSE(std::filesystem::exists(marker));  // CMD never ran
  CHECK_FALSE(std::filesystem::exists("/tmp/hotpath_capture_test.hotpath"));
  r = hp::test::run_hotpath("capture -- true");
  CHECK(r.code == 1);
  CHECK(r.out ==
        "hotpath capture: no CUDA driver (libcuda.so.1 not found): capture needs an NVIDIA GPU and its "
        "driver ('hotpath doctor' checks this machine)\n");
}

TEST_CASE("hotpath capture checks its arguments", "[capture_cli]") {
  auto r = hp::test::run_hotpath("capture");
  CHECK(r.code == 2);
  CHECK(contains(r.out, "command is required"));
  r = hp::test::run_hotpath("capture --range step -- true");
  CHECK(r.code == 2);
  CHECK(r.out == "hotpath capture: --range step: expected nvtx:NAME\n");
  r = hp::test::run_hotpath("capture --duration -1 -- true");
  CHECK(r.code == 2);
  r = hp::test::run_hotpath("capture --help");
  CHECK(r.code == 0);
  CHECK(contains(r.out, "--start-after"));
}

TEST_CASE("hotpath capture end to end with a stub for the CUDA program", "[capture_cli]") {
  const std::string out = "/tmp/hotpath_capture_cli_test.hotpath";
  std::filesystem::remove(out);
  const std::string env = "env HOTPATH_INJECT_LIBRARY=/dev/null";
  auto r = hp::test::run_hotpath(
      "capture --assume-gpu -o " + out + " -- " + hp::test::capture_stub_path() + " fork", true, env);
  CHECK(r.code == 0);
  CHECK(contains(
      r.out, "hotpath: wrote " + out +
                 " (2 processes, 2 kernels (0 in CUDA graphs), 2 memcpys, 0 "
                 "memsets, 0 syncs, 2 API calls, 2 NVTX ranges, 4 tracks; 0 records lost in the target); "));
  auto run = hp::open_run(out);
  CHECK(run->gpu.size() == 4);
  CHECK(run->sources.at(0).format == "cupti-live");
  std::filesystem::remove(out);

  r = hp::test::run_hotpath(
      "capture --assume-gpu -o " + out + " -- " + hp::test::capture_stub_path() + " error", true, env);
  CHECK(r.code == 1);
  CHECK(contains(r.out,
                 "CUPTI could not be set up: enabling kernels (concurrent): "
                 "CUPTI_ERROR_INSUFFICIENT_PRIVILEGES"));
  CHECK(contains(r.out, "no CUDA activity captured"));
  r = hp::test::run_hotpath(
      "capture --assume-gpu -o " + out + " -- " + hp::test::capture_stub_path() + " none", true, env);
  CHECK(r.code == 1);
  CHECK(contains(r.out, "without initialising CUDA through the injection; nothing captured"));
  CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("hotpath capture samples the GPUs through NVML into the run file beside the kernels",
          "[capture_cli]") {
  const std::string out = "/tmp/hotpath_capture_cli_nvml_test.hotpath";
  std::filesystem::remove(out);
  const std::string env =
      "env HOTPATH_INJECT_LIBRARY=/dev/null HOTPATH_NVML_LIBRARY='" + std::string(HOTPATH_NVML_STUB) + "'";
  auto r = hp::test::run_hotpath(
      "capture --assume-gpu -o " + out + " -- " + hp::test::capture_stub_path() + " fork", true, env);
  INFO(r.out);
  REQUIRE(r.code == 0);
  auto run = hp::open_run(out);
  CHECK(run->gpu.size() == 4);  // the kernels are still there
  hp::ServingData d = hp::read_serving(out);
  CHECK(d.metrics.size() == 16);  // the stub's 2 GPUs, 8 series each
  CHECK(d.meta.at("measurement.source") == "nvml");
  CHECK(d.meta.at("measurement.driver_version") == "550.54.15");
  CHECK(std::stoi(d.meta.at("measurement.readings")) >= 2);  // at least one reading of each GPU
  CHECK(d.meta.count("capture.live") == 0);
  // The timing report on the capture opens with the clocks it ran at.
  auto rep = hp::test::run_hotpath("report " + out);
  REQUIRE(rep.code == 0);
  CHECK(contains(rep.out, "MEASUREMENT CONTEXT"));
  CHECK(contains(rep.out, "550.54.15"));
  std::filesystem::remove(out);

  r = hp::test::run_hotpath(
      "capture --no-gpu --assume-gpu -o " + out + " -- " + hp::test::capture_stub_path() + " fork", true,
      env);
  REQUIRE(r.code == 0);
  CHECK(hp::read_serving(out).metrics.empty());
  std::filesystem::remove(out);
}
