// dcgm-exporter scraped directly: the real exposition sample served over HTTP becomes per-GPU tracks.
#include "capture/dcgm_scraper.h"

#include <httplib.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/serving/gpu_context.h"
#include "core/store/serving_store.h"
#include "tests/support/temp_dir.h"

using namespace hp;

TEST_CASE("dcgm scraper: per-GPU tracks and GPU names from dcgm-exporter's /metrics", "[capture][dcgm]") {
  std::stringstream fixture;
  fixture << std::ifstream(HOTPATH_TEST_DATA "/metrics/dcgm-exporter_b200_metriccontract_test.prom").rdbuf();
  REQUIRE(!fixture.str().empty());
  httplib::Server srv;
  srv.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(fixture.str(), "text/plain; version=0.0.4");
  });
  const int port = srv.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  std::thread t([&] { srv.listen_after_bind(); });
  for (int i = 0; i < 500 && !srv.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const auto path = test::fresh_temp_dir("dcgm_scraper_test", "run") / "run.hotpath";
  {
    ServingWriter w(path);
    capture::DcgmScraper scraper("http://127.0.0.1:" + std::to_string(port) + "/metrics", 10, &w);
    scraper.start();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (scraper.scrapes() < 2 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    scraper.stop();
    CHECK(scraper.scrapes() >= 2);
    CHECK(scraper.failures() == 0);
    w.finish();
  }
  srv.stop();
  t.join();
  ServingData d = read_serving(path);
  CHECK(d.meta.at("measurement.gpu.node-a/0.name") == "NVIDIA B200");
  CHECK(d.meta.at("measurement.dcgm_driver_version") == "595.58");
  CHECK(d.metrics.size() == 9);  // as in tests/core/serving/dcgm_map_test.cpp
  serving::MeasurementContext m = serving::measurement_context(d);
  CHECK(m.source == "dcgm");
  CHECK(m.driver == "595.58");
  REQUIRE(m.gpus.size() == 3);
  CHECK(m.gpus[2].name == "NVIDIA B200");
  CHECK(m.gpus[2].sm_clock.max == 210);
  CHECK(m.gpus[2].power.avg == 77);
}

TEST_CASE("dcgm scraper: series read from Prometheus are mapped the same way", "[capture][dcgm]") {
  std::vector<serving::MetricSeries> in = {
      {{"DCGM_FI_DEV_POWER_USAGE", {{"Hostname", "n1"}, {"UUID", "GPU-a"}, {"gpu", "2"}, {"job", "dcgm"}}},
       {{1, 300.5}, {2, 310}},
       "prometheus"},
      {{"vllm:num_requests_running", {}}, {{1, 3}}, "prometheus"}};
  auto out = capture::dcgm_tracks(in);
  REQUIRE(out.size() == 1);
  CHECK(out[0].key.name == "gpu.power_w");
  CHECK(out[0].key.labels == serving::Labels{{"gpu", "2"}, {"host", "n1"}, {"uuid", "GPU-a"}});
  CHECK(out[0].source == "dcgm");
  CHECK(out[0].samples.size() == 2);
}
