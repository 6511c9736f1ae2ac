// The real hotpath binary against the vLLM-like test server: a full serve-profile run (metrics,
// server log, torch-profile probes), and kill -9 in the middle of one.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <simdjson.h>

#include "core/session/load_session.h"
#include "core/store/run_file.h"
#include "core/store/serving_store.h"
#include "tests/support/cli_run.h"
#include "tests/support/server_vllm.h"
#include "tests/support/temp_dir.h"

extern char** environ;
namespace fs = std::filesystem;
using namespace hp;
using namespace hp::serving;

namespace {

fs::path temp_dir(const std::string& name) {
  return test::fresh_temp_dir("serve_profile_test", name);
}

// Starts argv[0] with stdout to `out_file`; returns the pid.
pid_t spawn(const std::vector<std::string>& args, const fs::path& out_file) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_traffic(const fs::path& p, int n, int max_tokens) {
  std::ofstream out(p);
  for (int i = 0; i < n; ++i)
    out << "{\"prompt\": \"hello world number " << i << "\", \"max_tokens\": " << max_tokens << "}\n";
}

// A test server that answers at once, for tests about what serve-profile sends.
testing::TestServerOptions quick_server() {
  testing::TestServerOptions so;
  so.ttft_ms = 5;
  so.itl_ms = 1;
  so.max_lifetime_s = 60;
  return so;
}

// serve-profile against `server` with `args` (traffic, arrival, flags), its run file read back.
ServingData serve_profile(const testing::TestServer& server, const std::string& args, const fs::path& out) {
  auto r = test::run_hotpath("serve-profile --endpoint " + server.base_url() + " " + args + " -q --output " +
                             out.string());
  INFO(r.out);
  REQUIRE(r.code == 0);
  return read_serving(out);
}

}  // namespace

TEST_CASE("serve-profile: a run records requests, metrics, the server log and stage traces",
          "[capture][serve_profile]") {
  fs::path dir = temp_dir("full");
  testing::TestServerOptions so;
  so.ttft_ms = 20;
  so.itl_ms = 5;
  so.server_log = dir / "server.log";
  so.profile_dir = dir / "profiles";
  so.trace_fixture = fs::path(HOTPATH_TEST_DATA) / "shell/hta_trace_compare_base.json.gz";
  so.max_lifetime_s = 90;
  { std::ofstream(so.server_log) << "INFO 01-01 00:00:00 [x.py:1] written before the run: skipped\n"; }
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  write_traffic(dir / "traffic.jsonl", 10, 6);
  fs::path run = dir / "run.hotpath";
  std::string cmd = std::string(HOTPATH_BIN) + " serve-profile --endpoint " + server.base_url() +
                    " --traffic " + (dir / "traffic.jsonl").string() +
                    " --concurrency 3 --num-requests 20 --scrape-hz 10" + " --server-log " +
                    so.server_log.string() + " --torch-profile --profile-dir " + so.profile_dir.string() +
                    " --probe-input-tokens 16 --probe-output-tokens 4" +
                    " --probe-warmup 2 --probe-capture 1 -q --output " + run.string() + " 2>" +
                    (dir / "stderr.txt").string();
  REQUIRE(std::system(cmd.c_str()) == 0);
  INFO(slurp(dir / "stderr.txt"));
  ServingData d = read_serving(run);
  // The run's 20 requests, then --torch-profile's probes recorded with their purpose (2 + 1 per stage).
  std::map<std::string, int> by_purpose;
  for (const auto& r : d.requests) ++by_purpose[r.purpose];
  CHECK(by_purpose == std::map<std::string, int>{{"", 20}, {"probe:decode", 3}, {"probe:prefill", 3}});
  std::erase_if(d.requests, [](const serving::RequestRecord& r) { return !r.purpose.empty(); });
  REQUIRE(d.requests.size() == 20);
  for (const auto& r : d.requests) CHECK(r.status == RequestStatus::Ok);
  CHECK(d.meta.count("profile.started_ns") == 1);
  CHECK(d.meta.count("profile.decode.started_ns") == 1);
  CHECK(d.meta.at("model") == "test-model");
  CHECK(d.meta.at("engine") == "vllm");
  CHECK(d.meta.at("requests_ok") == "20");
  // Probes (2 x (2 + 1)) and the run's 20 requests all reached the server.
  CHECK(server.counts().requests == 26);
  CHECK(server.counts().profile_starts == 2);
  // /metrics series with their labels.
  bool found = false;
  for (const auto& s : d.metrics)
    if (s.key.name == "vllm:num_requests_running") {
      found = true;
      CHECK(label_value(s.key.labels, "model_name") == "test-model");
      CHECK(s.samples.size() >= 2);
    }
  CHECK(found);
  // The server log: its Received/Finished lines became server events with our request ids.
  std::set<std::string> ids;
  for (const auto& r : d.requests) ids.insert(r.request_id);
  size_t finished = 0;
  for (const auto& e : d.server_events)
    if (e.kind == "finished" && ids.count(e.request_id)) ++finished;
  CHECK(finished == 20);
  // The torch-profiler traces: one per stage, imported with their stage.
  auto trace = open_run(run);
  REQUIRE(trace->sources.size() == 2);
  std::set<std::string> stages;
  for (const auto& s : trace->sources) stages.insert(s.stage);
  CHECK(stages == std::set<std::string>{"decode", "prefill"});
  CHECK(trace->slices.size() > 0);
  // One session on one clock: each trace starts at its /start_profile (the test server writes
  // baseTimeNanoseconds as a profiler would), which serve-profile brackets by the request's round trip;
  // so the kernels sit among the probe requests they profiled.
  LoadProgress lp;
  auto session = load_session({run}, lp);
  auto at = [&](const char* key) { return std::stoll(d.meta.at(key)) - session->epoch_base_ns; };
  const Ns prefill_start = session->run->span().first;
  CHECK(prefill_start >= at("profile.prefill.started_ns"));
  CHECK(prefill_start <= at("profile.prefill.start_acked_ns"));
  // The decode trace: the first slice at or after the decode profiler's start request.
  const auto& starts = session->run->slices.start;
  Ns decode_start = INT64_MAX;
  for (Ns t : starts)
    if (t >= at("profile.decode.started_ns")) decode_start = std::min(decode_start, t);
  CHECK(decode_start <= at("profile.decode.start_acked_ns"));
  const RequestTable& rq = session->requests;
  size_t probes_after = 0;
  for (size_t i = 0; i < rq.size(); ++i)
    if (session->str(rq.purpose[i]) == "probe:decode" && rq.sent[i] > decode_start) ++probes_after;
  CHECK(probes_after == 1);  // the one captured decode probe (2 warm-ups ran before the profiler)
  fs::remove_all(dir);
}

