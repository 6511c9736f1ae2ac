// `hotpath report RUN.hotpath` opens with the run's measurement context (GPU clocks, driver, clock policy).
#include <catch2/catch.hpp>
#include <sstream>

#include "core/serving/gpu_telemetry.h"
#include "core/store/serving_store.h"
#include "tests/support/cli_run.h"
#include "tests/support/temp_dir.h"

using hp::test::contains;

TEST_CASE("report: a run file's GPU telemetry becomes the measurement context block", "[report][gpu]") {
  const auto path = hp::test::fresh_temp_dir("report_measurement", "run") / "run.hotpath";
  {
    hp::ServingWriter w(path);
    w.set_meta("measurement.source", "nvml");
    w.set_meta("measurement.driver_version", "550.54.15");
    w.set_meta("measurement.persistence_mode", "on");
    w.set_meta("measurement.clock_policy", "auto boost on (default)");
    w.set_meta("measurement.gpu.0.name", "NVIDIA H100 80GB HBM3 with a rather long marketing name");
    hp::serving::GpuReading r;
    r.gpu = "0";
    r.uuid = "GPU-0";
    for (double sm : {1410.0, 1980.0}) {
      r.ts_ns += 100'000'000;
      r.sm_clock_mhz = sm;
      r.mem_clock_mhz = 2619;
      r.temp_c = 50;
      r.power_w = 500;
      r.throttle_reasons = 0;
      for (const auto& [key, sample] : hp::serving::reading_samples(r))
        w.add_samples(key, {sample}, false, "nvml");
    }
    w.finish();
  }
  auto out = hp::test::run_hotpath("report " + path.string(), false);
  INFO(out.out);
  CHECK(out.code == 0);
  CHECK(out.out.rfind("MEASUREMENT CONTEXT\n  Driver 550.54.15, persistence on, clock policy auto boost on",
                      0) == 0);
  CHECK(contains(out.out, "SM 1410/1695.0/1980 MHz"));  // (1410 + 1980) / 2; the block wraps after it
  std::istringstream lines(out.out);
  for (std::string line; std::getline(lines, line);) CHECK(line.size() <= 100);
  auto js = hp::test::run_hotpath("report --format json " + path.string(), false);
  CHECK(contains(js.out, "\"clocks_locked\": \"no\""));
}
