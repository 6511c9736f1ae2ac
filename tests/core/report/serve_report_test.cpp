#include "core/report/serve_report.h"

#include <catch2/catch.hpp>

#include <sstream>

#include "core/report/serving_fixture.h"

using namespace hp;

namespace {
const serving::MetricMap& metric_map() {
  static serving::MetricMap m = [] {
    std::string err;
    auto mm = serving::MetricMap::load(std::string(HOTPATH_ASSETS_DIR) + "/metric_map.json", &err);
    REQUIRE(err.empty());
    return mm;
  }();
  return m;
}
}  // namespace

TEST_CASE("serve-report JSON: keys present and values right", "[report][serve_report]") {
  ServeReportOptions opt;
  opt.slo = serving::parse_slo("ttft=200,tpot=50");
  serving::PrefixInput prompts;
  prompts.method = "token ids";
  prompts.prompts = {{1, 2, 3, 4}, {1, 2, 3, 5}, {1, 2, 6}, {7}};
  opt.prefix = &prompts;
  ServeReport r = build_serve_report(test::sample_run(), &metric_map(), opt);
  nlohmann::json j = nlohmann::json::parse(serve_report_json(r).dump());  // valid JSON, NaN -> null

  CHECK(j["engine"] == "vllm");
  CHECK(j["model"] == "Qwen/Qwen3-8B");
  CHECK(j["requests"]["total"] == 5);
  CHECK(j["requests"]["ok"] == 4);
  CHECK(j["requests"]["failed"] == 1);
  for (const char* k : {"ttft", "tpot", "itl", "e2e", "queue", "prefill", "decode"})
    for (const char* p : {"p50", "p90", "p99", "max"}) CHECK(j["latency_ms"][k].contains(p));
  CHECK(j["latency_ms"]["ttft"]["p50"].get<double>() == Approx(150));
  CHECK(j["latency_ms"]["ttft"]["p90"].get<double>() == Approx(270));
  CHECK(j["latency_ms"]["itl"]["p99"].get<double>() == Approx(77.6));
  CHECK(j["latency_ms"]["e2e"]["max"].get<double>() == Approx(800));
  CHECK(j["latency_ms"]["queue"]["p50"].get<double>() == Approx(20));
  CHECK(j["latency_ms"]["decode"]["max"].get<double>() == Approx(50));
  CHECK(j["throughput"]["req_s"].get<double>() == Approx(4));
  CHECK(j["throughput"]["input_tok_s"].get<double>() == Approx(100));
  CHECK(j["throughput"]["output_tok_s"].get<double>() == Approx(11));
  CHECK(j["goodput"]["good"] == 2);
  CHECK(j["goodput"]["req_s"].get<double>() == Approx(2));
  // Gauges by canonical name; engines merged.
  CHECK(j["metrics"]["requests_running"]["avg"].get<double>() == Approx(3));  // (2*10 + 4*10) / 20
  CHECK(j["metrics"]["requests_running"]["peak"] == 6);
  CHECK(j["metrics"]["requests_running"]["samples"] == 3);
  CHECK(j["metrics"]["kv_cache_usage"]["avg"].get<double>() == Approx(0.75));
  CHECK(j["metrics"]["iteration.ctx_tokens"]["avg"].get<double>() == Approx(200));
  CHECK(j["metrics"]["iteration.ctx_tokens"]["source"] == "log");
  CHECK(j["counters"]["prefix_cache_hits"]["increase"].get<double>() == Approx(300));
  CHECK(j["counters"]["prefix_cache_hits"]["rate_s"].get<double>() == Approx(15));
  CHECK(j["histograms"]["ttft"]["count"].get<double>() == 10);
  CHECK(j["histograms"]["ttft"]["p50"].get<double>() == Approx(0.4));
  CHECK_FALSE(j["metrics"].contains("vllm:time_to_first_token_seconds_count"));
  CHECK(j["kv"]["peak"] == 1.0);
  CHECK(j["kv"]["seconds_above_90"].get<double>() == Approx(10));
  CHECK(j["load"]["preemptions"] == 2);
  CHECK(j["load"]["queue"]["peak"] == 8);
  CHECK(j["prefix"]["cache_hit_rate"].get<double>() == Approx(0.3));
  CHECK(j["prefix"]["hit_method"] == "counters");
  CHECK(j["prefix"]["sharing"]["shared_tokens"] == 5);
  CHECK(j["prefix"]["sharing"]["top"].size() == 2);
  CHECK(j["workload_class"]["phase"] == "prefill-heavy");  // median in 25, out 2.5
  CHECK(j["correlation"]["method"] == "request-id");
  CHECK(j["correlation"]["matched"] == 1);
  CHECK(j["correlation"]["clock_offset_ms"].get<double>() == Approx(2000));
}

