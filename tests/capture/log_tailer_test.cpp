// The log tailer of serve-profile against logs written while it runs: the real vLLM logs of
// shared/fixtures/logs (counts from its PROVENANCE.md), and SGLang / TensorRT-LLM lines in the shapes of
// reference/serving.md (the fixtures hold no real SGLang or TensorRT-LLM log). What the tailer stores
// must equal what `hotpath import LOG` makes of the same text.
#include "capture/log_tailer.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "core/import/registry.h"
#include "core/serving/log_run.h"
#include "core/session/live_serving.h"
#include "core/store/serving_store.h"
#include "core/util/input_file.h"
#include "tests/support/cli_run.h"
#include "tests/support/server_vllm.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using namespace hp;
using namespace hp::serving;

namespace {

fs::path temp_dir(const std::string& name) {
  return test::fresh_temp_dir("log_tailer_test", name);
}

std::string read_log(const fs::path& p) {
  LoadProgress progress;
  InputBuffer buf = read_input_file(p, progress);
  return std::string(buf.view());
}

void append(const fs::path& p, std::string_view text) {
  std::ofstream out(p, std::ios::binary | std::ios::app);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

// Writes `text` to the log in pieces cut anywhere (mid-line too), with pauses so that the tailer's
// 250 ms polls see several of them.
void write_slowly(const fs::path& p, std::string_view text, size_t pieces) {
  size_t step = text.size() / pieces + 7;
  for (size_t at = 0; at < text.size(); at += step) {
    append(p, text.substr(at, step));
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
  }
}

// Tails `log` while `text` is appended; returns what the run file holds.
struct Tailed {
  ServingData data;
  std::string engine, source;
  uint64_t lines = 0, records = 0, events = 0;
};
Tailed tail(const fs::path& dir, const std::string& before, const std::string& text,
            capture::LogTailerOptions opt, size_t pieces = 9) {
  fs::path log = dir / "server.log", run = dir / "run.hotpath";
  fs::remove(log);
  fs::remove(run);
  append(log, before);
  Tailed t;
  {
    ServingWriter w(run);
    capture::LogTailer tailer(log, &w, opt);
    tailer.start();
    write_slowly(log, text, pieces);
    tailer.stop();
    t.engine = tailer.engine();
    t.source = tailer.engine_source();
    t.lines = tailer.stats().lines;
    t.records = tailer.stats().records;
    t.events = tailer.stats().request_events;
    w.commit();
  }
  t.data = read_serving(run);
  return t;
}

std::map<SeriesKey, std::vector<Sample>> by_key(const std::vector<MetricSeries>& all) {
  std::map<SeriesKey, std::vector<Sample>> m;
  for (const auto& s : all) {
    auto& v = m[s.key];
    v.insert(v.end(), s.samples.begin(), s.samples.end());
  }
  return m;
}

// The tailed series equal `hotpath import`'s conversion of the same text, sample for sample.
void check_same_as_import(const Tailed& t, const std::string& text, int year) {
  LogRun ref = log_run_from_text(text, {year, 0, ""});
  auto a = by_key(t.data.log_series), b = by_key(ref.data.log_series);
  REQUIRE(a.size() == b.size());
  for (const auto& [k, samples] : b) {
    INFO(format_series(k));
    REQUIRE(a.count(k));
    const auto& got = a.at(k);
    REQUIRE(got.size() == samples.size());
    for (size_t i = 0; i < got.size(); ++i) {
      CHECK(got[i].ts_ns == samples[i].ts_ns);
      CHECK(got[i].value == Approx(samples[i].value));
    }
  }
  CHECK(t.data.server_events.size() == ref.data.server_events.size());
  CHECK(t.data.metrics.empty());  // log series only, never mistaken for a scrape
}

const fs::path kLogs = fs::path(HOTPATH_SHARED_FIXTURES) / "logs";

}  // namespace

TEST_CASE("log tailer: the profilemate vLLM 0.15 log written during the run, auto-detected",
          "[capture][log_tailer]") {
  const fs::path src = kLogs / "vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz";
  if (!fs::exists(src)) {
    WARN("shared fixture absent: " << src);
    return;
  }
  fs::path dir = temp_dir("vllm015");
  const std::string text = read_log(src);
  capture::LogTailerOptions opt;
  opt.year = 2026;
  // A line written before the run is not read: the tail starts at the file's size.
  Tailed t = tail(dir,
                  "INFO 01-01 00:00:00 [loggers.py:1] Engine 000: Avg prompt throughput: 1.0 tokens/s, "
                  "Avg generation throughput: 1.0 tokens/s, Running: 99 reqs, Waiting: 0 reqs, GPU KV "
                  "cache usage: 1.0%, Prefix cache hit rate: 0.0%\n",
                  text, opt);
  CHECK(t.engine == "vllm");
  CHECK(t.source == "log lines");
  // PROVENANCE.md: 513 Received + 513 Added request lines, 7241 Iteration lines, 12 stats lines.
  CHECK(t.events == 1026);
  CHECK(t.data.server_events.size() == 1026);
  std::map<std::string, size_t> kinds;
  for (const auto& e : t.data.server_events) ++kinds[e.kind];
  CHECK(kinds["received"] == 513);
  CHECK(kinds["added"] == 513);
  auto series = by_key(t.data.log_series);
  CHECK(series.at({"iteration.ctx_tokens", {}}).size() == 7241);
  double ctx = 0;
  for (const auto& s : series.at({"iteration.ctx_tokens", {}})) ctx += s.value;
  CHECK(ctx == 2534186);  // the sum log_run_test checks for `hotpath import`
  const auto& running = series.at({"requests_running", {{"engine", "0"}}});
  CHECK(running.size() == 12);
  for (const auto& s : running) CHECK(s.value != 99);  // the pre-run line was skipped
  check_same_as_import(t, text, 2026);
  fs::remove_all(dir);
}

TEST_CASE("log tailer: the DGX Spark vLLM 0.25 log, --engine vllm", "[capture][log_tailer]") {
  const fs::path src = kLogs / "vllm_dgxspark_qwen38-int4_bench.log";
  if (!fs::exists(src)) {
    WARN("shared fixture absent: " << src);
    return;
  }
  fs::path dir = temp_dir("vllm025");
  const std::string text = read_log(src);
  capture::LogTailerOptions opt;
  opt.engine = "vllm";
  opt.year = 2025;
  Tailed t = tail(dir, "", text, opt, 5);
  CHECK(t.engine == "vllm");
  CHECK(t.source == "--engine");
  // PROVENANCE.md: 126 'Avg prompt throughput' lines; plus 95 'SpecDecoding metrics' lines (grep -c).
  CHECK(t.records == 126 + 95);
  auto series = by_key(t.data.log_series);
  CHECK(series.at({"requests_running", {{"engine", "0"}}}).size() == 126);
  CHECK(series.at({"spec_accept_length", {}}).size() == 95);
  CHECK(t.events == 0);
  check_same_as_import(t, text, 2025);
  fs::remove_all(dir);
}

namespace {
const std::string kSglang =
    "[2025-07-18 15:32:50 DP0 TP0] Prefill batch, #new-seq: 2, #new-token: 300, #cached-token: 100, token "
    "usage: 0.10, #running-req: 0, #queue-req: 2, timestamp: 2025-07-18T15:32:50.250000\n"
    "[2025-07-18 15:32:51 DP0 TP0] Prefill batch, #new-seq: 1, #new-token: 100, #cached-token: 300, token "
    "usage: 0.20, #running-req: 2, #queue-req: 1, \n"
    "[2025-07-18 15:32:52 DP0 TP0] Decode batch, #running-req: 3, #token: 900, token usage: 0.30, cuda "
    "graph: "
    "True, gen throughput (token/s): 55.5, #queue-req: 0, \n"
    "[2025-07-18 15:32:53] INFO:     127.0.0.1:5000 - \"POST /v1/completions HTTP/1.1\" 200 OK\n"
    "[2025-07-18 15:32:54 DP0 TP0] Decode batch, #running-req: 3, #token: 960, token usage: 0.31, cuda "
    "graph: "
    "True, gen throughput (token/s): 61.0, #queue-req: 0, \n";
const std::string kTrtllm =
    "[07/18/2025-15:32:50] [TRT-LLM] [I] iter = 7, global_rank = 0, rank = 0, num_scheduled_requests = 3, "
    "kv_cache_util = 0.25, currank_total_requests = 3/3, host_step_time = 12.5ms, prev_device_step_time = "
    "11.0ms, timestamp = 2025-07-18 15:32:50, states = {'num_ctx_requests': 1, 'num_ctx_tokens': 128, "
    "'num_generation_tokens': 2}\n"
    "[07/18/2025-15:32:51] [TRT-LLM] [I] iter = 8, global_rank = 0, rank = 0, num_scheduled_requests = 3, "
    "kv_cache_util = 0.5, currank_total_requests = 3/3, host_step_time = 10.0ms, prev_device_step_time = "
    "12.0ms, timestamp = 2025-07-18 15:32:51, states = {'num_ctx_requests': 0, 'num_ctx_tokens': 0, "
    "'num_generation_tokens': 3}\n";
}  // namespace

TEST_CASE("log tailer: SGLang and TensorRT-LLM logs, by --engine and by auto", "[capture][log_tailer]") {
  fs::path dir = temp_dir("engines");
  for (const char* engine : {"sglang", "auto"}) {
    capture::LogTailerOptions opt;
    opt.engine = engine;
    opt.hint = "vllm";  // what /metrics might say; the log's own lines win
    Tailed t = tail(dir, "", kSglang, opt, 4);
    INFO(engine);
    CHECK(t.engine == "sglang");
    CHECK(t.source == (std::string(engine) == "auto" ? "log lines" : "--engine"));
    CHECK(t.records == 4);
    auto s = by_key(t.data.log_series);
    const Labels ranks{{"dp", "0"}, {"tp", "0"}};
    CHECK(s.at({"requests_running", ranks}).size() == 4);
    // Running totals survive the pieces: cached / (cached + new) over both prefill batches.
    CHECK(s.at({"prefix_cache_hits", ranks}).back().value == 400);
    CHECK(s.at({"prefix_cache_queries", ranks}).back().value == 800);
    check_same_as_import(t, kSglang, 2025);
  }
  for (const char* engine : {"trtllm", "auto"}) {
    capture::LogTailerOptions opt;
    opt.engine = engine;
    Tailed t = tail(dir, "", kTrtllm, opt, 3);
    INFO(engine);
    CHECK(t.engine == "trtllm");
    CHECK(t.records == 2);
    auto s = by_key(t.data.log_series);
    REQUIRE(s.count({"kv_cache_usage", {{"rank", "0"}}}));
    CHECK(s.at({"kv_cache_usage", {{"rank", "0"}}}).back().value == 0.5);
    check_same_as_import(t, kTrtllm, 2025);
  }
  fs::remove_all(dir);
}

TEST_CASE("log tailer: auto falls back to the log's head, then to the hint, and refuses a bad engine",
          "[capture][log_tailer]") {
  fs::path dir = temp_dir("fallback");
  // Only access lines during the run: the start-up head names SGLang.
  const std::string access =
      "[2025-07-18 15:33:00] INFO:     127.0.0.1:5000 - \"POST /generate HTTP/1.1\" 200 OK\n";
  capture::LogTailerOptions opt;
  opt.hint = "trtllm";
  Tailed head =
      tail(dir, "[2025-07-18 15:30:00] server_args=ServerArgs(model_path='m', tp_size=1)\n", access, opt, 1);
  CHECK(head.engine == "sglang");
  CHECK(head.source == "log head");
  CHECK(head.lines == 1);
  // No telling head either: the hint decides.
  Tailed hint = tail(dir, "", access, opt, 1);
  CHECK(hint.engine == "trtllm");
  CHECK(hint.source == "hint");
  // Nothing at all: read as vLLM's at the end, and said so.
  opt.hint.clear();
  Tailed dflt = tail(dir, "", access, opt, 1);
  CHECK(dflt.engine == "vllm");
  CHECK(dflt.source == "default (vllm)");

  opt.engine = "llamacpp";
  CHECK_THROWS_WITH(capture::LogTailer(dir / "x.log", nullptr, opt),
                    Catch::Contains("unknown engine 'llamacpp'"));
  fs::remove_all(dir);
}

TEST_CASE("log tailer: serve-profile --engine sglang reads the server log with the SGLang parser",
          "[capture][log_tailer][serve_profile]") {
  fs::path dir = temp_dir("cli");
  testing::TestServerOptions so;  // speaks vLLM's API; the log the run follows is SGLang's
  so.ttft_ms = 100;
  so.itl_ms = 5;
  so.max_lifetime_s = 60;
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  { std::ofstream(dir / "traffic.jsonl") << "{\"prompt\": \"a b c\", \"max_tokens\": 2}\n"; }
  const fs::path log = dir / "sglang.log";
  append(log, "[2025-07-18 15:30:00] server_args=ServerArgs(model_path='m', tp_size=1)\n");
  std::thread writer([&] {  // the server's scheduler, logging while the run goes on
    // Once requests arrive, serve-profile is past tailer start-up: these lines are the run's.
    for (int i = 0; i < 1000 && server.counts().requests == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    write_slowly(log, kSglang, 3);
  });
  fs::path run = dir / "run.hotpath";
  auto r = test::run_hotpath(
      "serve-profile --endpoint " + server.base_url() + " --traffic " + (dir / "traffic.jsonl").string() +
      " --engine sglang --num-requests 12 --concurrency 1 --no-scrape -q --server-log " + log.string() +
      " --output " + run.string());
  writer.join();
  INFO(r.out);
  REQUIRE(r.code == 0);
  ServingData d = read_serving(run);
  CHECK(d.meta.at("engine") == "sglang");
  CHECK(d.meta.at("server_log.engine") == "sglang");
  CHECK(d.meta.at("server_log.engine_source") == "--engine");
  CHECK(d.meta.at("server_log.records") == "4");
  auto s = by_key(d.log_series);
  CHECK(s[{"requests_running", {{"dp", "0"}, {"tp", "0"}}}].size() == 4);

  auto bad = test::run_hotpath("serve-profile --endpoint " + server.base_url() + " --traffic " +
                               (dir / "traffic.jsonl").string() + " --engine llamacpp -o " + run.string());
  CHECK(bad.code == 2);
  CHECK_THAT(bad.out, Catch::Contains("--engine"));
  fs::remove_all(dir);
}

TEST_CASE("log tailer: a rotated and a truncated log are read again from their start",
          "[capture][log_tailer]") {
  const fs::path dir = test::fresh_temp_dir("log_tailer", "rotate");
  const fs::path log = dir / "server.log";
  { std::ofstream(log) << "start-up line\n"; }
  LiveServing sink;
  capture::LogTailerOptions lo;
  lo.engine = "vllm";
  capture::LogTailer t(log, &sink, lo);
  t.start();
  auto wait_lines = [&](uint64_t n) {
    for (int i = 0; i < 300 && t.stats().lines < n; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return t.stats().lines.load();
  };
  { std::ofstream(log, std::ios::app) << "a\nb\nc\n"; }
  CHECK(wait_lines(3) == 3);  // from the end at start: the start-up line is not read
  fs::rename(log, dir / "server.log.1");
  { std::ofstream(log) << "d\ne\n"; }  // a new file under the name
  CHECK(wait_lines(5) == 5);
  CHECK(t.stats().restarts == 1);
  { std::ofstream(log, std::ios::trunc) << "f\n"; }  // truncated in place
  CHECK(wait_lines(6) == 6);
  t.stop();
  CHECK(t.stats().restarts == 2);
  CHECK(t.stats().lines == 6);
}