TEST_CASE("serve-profile: kill -9 keeps every request that finished a second before",
          "[capture][serve_profile]") {
  fs::path dir = temp_dir("kill");
  fs::path completed = dir / "completed.log";
  pid_t server = spawn({HOTPATH_TEST_SERVER_BIN, "--ttft-ms", "20", "--itl-ms", "5", "--output-tokens", "10",
                        "--lifetime-s", "60", "--completed-log", completed.string()},
                       dir / "server.out");
  REQUIRE(server > 0);
  int port = 0;
  for (int i = 0; i < 500 && !port; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::sscanf(slurp(dir / "server.out").c_str(), "PORT %d", &port);
  }
  REQUIRE(port > 0);
  write_traffic(dir / "traffic.jsonl", 50, 10);
  fs::path run = dir / "run.hotpath";
  pid_t client =
      spawn({HOTPATH_BIN, "serve-profile", "--endpoint", "http://127.0.0.1:" + std::to_string(port),
             "--traffic", (dir / "traffic.jsonl").string(), "--concurrency", "8", "--duration", "60", "-q",
             "--output", run.string()},
            dir / "client.out");
  REQUIRE(client > 0);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  kill(client, SIGKILL);
  auto kill_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  CHECK(wait_exit(client) == 128 + SIGKILL);
  kill(server, SIGTERM);
  wait_exit(server);

  // The partial file opens as a run file, and holds every request the server completed > 1 s before the kill.
  CHECK_NOTHROW(open_run(run));
  ServingData d = read_serving(run);
  std::set<std::string> stored;
  for (const auto& r : d.requests) stored.insert(r.request_id);
  std::istringstream in(slurp(completed));
  int64_t ts;
  std::string id, status;
  size_t early = 0, missing = 0;
  while (in >> ts >> id >> status) {
    if (ts > kill_ns - 1'000'000'000) continue;
    ++early;
    missing += stored.count(id) == 0;
  }
  INFO("completed > 1 s before the kill: " << early << ", stored: " << stored.size());
  CHECK(early > 50);
  CHECK(missing == 0);
  fs::remove_all(dir);
}

// The acceptance check of the serving capture: the real serve-profile and serve-report against the
// test server's known schedule. Counts must equal what the server saw; the client's TTFT p50 must be
// within 2% of the scheduled TTFT.
TEST_CASE("serve-profile then serve-report --format json: the server's counts, TTFT p50 within 2%",
          "[capture][serve_profile][acceptance]") {
  fs::path dir = temp_dir("accept");
  testing::TestServerOptions so;
  so.ttft_ms = 200;
  so.itl_ms = 5;
  so.max_lifetime_s = 60;
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  write_traffic(dir / "traffic.jsonl", 10, 4);
  fs::path run = dir / "run.hotpath";
  auto r = test::run_hotpath("serve-profile --endpoint " + server.base_url() + " --traffic " +
                             (dir / "traffic.jsonl").string() +
                             " --concurrency 8 --num-requests 40 -q --output " + run.string());
  INFO(r.out);
  REQUIRE(r.code == 0);
  auto rep = test::run_hotpath("serve-report " + run.string() + " --format json", /*with_stderr=*/false);
  REQUIRE(rep.code == 0);
  INFO(rep.out);

  simdjson::dom::parser parser;
  simdjson::dom::element j;
  REQUIRE(parser.parse(rep.out).get(j) == simdjson::SUCCESS);
  int64_t total = -1, ok = -1, failed = -1;
  double p50 = 0;
  REQUIRE(j["requests"]["total"].get_int64().get(total) == simdjson::SUCCESS);
  REQUIRE(j["requests"]["ok"].get_int64().get(ok) == simdjson::SUCCESS);
  REQUIRE(j["requests"]["failed"].get_int64().get(failed) == simdjson::SUCCESS);
  REQUIRE(j["latency_ms"]["ttft"]["p50"].get_double().get(p50) == simdjson::SUCCESS);
  const testing::ServerCounts seen = server.counts();
  CHECK(seen.requests == 40);
  CHECK(total == static_cast<int64_t>(seen.requests));
  CHECK(ok == static_cast<int64_t>(seen.completed));
  CHECK(failed == 0);
  CHECK(p50 == Approx(so.ttft_ms).epsilon(0.02));
  fs::remove_all(dir);
}

TEST_CASE("serve-profile --sharegpt-conversations sends every turn up to the last human one",
          "[capture][serve_profile]") {
  fs::path dir = temp_dir("sharegpt");
  testing::TestServer server(quick_server());
  REQUIRE(server.start() > 0);
  // The test server counts prompt tokens as the words of every message it was sent.
  std::ofstream(dir / "sharegpt.json") << R"([
    {"id": "a", "conversations": [{"from": "human", "value": "one two three"}, {"from": "gpt", "value": "four five"},
                                  {"from": "human", "value": "six seven eight nine"}, {"from": "gpt", "value": "ten"}]},
    {"id": "b", "conversations": [{"from": "system", "value": "be brief"}, {"from": "human", "value": "hello there"},
                                  {"from": "gpt", "value": "hi"}]}])";
  auto prompt_tokens = [&](const std::string& flags, const std::string& name) {
    ServingData d = serve_profile(
        server,
        "--traffic " + (dir / "sharegpt.json").string() + " --concurrency 1 --num-requests 2 " + flags,
        dir / (name + ".hotpath"));
    std::multiset<uint32_t> tokens;
    for (const auto& q : d.requests) tokens.insert(q.prompt_tokens);
    return std::make_pair(tokens, d.meta);
  };
  auto [first, first_meta] = prompt_tokens("", "first");
  CHECK(first == std::multiset<uint32_t>{2, 3});  // "hello there", "one two three"
  CHECK(first_meta.at("sharegpt_turns") == "first human turn");
  auto [whole, whole_meta] = prompt_tokens("--sharegpt-conversations", "whole");
  CHECK(whole == std::multiset<uint32_t>{4, 9});  // 2 + 2, 3 + 2 + 4
  CHECK(whole_meta.at("sharegpt_turns") == "whole conversations");
  CHECK(whole_meta.at("api_path") == "/v1/chat/completions");
  auto refused = test::run_hotpath("serve-profile --endpoint " + server.base_url() +
                                   "/v1/completions --traffic " + (dir / "sharegpt.json").string() +
                                   " --sharegpt-conversations -q --output " + (dir / "no.hotpath").string());
  CHECK(refused.code == 2);
  CHECK(refused.out.find("not a chat endpoint") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("serve-profile --traffic probe:prefill / probe:decode: synthetic probes as the workload",
          "[capture][serve_profile]") {
  fs::path dir = temp_dir("probes");
  testing::TestServer server(quick_server());
  REQUIRE(server.start() > 0);
  auto run = [&](const std::string& traffic, const std::string& flags) {
    return serve_profile(server,
                         "--traffic " + traffic + " --concurrency 2 --num-requests 4 --warmup 1 " + flags,
                         dir / (traffic.substr(6) + ".hotpath"));
  };
  ServingData prefill = run("probe:prefill", "--probe-input-tokens 12");
  size_t measured = 0;
  for (const auto& q : prefill.requests) {
    CHECK(q.status == RequestStatus::Ok);
    CHECK(q.prompt_tokens == 12);  // the server counts words: "probe-<seed>-<i>" and 11 more
    CHECK(q.output_tokens == 1);
    measured += q.warmup ? 0 : 1;
  }
  CHECK(measured == 4);
  CHECK(prefill.meta.at("traffic_format") == "probe:prefill");
  ServingData decode = run("probe:decode", "--probe-output-tokens 6");
  REQUIRE(!decode.requests.empty());
  for (const auto& q : decode.requests) {
    CHECK(q.prompt_tokens == 1);
    CHECK(q.output_tokens == 6);
  }
  fs::remove_all(dir);
}