TEST_CASE("serve-report text fits 100 columns, markdown has tables", "[report][serve_report]") {
  ServeReportOptions opt;
  opt.slo = serving::parse_slo("e2e=1s");
  ServeReport r = build_serve_report(test::sample_run(), &metric_map(), opt);
  std::string text = serve_report_text(r);
  std::istringstream in(text);
  std::string line;
  size_t lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    CHECK(line.size() <= 100);
  }
  CHECK(lines > 20);
  CHECK(text.find("TTFT (client)") != std::string::npos);
  CHECK(text.find("150.0") != std::string::npos);  // TTFT p50
  CHECK(text.find("4.00 req/s") != std::string::npos);
  CHECK(text.find("Goodput") != std::string::npos);
  CHECK(text.find("KV cache above 90% for 10.0 s") != std::string::npos);
  std::string md = serve_report_md(r);
  CHECK(md.find("| metric | n | p50 | p90 | p99 | max |") != std::string::npos);
  CHECK(md.find("| TTFT (client) | 4 | 150.0 | 270.0 | 297.0 | 300.0 |") != std::string::npos);

  // An empty run still renders (nulls in JSON, dashes in text).
  ServeReport e = build_serve_report(ServingData{}, nullptr);
  auto j = serve_report_json(e);
  CHECK(j["latency_ms"]["ttft"]["p50"].is_null());
  CHECK(j["kv"].is_null());
  CHECK(serve_report_text(e).find("No server metrics") != std::string::npos);
}

