// NVML loaded at run time, against the stub library built in tests/support/nvml_stub.cpp (known values).
#include "capture/nvml.h"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "capture/gpu_sampler.h"
#include "core/serving/gpu_context.h"
#include "core/store/serving_store.h"
#include "tests/support/temp_dir.h"

using namespace hp;

namespace {
// Points the loader at `path` for one scope.
struct NvmlLibrary {
  explicit NvmlLibrary(const char* path) { setenv("HOTPATH_NVML_LIBRARY", path, 1); }
  ~NvmlLibrary() {
    unsetenv("HOTPATH_NVML_LIBRARY");
    unsetenv("HOTPATH_NVML_STUB_NO_PERMISSION");
    unsetenv("HOTPATH_NVML_STUB_INIT_FAIL");
  }
};
}  // namespace

TEST_CASE("nvml: the loader reads the stub's known values", "[nvml]") {
  NvmlLibrary lib(HOTPATH_NVML_STUB);
  std::string err;
  auto nvml = capture::Nvml::open(&err);
  REQUIRE(nvml);
  CHECK(err.empty());
  CHECK(nvml->device_count() == 2);
  CHECK(nvml->driver_version() == "550.54.15");
  CHECK(nvml->name(0) == "Stub GPU A");
  CHECK(nvml->uuid(1) == "GPU-stub-0001");
  CHECK(nvml->persistence(0) == "on");
  CHECK(nvml->clock_policy(0) == "auto boost on (default)");
  CHECK(nvml->max_sm_clock(1) == 1410);
  serving::GpuReading r;
  REQUIRE(nvml->read(0, &r));
  CHECK(r.gpu == "0");
  CHECK(r.uuid == "GPU-stub-0000");
  CHECK(r.sm_clock_mhz == 1980);
  CHECK(r.mem_clock_mhz == 2619);
  CHECK(r.power_w == 350.5);  // 350500 mW
  CHECK(r.temp_c == 45);
  CHECK(r.util_pct == 87);
  CHECK(r.mem_util_pct == 40);
  CHECK(r.mem_used_mib == 40960);  // 40 GiB in bytes
  CHECK(r.throttle_reasons == 4);
  CHECK(r.ts_ns > 0);
  CHECK_FALSE(nvml->read(2, &r));  // no third GPU

  // Locking: the stub then reports the locked clock and the clock-setting throttle bit.
  REQUIRE(nvml->lock_clocks(0, 1500, 2619, &err));
  REQUIRE(nvml->read(0, &r));
  CHECK(r.sm_clock_mhz == 1500);
  CHECK(r.throttle_reasons == 6);
  REQUIRE(nvml->reset_clocks(0, &err));
  REQUIRE(nvml->read(0, &r));
  CHECK(r.sm_clock_mhz == 1980);

  setenv("HOTPATH_NVML_STUB_NO_PERMISSION", "1", 1);
  CHECK_FALSE(nvml->lock_clocks(1, 1410, 0, &err));
  CHECK(err == "locking SM clocks of GPU 1: Insufficient Permissions (code 4)");
}

TEST_CASE("nvml: without the library or with a failing init, a clear error and no crash", "[nvml]") {
  std::string err;
  {
    NvmlLibrary lib("/nonexistent/libnvidia-ml.so.1");
    CHECK_FALSE(capture::Nvml::open(&err));
    CHECK(err.rfind("NVML not available: /nonexistent/libnvidia-ml.so.1: ", 0) == 0);
  }
  {
    NvmlLibrary lib(HOTPATH_NVML_STUB);
    setenv("HOTPATH_NVML_STUB_INIT_FAIL", "1", 1);
    CHECK_FALSE(capture::Nvml::open(&err));
    CHECK(err == "NVML not available: nvmlInit failed: Driver Not Loaded (code 9)");
  }
  {
    NvmlLibrary lib("/nonexistent/libnvidia-ml.so.1");
    capture::GpuSampler sampler(nullptr);
    CHECK_FALSE(sampler.available());
    CHECK(sampler.note().find("; no GPU tracks") != std::string::npos);
    sampler.start();  // nothing to do: no thread, no crash
    sampler.sample_once();
    sampler.stop();
    CHECK(sampler.readings() == 0);
  }
}

TEST_CASE("nvml: the sampler writes per-GPU series and the measurement meta into the run file", "[nvml]") {
  NvmlLibrary lib(HOTPATH_NVML_STUB);
  const auto dir = test::fresh_temp_dir("nvml_test", "sampler");
  const auto path = dir / "run.hotpath";
  {
    ServingWriter w(path);
    capture::GpuSampler sampler(&w);
    REQUIRE(sampler.available());
    CHECK(sampler.gpus() == 2);
    sampler.sample_once();
    sampler.sample_once();
    sampler.sample_once();
    CHECK(sampler.readings() == 6);
    sampler.stop();
    w.finish();
  }
  ServingData d = read_serving(path);
  CHECK(d.meta.at("measurement.source") == "nvml");
  CHECK(d.meta.at("measurement.driver_version") == "550.54.15");
  CHECK(d.meta.at("measurement.persistence_mode") == "on");
  CHECK(d.meta.at("measurement.clock_policy") == "auto boost on (default)");
  CHECK(d.meta.at("measurement.gpu.1.name") == "Stub GPU B");
  CHECK(d.meta.at("measurement.readings") == "6");
  CHECK(d.metrics.size() == 16);  // 8 series per GPU
  serving::MeasurementContext m = serving::measurement_context(d);
  REQUIRE(m.gpus.size() == 2);
  CHECK(m.gpus[0].sm_clock.samples == 3);
  CHECK(m.gpus[0].sm_clock.avg == 1980);
  CHECK(m.gpus[1].power.max == 70.3);
  CHECK(m.gpus[1].mem_clock.min == 1593);
  CHECK(m.clocks_locked == "no");
  CHECK(serving::measurement_context_lines(m)[2] ==
        "GPU 1 Stub GPU B: SM 1410/1410.0/1410 MHz (min/avg/max), mem 1593/1593.0/1593 MHz, temp 38-38 C, "
        "power avg 70.3 W peak 70.3 W");
}
