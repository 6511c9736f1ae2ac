#include "core/report/serving_export.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/import/registry.h"
#include "core/report/serving_fixture.h"

using namespace hp;
using nlohmann::json;

namespace {
ServingData run_with_secrets() {
  ServingData d = test::sample_run();
  d.meta["HF_TOKEN"] = "hf_abcdefghijklmnopqrstuvwxyz0123";
  d.meta["flags"] = "--model x --api-key sk-secret-123 --port 8000";
  d.meta["env"] = "OPENAI_API_KEY=sk-env-456 PATH=/usr/bin";
  d.meta["note"] = "token hf_ZYXWVUTSRQPONMLKJIHGFEDC in text";
  d.requests[4].error = "upstream said hf_abcdefghijklmnopqrstuvwxyz0123";
  return d;
}
void no_secrets(const std::string& text) {
  for (const char* s :
       {"hf_abcdefghijklmnopqrstuvwxyz0123", "sk-secret-123", "sk-env-456", "hf_ZYXWVUTSRQPONMLKJIHGFEDC"})
    CHECK(text.find(s) == std::string::npos);
}
std::filesystem::path temp_dir(const char* name) {
  auto p = std::filesystem::temp_directory_path() / (std::string("hotpath_export_") + name);
  std::filesystem::remove_all(p);
  return p;
}
}  // namespace

TEST_CASE("export json: valid, complete, exact epoch ns, no credentials", "[report][export]") {
  ServingData d = run_with_secrets();
  std::string text = serving_json(d).dump(1);
  json j = json::parse(text);  // throws if invalid
  CHECK(j["format"] == "hotpath-serving-export");
  CHECK(j["requests"].size() == 5);
  CHECK(j["requests"][0]["sent_ns"].get<int64_t>() == test::kT0);
  CHECK(j["requests"][3]["token_chunk_ns"].size() == 5);
  CHECK(j["requests"][0]["ttft_ns"].get<int64_t>() == 100 * test::kMs);
  CHECK(j["requests"][0]["server"]["method"] == "request-id");
  CHECK(j["requests"][4]["status"] == std::string(serving::to_string(serving::RequestStatus::HttpError)));
  CHECK(j["metrics"].size() == d.metrics.size());
  CHECK(j["metrics"][0]["samples"][0][0].get<int64_t>() == test::kT0);
  CHECK(j["log_series"][0]["name"] == "iteration.ctx_tokens");
  CHECK(j["meta"]["HF_TOKEN"] == "<redacted>");
  CHECK(j["meta"]["model"] == "Qwen/Qwen3-8B");
  CHECK(j["meta"]["flags"] == "--model x --api-key <redacted> --port 8000");
  no_secrets(text);
}

TEST_CASE("export csv: one row per request, quoted fields", "[report][export]") {
  ServingData d = run_with_secrets();
  d.requests[1].request_id = "id,with \"comma\"";
  std::string csv = requests_csv(d);
  std::istringstream in(csv);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  REQUIRE(lines.size() == 6);
  CHECK(lines[0].rfind("index,request_id,endpoint,", 0) == 0);
  CHECK(lines[1].rfind("0,req-0,/v1/completions,0,", 0) == 0);
  CHECK(lines[1].find(",100.000,25.000,150.000,10,3,") != std::string::npos);  // ttft, tpot, e2e, tokens
  CHECK(lines[2].rfind("1,\"id,with \"\"comma\"\"\",", 0) == 0);
  no_secrets(csv);
  std::string m = metrics_csv(d);
  CHECK(m.rfind("source,series,ts_ns,value\n", 0) == 0);
  CHECK(m.find("metrics,\"vllm:num_requests_running{engine=\"\"0\"\"}\",1769952121000000000,2\n") !=
        std::string::npos);
  CHECK(m.find("log,iteration.ctx_tokens,1769952122000000000,300\n") != std::string::npos);
  auto files = export_serving(d, "csv", temp_dir("csv"), "run");
  REQUIRE(files.size() == 2);
  CHECK(std::filesystem::file_size(files[0]) == csv.size());
  CHECK_THROWS_AS(export_serving(d, "xml", temp_dir("bad"), "run"), std::runtime_error);
}