TEST_CASE("serve-report: series read from Prometheus are marked, and never added to the direct scrape",
          "[report][serve_report]") {
  ServingData d = test::sample_run();
  d.meta["prometheus.url"] = "http://127.0.0.1:9090";
  // The fleet's view: the same endpoint (job/instance labels) and a second replica.
  for (const char* inst : {"a:8000", "b:8000"}) {
    auto s = test::make_series("vllm:num_requests_running", {{"engine", "0"}, {"instance", inst}},
                               {{0, 10}, {20, 10}});
    s.source = "prometheus";
    d.metrics.push_back(s);
    auto hits = test::make_series("vllm:num_preemptions_total", {{"instance", inst}}, {{0, 0}, {20, 50}});
    hits.source = "prometheus";
    d.metrics.push_back(hits);
  }
  auto fleet_only =
      test::make_series("vllm:num_requests_swapped", {{"instance", "a:8000"}}, {{0, 1}, {20, 1}});
  fleet_only.source = "prometheus";
  d.metrics.push_back(fleet_only);

  ServeReport r = build_serve_report(d, &metric_map());
  nlohmann::json j = nlohmann::json::parse(serve_report_json(r).dump());
  // Scraped directly and read from Prometheus: the scrape is shown, unchanged (not 3 + 20).
  CHECK(j["metrics"]["requests_running"]["avg"].get<double>() == Approx(3));
  CHECK(j["metrics"]["requests_running"]["source"] == "metrics");
  CHECK(j["load"]["batch"]["avg"].get<double>() == Approx(3));
  CHECK(j["load"]["batch"]["source"] == "metrics");
  CHECK(j["load"]["preemptions"] == 2);
  // Only in Prometheus: shown, and said to come from there.
  CHECK(j["metrics"]["requests_swapped"]["source"] == "prometheus");
  CHECK(j["series_sources"]["prometheus"] == 5);
  CHECK(j["series_sources"]["log"] == 1);
  CHECK(j["prometheus_url"] == "http://127.0.0.1:9090");
  std::string text = serve_report_text(r);
  CHECK_THAT(text, Catch::Contains("5 from Prometheus (fleet query_range)"));
  CHECK_THAT(text, Catch::Contains("Prometheus server: http://127.0.0.1:9090"));
  CHECK_THAT(text, Catch::Contains(" prometheus\n"));  // the source column of requests_swapped

  // A fleet-only run (--no-scrape --prometheus): the load comes from Prometheus and says so.
  ServingData fleet;
  fleet.meta["engine"] = "vllm";
  for (const char* inst : {"a:8000", "b:8000"}) {
    auto s = test::make_series("vllm:num_requests_running", {{"instance", inst}}, {{0, 2}, {10, 4}});
    s.source = "prometheus";
    fleet.metrics.push_back(s);
  }
  ServeReport rf = build_serve_report(fleet, &metric_map());
  nlohmann::json jf = nlohmann::json::parse(serve_report_json(rf).dump());
  CHECK(jf["load"]["batch"]["source"] == "prometheus");
  CHECK(jf["load"]["batch"]["peak"] == 8);  // replicas summed
  CHECK(jf["metrics"]["requests_running"]["source"] == "prometheus");
}

TEST_CASE("serve-report: empty server phases say why", "[report][serve_report]") {
  // All phases known for req-0: no note.
  ServeReport full = build_serve_report(test::sample_run(), &metric_map());
  CHECK(full.phases_note.empty());
  CHECK(serve_report_json(full)["server_phases"]["note"].is_null());

  // A vLLM log correlated by id gives received, queued (Added) and finished times, never scheduled or
  // first-token ones: queue and prefill cannot be computed, decode neither.
  ServingData d = test::sample_run();
  for (auto& q : d.requests) {
    q.server = {};
    q.server.method = serving::CorrelationMethod::RequestId;
    q.server.received_ns = q.sent_ns + test::kMs;
    q.server.queued_ns = q.sent_ns + 2 * test::kMs;
    q.server.finished_ns = q.end_ns;
  }
  ServeReport r = build_serve_report(d, &metric_map());
  nlohmann::json j = nlohmann::json::parse(serve_report_json(r).dump());
  CHECK(j["latency_ms"]["queue"]["p50"].is_null());
  CHECK(j["server_phases"]["received"] == 5);
  CHECK(j["server_phases"]["queued"] == 5);
  CHECK(j["server_phases"]["scheduled"] == 0);
  CHECK(j["server_phases"]["first_token"] == 0);
  CHECK(j["server_phases"]["finished"] == 5);
  std::string note = j["server_phases"]["note"];
  CHECK_THAT(note,
             Catch::StartsWith("Server queue/prefill/decode empty: of 5 measured requests, the log gave 5 "
                               "received, 5 queued, 0 scheduled, 0 first-token and 5 finished times"));
  CHECK_THAT(note, Catch::Contains("vLLM logs no per-request scheduling or first-token line"));
  CHECK_THAT(serve_report_text(r), Catch::Contains("  Server queue/prefill/decode empty: of 5 measured"));

  // Nothing correlated and no events: the note says the run has none.
  ServingData none = test::sample_run();
  for (auto& q : none.requests) q.server = {};
  CHECK_THAT(build_serve_report(none, &metric_map()).phases_note,
             Catch::Contains("the run has no server request events"));
}
