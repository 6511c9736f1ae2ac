#include "capture/prometheus_api.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "capture/metrics_scraper.h"
#include "capture/replay_client.h"
#include "core/store/serving_store.h"
#include "tests/support/cli_run.h"
#include "tests/support/server_vllm.h"

extern char** environ;
namespace fs = std::filesystem;
using namespace hp;
using namespace hp::serving;

TEST_CASE("prometheus api: matrix and vector answers, errors", "[capture][prometheus]") {
  std::vector<MetricSeries> out;
  std::string err;
  REQUIRE(capture::parse_prometheus_api_json(
      R"({"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{"__name__":"vllm:num_requests_running","job":"vllm","instance":"a:1"},
         "values":[[1700000000.5,"3"],[1700000001,"NaN"],[1700000002.25,"+Inf"]]}]}})",
      &out, &err));
  REQUIRE(out.size() == 1);
  CHECK(out[0].key.name == "vllm:num_requests_running");
  REQUIRE(out[0].key.labels.size() == 2);
  CHECK(out[0].key.labels[0].name == "instance");  // sorted
  REQUIRE(out[0].samples.size() == 3);
  CHECK(out[0].samples[0].ts_ns == 1'700'000'000'500'000'000);
  CHECK(out[0].samples[0].value == 3);
  CHECK(std::isnan(out[0].samples[1].value));
  CHECK(std::isinf(out[0].samples[2].value));
  out.clear();
  REQUIRE(capture::parse_prometheus_api_json(
      R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up"},"value":[1.5,"1"]}]}})",
      &out, &err));
  CHECK(out.size() == 1);
  CHECK_FALSE(capture::parse_prometheus_api_json(
      R"({"status":"error","errorType":"bad_data","error":"parse error at char 3"})", &out, &err));
  CHECK_THAT(err, Catch::Contains("bad_data") && Catch::Contains("parse error at char 3"));
  CHECK_FALSE(capture::parse_prometheus_api_json(
      R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,2]]}]}})",
      &out, &err));
  CHECK_THAT(err, Catch::Contains("result 0"));
  CHECK_FALSE(capture::parse_prometheus_api_json("<html>", &out, &err));
}