TEST_CASE("export otlp: epoch spans, deterministic ids, parent links", "[report][export]") {
  ServingData d = run_with_secrets();
  json j = json::parse(otlp_json(d).dump());
  const json& spans = j["resourceSpans"][0]["scopeSpans"][0]["spans"];
  // req-0: request + queue + prefill + decode (server view); req-1, req-3: request + prefill + decode;
  // req-2 (its only token is the last byte: no decode time): request + prefill; req-4 (failed): request.
  REQUIRE(spans.size() == 4 + 3 + 2 + 3 + 1);
  CHECK(spans[0]["name"] == "llm.request");
  CHECK(spans[0]["startTimeUnixNano"] == std::to_string(test::kT0));
  CHECK(spans[0]["traceId"] == otlp_trace_id("req-0"));
  CHECK(spans[0]["traceId"].get<std::string>().size() == 32);
  CHECK(spans[0]["spanId"].get<std::string>().size() == 16);
  CHECK(spans[1]["name"] == "llm.queue");
  CHECK(spans[1]["parentSpanId"] == spans[0]["spanId"]);
  // Server queue 10..30 ms after the server's +2 s: 10..30 ms in the client clock.
  CHECK(spans[1]["startTimeUnixNano"] == std::to_string(test::kT0 + 10 * test::kMs));
  CHECK(spans[1]["endTimeUnixNano"] == std::to_string(test::kT0 + 30 * test::kMs));
  CHECK(spans[2]["name"] == "llm.prefill");
  CHECK(spans[2]["endTimeUnixNano"] == std::to_string(test::kT0 + 100 * test::kMs));
  CHECK(spans[3]["name"] == "llm.decode");
  CHECK(spans.back()["status"]["code"] == 2);
  std::set<std::string> ids;
  for (const auto& s : spans) ids.insert(s["spanId"].get<std::string>());
  CHECK(ids.size() == spans.size());
  CHECK(otlp_json(d) == otlp_json(d));  // deterministic
  CHECK(j["resourceSpans"][0]["resource"]["attributes"][0]["value"]["stringValue"] == "hotpath");
  no_secrets(j.dump());
}

TEST_CASE("export chrome: re-imported by hotpath's own Kineto importer", "[report][export]") {
  ServingData d = run_with_secrets();
  auto files = export_serving(d, "chrome", temp_dir("chrome"), "run");
  REQUIRE(files.size() == 1);
  std::ifstream f(files[0]);
  std::stringstream ss;
  ss << f.rdbuf();
  CHECK(json::parse(ss.str()).is_object());  // valid JSON
  no_secrets(ss.str());
  LoadProgress progress;
  auto run = load_inputs({files[0]}, progress);
  REQUIRE(run);
  // X events: 5 requests + phases 3 (req-0) + 2 + 1 + 2 + 0.
  CHECK(run->slices.size() == 5 + 3 + 2 + 1 + 2);
  // Concurrency slots: req-0 [0,150], req-1 [50,260], req-2 [100,400], req-3 [200,1000] (req-0 ended: slot
  // 1), req-4 [300,310] (req-1 ended at 260: slot 2) -> 3 slots.
  size_t request_tracks = 0;
  for (const auto& t : run->tracks) request_tracks += t.pid == 1;
  CHECK(request_tracks == 3);
  // Counter tracks: every non-histogram series (6 gauges/counters + 1 log series).
  CHECK(run->counters.series.size() == 7);
  size_t samples = 0;
  for (const auto& s : run->counters.series) samples += s.sample_end - s.sample_begin;
  CHECK(samples == 3 + 3 + 4 + 2 + 2 + 2 + 2);
  // Exact epoch microseconds survive the round trip.
  auto [begin, end] = run->span();
  CHECK(begin + run->sources[0].base_time_ns == test::kT0);
}
