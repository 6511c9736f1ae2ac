#include "core/serving/gpu_telemetry.h"

#include <catch2/catch.hpp>

#include "core/serving/gpu_context.h"
#include "core/serving/serving_data.h"

using namespace hp;
using namespace hp::serving;

TEST_CASE("gpu telemetry: a reading becomes one sample per reported field, labelled gpu/uuid/host", "[gpu]") {
  GpuReading r;
  r.ts_ns = 1'700'000'000'000'000'000;
  r.gpu = "1";
  r.uuid = "GPU-abc";
  r.sm_clock_mhz = 1980;
  r.power_w = 350.5;
  r.throttle_reasons = 4;
  auto s = reading_samples(r);
  REQUIRE(s.size() == 3);  // NaN fields (mem clock, temp, util, memory) add nothing
  CHECK(s[0].first.name == "gpu.sm_clock_mhz");
  CHECK(s[1].first.name == "gpu.power_w");
  CHECK(s[2].first.name == "gpu.throttle_reasons");
  CHECK(s[0].first.labels == Labels{{"gpu", "1"}, {"uuid", "GPU-abc"}});
  CHECK(s[1].second.value == 350.5);
  CHECK(s[2].second.ts_ns == 1'700'000'000'000'000'000);
  CHECK(gpu_labels("0", "", "node-a") == Labels{{"gpu", "0"}, {"host", "node-a"}});

  std::vector<MetricSeries> series;
  append_reading(series, r, "nvml");
  r.ts_ns += 100'000'000;
  r.sm_clock_mhz = 1410;
  append_reading(series, r, "nvml");
  REQUIRE(series.size() == 3);
  CHECK(series[0].source == "nvml");
  REQUIRE(series[0].samples.size() == 2);
  CHECK(series[0].samples[1].value == 1410);
}

namespace {
MetricSeries series(std::string name, std::string gpu, std::vector<double> values) {
  MetricSeries s{{std::move(name), gpu_labels(gpu, "GPU-" + gpu, "")}, {}, "nvml"};
  int64_t t = 1'000'000'000;
  for (double v : values) s.samples.push_back({t += 100'000'000, v});
  return s;
}
}  // namespace

TEST_CASE("measurement context: clocks min/avg/max, temperature, power and locked clocks per GPU", "[gpu]") {
  ServingData d;
  d.meta = {{"measurement.source", "nvml"},
            {"measurement.driver_version", "550.54.15"},
            {"measurement.persistence_mode", "on"},
            {"measurement.gpu.0.name", "H100"}};
  d.metrics.push_back(series("gpu.sm_clock_mhz", "0", {1410, 1755, 1980}));
  d.metrics.push_back(series("gpu.mem_clock_mhz", "0", {2619, 2619, 2619}));
  d.metrics.push_back(series("gpu.temp_c", "0", {40, 71}));
  d.metrics.push_back(series("gpu.power_w", "0", {300, 400}));
  d.metrics.push_back(series("gpu.throttle_reasons", "0", {2, 6, 2}));  // locked; one sample power-capped
  d.metrics.push_back({{"vllm:num_requests_running", {}}, {{1, 1}}});   // not a GPU series

  MeasurementContext m = measurement_context(d);
  REQUIRE(m.gpus.size() == 1);
  const auto& g = m.gpus[0];
  CHECK(g.name == "H100");
  CHECK(g.uuid == "GPU-0");
  CHECK(g.sm_clock.min == 1410);
  CHECK(g.sm_clock.avg == Approx(1715.0));  // (1410 + 1755 + 1980) / 3
  CHECK(g.sm_clock.max == 1980);
  CHECK(g.sm_clock.samples == 3);
  CHECK(g.power.avg == Approx(350.0));
  CHECK(g.locked_samples == 3);
  CHECK(g.power_capped == 1);
  CHECK(m.clocks_locked == "yes");
  auto lines = measurement_context_lines(m);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] ==
        "Driver 550.54.15, persistence on, clock policy locked (clock setting held on every sample), clocks "
        "locked: yes (from nvml)");
  CHECK(
      lines[1] ==
      "GPU 0 H100: SM 1410/1715.0/1980 MHz (min/avg/max), mem 2619/2619.0/2619 MHz, temp 40-71 C, power avg "
      "350.0 W peak 400.0 W, 1 power-capped and 0 thermal-slowdown samples");
  auto j = measurement_context_json(m);
  CHECK(j["gpus"][0]["sm_clock_mhz"]["max"] == 1980.0);
  CHECK(j["clocks_locked"] == "yes");

  // A second GPU running at default clocks: the run's clocks were not all locked.
  d.metrics.push_back(series("gpu.throttle_reasons", "1", {0, 0}));
  d.meta["measurement.clock_policy"] = "auto boost on (default)";
  m = measurement_context(d);
  REQUIRE(m.gpus.size() == 2);
  CHECK(m.gpus[1].gpu == "1");
  CHECK(m.clocks_locked == "no");
  CHECK(measurement_context_lines(m)[0] ==
        "Driver 550.54.15, persistence on, clock policy auto boost on (default), clocks locked: no (from "
        "nvml)");
}

TEST_CASE("measurement context: a run without GPU telemetry says so, and keeps the sampler's note", "[gpu]") {
  ServingData d;
  CHECK(measurement_context(d).empty());
  CHECK(measurement_context_lines(measurement_context(d)) ==
        std::vector<std::string>{"No GPU telemetry in this run (NVML or dcgm-exporter)."});
  d.meta["measurement.note"] = "NVML not available: libnvidia-ml.so.1: cannot open; no GPU tracks";
  auto lines = measurement_context_lines(measurement_context(d));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "Driver unknown, persistence unknown, clock policy unknown, clocks locked: unknown");
  CHECK(lines[1] == "NVML not available: libnvidia-ml.so.1: cannot open; no GPU tracks");
}
