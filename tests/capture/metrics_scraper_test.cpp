#include "capture/metrics_scraper.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "capture/dashboard.h"
#include "core/store/serving_store.h"
#include "tests/support/server_vllm.h"

namespace fs = std::filesystem;
using namespace hp;

TEST_CASE("scraper: samples keep their labels, malformed lines are counted, not fatal", "[capture][scrape]") {
  testing::TestServerOptions so;
  so.malformed_metrics = true;
  so.max_lifetime_s = 30;
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  fs::path p = fs::temp_directory_path() / ("hotpath_scraper_test_" + std::to_string(getpid()) + ".hotpath");
  for (const char* s : {"", "-wal", "-shm"}) fs::remove(p.string() + s);
  {
    ServingWriter w(p);
    capture::MetricsScraper scraper(server.base_url() + "/metrics", 10, &w);
    scraper.start();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (scraper.stats().scrapes < 5 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    scraper.stop();
    CHECK(scraper.stats().scrapes >= 5);
    CHECK(scraper.stats().bad_lines == 3 * scraper.stats().scrapes);
    CHECK(scraper.stats().running == 0);
    CHECK(scraper.stats().kv_usage == 0);
  }
  ServingData d = read_serving(p);
  const serving::MetricSeries* bucket = nullptr;
  for (const auto& s : d.metrics)
    if (s.key.name == "vllm:time_to_first_token_seconds_bucket" &&
        serving::label_value(s.key.labels, "le") == "0.1")
      bucket = &s;
  REQUIRE(bucket);
  CHECK(serving::label_value(bucket->key.labels, "model_name") == "test-model");
  CHECK(bucket->samples.size() >= 5);
  CHECK(server.counts().metrics_scrapes >= 5);
  for (const char* s : {"", "-wal", "-shm"}) fs::remove(p.string() + s);
}

TEST_CASE("dashboard: plain lines carry no escape codes", "[capture][dashboard]") {
  capture::Dashboard d(stdout, false, false);
  capture::DashboardSnapshot s;
  s.elapsed_s = 2;
  s.total = 10;
  s.ok = 4;
  s.failed = 1;
  s.running = 3;
  s.kv_usage = 0.25;
  std::string text = d.render(s, false);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK_THAT(text, Catch::Contains("5/10 requests"));
  CHECK_THAT(text, Catch::Contains("4 ok  1 failed"));
  CHECK_THAT(text, Catch::Contains("2.5 req/s"));
  CHECK_THAT(text, Catch::Contains("running 3  waiting -  KV 25.0%"));
  CHECK(d.render(s, true).find("\x1b[") != std::string::npos);
}

TEST_CASE("metrics scraper: a down endpoint is retried with backoff, capped", "[capture][scraper]") {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  CHECK(capture::scrape_delay(milliseconds(500), 0) == milliseconds(500));
  CHECK(capture::scrape_delay(milliseconds(500), 1) == milliseconds(1000));
  CHECK(capture::scrape_delay(milliseconds(500), 3) == milliseconds(4000));
  CHECK(capture::scrape_delay(milliseconds(500), 4) == seconds(8));
  CHECK(capture::scrape_delay(milliseconds(500), 1000) == seconds(8));
  CHECK(capture::scrape_delay(seconds(10), 5) == seconds(10));  // 0.1 Hz: never slower than its period
}