TEST_CASE("prometheus api: the canonical series list covers vLLM's gauges and histograms",
          "[capture][prometheus]") {
  auto names = capture::canonical_series_names("vllm");
  auto has = [&](const char* n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  CHECK(has("vllm:num_requests_running"));
  CHECK(has("vllm:kv_cache_usage_perc"));
  CHECK(has("vllm:time_to_first_token_seconds_sum"));
  CHECK_FALSE(has("sglang:num_running_reqs"));
}

TEST_CASE("prometheus api: fleet mode reads what a real Prometheus scraped from the test server",
          "[capture][prometheus]") {
  const char* prom = "/usr/bin/prometheus";
  if (access(prom, X_OK) != 0) {
    WARN("prometheus binary absent: skipped");
    return;
  }
  testing::TestServerOptions so;
  so.ttft_ms = 2;
  so.itl_ms = 1;
  so.max_lifetime_s = 60;
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  // Some load first, so that the counters are not all zero.
  Traffic traffic;
  for (int i = 0; i < 5; ++i) {
    TrafficRequest r;
    r.prompt = "a b c d e f g";
    r.max_tokens = 4;
    traffic.requests.push_back(r);
  }
  capture::ReplayOptions ro;
  ro.base_url = server.base_url();
  ro.model = "test-model";
  capture::ReplayClient(ro, traffic).run([](const RequestRecord&) {});

  fs::path dir = fs::temp_directory_path() / ("hotpath_prom_test_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "data");
  {
    std::ofstream cfg(dir / "prometheus.yml");
    cfg << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        << "scrape_configs:\n  - job_name: vllm\n    static_configs:\n      - targets: ['127.0.0.1:"
        << server.port() << "']\n";
  }
  // A free port for Prometheus: bind 0, read it, release it. Another process may take it in between,
  // and then Prometheus exits at once: try again with a new port.
  int prom_port = 0;
  pid_t pid = 0;
  for (int attempt = 0; attempt < 3 && !pid; ++attempt) {
    {
      testing::TestServer probe;
      prom_port = probe.start();
    }
    REQUIRE(prom_port > 0);
    std::vector<std::string> args = {prom, "--config.file=" + (dir / "prometheus.yml").string(),
                                     "--storage.tsdb.path=" + (dir / "data").string(),
                                     "--web.listen-address=127.0.0.1:" + std::to_string(prom_port),
                                     "--log.level=error"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, (dir / "prometheus.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    REQUIRE(posix_spawn(&pid, prom, &fa, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) pid = 0;  // exited: the port was taken
  }
  REQUIRE(pid > 0);
  struct StopPrometheus {  // also when a REQUIRE below fails
    pid_t pid;
    ~StopPrometheus() {
      kill(pid, SIGTERM);
      int status = 0;
      waitpid(pid, &status, 0);
    }
  } stop_prometheus{pid};
  std::string base = "http://127.0.0.1:" + std::to_string(prom_port);
  int64_t start_ns = capture::epoch_now_ns();

  // Wait (at most 30 s) until Prometheus holds a few scrapes of the server.
  std::vector<MetricSeries> series;
  std::string err;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    series.clear();
    capture::RangeQuery q{base, capture::name_selector("vllm:prompt_tokens_total"), start_ns - 5'000'000'000,
                          capture::epoch_now_ns(), 1};
    if (capture::query_range(q, &series, &err) && !series.empty() && series[0].samples.size() >= 3) break;
  }

  INFO(err);
  INFO("prometheus.log: " << std::string(
           std::istreambuf_iterator<char>(std::ifstream(dir / "prometheus.log").rdbuf()), {}));
  REQUIRE(series.size() == 1);
  REQUIRE(series[0].samples.size() >= 3);
  CHECK(label_value(series[0].key.labels, "job") == "vllm");
  CHECK(label_value(series[0].key.labels, "model_name") == "test-model");
  // A direct scrape of the same server agrees (the counter has not moved since the load).
  Scrape direct;
  REQUIRE(capture::scrape_once(server.base_url() + "/metrics", &direct, nullptr, &err));
  const PromSample* p = direct.find("vllm:prompt_tokens_total");
  REQUIRE(p);
  CHECK(p->value == 35);  // 5 requests x 7 words
  CHECK(series[0].samples.back().value == p->value);

  // serve-profile in fleet mode: what it read through Prometheus is marked so in the run file and in
  // serve-report, apart from its own scrape of the endpoint.
  {
    std::ofstream(dir / "traffic.jsonl") << "{\"prompt\": \"a b c\", \"max_tokens\": 3}\n";
    fs::path run = dir / "fleet.hotpath";
    auto r = test::run_hotpath("serve-profile --endpoint " + server.base_url() + " --traffic " +
                               (dir / "traffic.jsonl").string() + " --num-requests 4 --prometheus " + base +
                               " --prometheus-selector 'job=\"vllm\"' -q --output " + run.string());
    INFO(r.out);
    CHECK(r.code == 0);
    ServingData d = read_serving(run);
    CHECK(d.meta.at("prometheus.url") == base);
    CHECK(d.meta.at("prometheus.selector") == "job=\"vllm\"");
    size_t fleet = 0, direct = 0;
    bool fleet_running = false;
    for (const auto& s : d.metrics) {
      (s.source == "prometheus" ? fleet : direct)++;
      if (s.source == "prometheus" && s.key.name == "vllm:num_requests_running") {
        fleet_running = true;
        CHECK(label_value(s.key.labels, "job") == "vllm");  // Prometheus' own target labels
      }
      if (s.source.empty()) CHECK(label_value(s.key.labels, "job").empty());
    }
    CHECK(fleet > 0);
    CHECK(direct > 0);
    CHECK(fleet_running);
    CHECK(d.meta.at("prometheus.series") == std::to_string(fleet));
    auto rep = test::run_hotpath("serve-report " + run.string() + " --format json", false);
    REQUIRE(rep.code == 0);
    auto j = nlohmann::json::parse(rep.out);
    CHECK(j["series_sources"]["prometheus"] == fleet);
    CHECK(j["series_sources"]["metrics"] == direct);
    CHECK(j["prometheus_url"] == base);
    CHECK(j["metrics"]["requests_running"]["source"] == "metrics");  // the direct scrape is shown
    auto text = test::run_hotpath("serve-report " + run.string(), false);
    CHECK_THAT(text.out, Catch::Contains("Prometheus server: " + base));
  }
  fs::remove_all(dir);
}
