#include "core/serving/dcgm_map.h"

#include <catch2/catch.hpp>

#include "core/serving/gpu_context.h"
#include "core/serving/serving_data.h"
#include "tests/core/serving/read_test_file.h"

using namespace hp;
using namespace hp::serving;

namespace {
const MetricSeries* find(const DcgmScrape& d, const std::string& name, const std::string& gpu) {
  for (const auto& s : d.series)
    if (s.key.name == name && label_value(s.key.labels, "gpu") == gpu) return &s;
  return nullptr;
}
}  // namespace

TEST_CASE("dcgm-exporter: the real exposition sample maps onto per-GPU tracks", "[dcgm]") {
  // NVIDIA/dcgm-exporter's own test exposition (tests/data/PROVENANCE.md).
  const std::string text =
      test::read_file(HOTPATH_TEST_DATA "/metrics/dcgm-exporter_b200_metriccontract_test.prom");
  REQUIRE(!text.empty());
  Scrape scrape = parse_prometheus_text(text);
  CHECK(scrape.bad_lines.empty());
  REQUIRE(scrape.samples.size() == 17);
  DcgmScrape d = dcgm_from_scrape(scrape, 5'000'000'000);
  // GPU 0: SM clock, mem clock, GPU temp, power, util, mem copy util, FB used; PROF_GR_ENGINE_ACTIVE;
  // GPU 1: GPU temp. Unmapped: memory temp, energy, PCIe replay, enc, dec, FB free, FB reserved, vGPU.
  CHECK(d.series.size() == 9);
  CHECK(d.unmapped == 8);
  CHECK(d.blank == 0);
  CHECK(d.driver == "595.58");
  CHECK(d.gpu_names.at("node-a/0") == "NVIDIA B200");
  CHECK(d.gpu_names.at("1") == "NVIDIA B200");

  const MetricSeries* sm = find(d, "gpu.sm_clock_mhz", "0");
  REQUIRE(sm);
  CHECK(sm->key.labels == Labels{{"gpu", "0"}, {"host", "node-a"}, {"uuid", "GPU-0"}});
  CHECK(sm->source == "dcgm");
  REQUIRE(sm->samples.size() == 1);
  CHECK(sm->samples[0].ts_ns == 5'000'000'000);
  CHECK(sm->samples[0].value == 210);
  CHECK(find(d, "gpu.mem_clock_mhz", "0")->samples[0].value == 405);
  CHECK(find(d, "gpu.power_w", "0")->samples[0].value == 77);
  CHECK(find(d, "gpu.temp_c", "0")->samples[0].value == 41);
  CHECK(find(d, "gpu.util_pct", "0")->samples[0].value == 0);
  CHECK(find(d, "gpu.mem_util_pct", "0")->samples[0].value == 37);
  CHECK(find(d, "gpu.mem_used_mib", "0")->samples[0].value == 1024);
  const MetricSeries* prof = find(d, "gpu.prof.gr_engine_active", "0");
  REQUIRE(prof);
  CHECK(prof->samples[0].value == Approx(0.1));
  CHECK(prof->key.labels == Labels{{"gpu", "0"}, {"uuid", "GPU-0"}});  // that line has no Hostname
  CHECK(find(d, "gpu.temp_c", "1")->samples[0].value == 41);

  // The same tracks feed the measurement context.
  ServingData data;
  data.metrics = d.series;
  MeasurementContext m = measurement_context(data);
  REQUIRE(m.gpus.size() == 3);  // node-a/0 and 1, plus GPU 0 without a host (the PROF line)
  CHECK(m.gpus[2].host == "node-a");
  CHECK(m.gpus[2].sm_clock.max == 210);
}

TEST_CASE("dcgm-exporter: keys without a gpu label, blank values and other exporters are skipped", "[dcgm]") {
  CHECK_FALSE(dcgm_key({"DCGM_FI_DEV_XID_ERRORS", {{"gpu", "0"}}}));
  CHECK_FALSE(dcgm_key({"DCGM_FI_DEV_SM_CLOCK", {{"modelName", "x"}}}));
  auto k = dcgm_key({"DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", {{"UUID", "GPU-9"}, {"gpu", "3"}}});
  REQUIRE(k);
  CHECK(k->name == "gpu.prof.pipe_tensor_active");
  Scrape s = parse_prometheus_text(
      "DCGM_FI_DEV_GPU_TEMP{gpu=\"0\"} 9223372036854775794\n"
      "DCGM_FI_DEV_GPU_TEMP{gpu=\"1\"} NaN\n"
      "vllm:num_requests_running 3\n");
  DcgmScrape d = dcgm_from_scrape(s, 1);
  CHECK(d.series.empty());
  CHECK(d.blank == 2);
  CHECK(d.unmapped == 0);
}
