#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

#include "core/session/load_session.h"
#include "core/session/session_builder.h"
#include "core/store/serving_store.h"
#include "support/run_maker.h"

using namespace hp;

namespace {

constexpr Ns kBase = 1'767'189'312'000'000'000;  // a Kineto baseTimeNanoseconds (2025-12-31)

serving::RequestRecord request(Ns sent, Ns first, Ns end, std::vector<Ns> chunks = {}) {
  serving::RequestRecord r;
  r.request_id = "r" + std::to_string(sent);
  r.scheduled_ns = sent;
  r.sent_ns = sent;
  r.first_chunk_ns = r.first_token_ns = first;
  r.end_ns = end;
  r.token_chunk_ns = std::move(chunks);
  r.output_tokens = static_cast<uint32_t>(r.token_chunk_ns.size());
  return r;
}

}  // namespace

TEST_CASE("session: a trace with baseTimeNanoseconds and a capture line up to the ns") {
  Run run = test::make_run({{0, 1'000'000, 4'000'000, "decode step"}});
  run.sources.push_back({});
  run.sources.back().base_time_ns = kBase;
  ServingData d;
  // Sent 1.5 ms after the trace's time 0, first token at 2.000001 ms, done at 3 ms.
  d.requests.push_back(request(kBase + 1'500'000, kBase + 2'000'001, kBase + 3'000'000,
                               {kBase + 2'000'001, kBase + 2'500'000, kBase + 3'000'000}));
  d.metrics.push_back({{"vllm:num_requests_running", {}}, {{kBase + 2'000'000, 1}, {kBase + 4'000'000, 0}}});
  SessionBuilder b;
  b.set_run(std::make_shared<const Run>(std::move(run)), "trace.json");
  b.add_serving(d, SourceKind::Capture, "run.hotpath");
  auto s = b.finish();
  CHECK(s->epoch_base_ns == kBase);
  REQUIRE(s->requests.size() == 1);
  CHECK(s->requests.sent[0] == 1'500'000);
  CHECK(s->requests.first_token[0] == 2'000'001);
  CHECK(s->requests.finish[0] == 3'000'000);
  CHECK(s->requests.itl == std::vector<Ns>{499'999, 500'000});
  CHECK(s->requests.itl_begin == std::vector<uint32_t>{0, 2});
  REQUIRE(s->series.size() == 1);
  CHECK(s->series.ts == std::vector<Ns>{2'000'000, 4'000'000});
  CHECK(s->series.info[0].kind == SeriesKind::Gauge);
  CHECK(s->str(s->series.info[0].unit) == "requests");
  REQUIRE(s->sources.size() == 2);
  CHECK(s->sources[0].absolute);
  CHECK(s->sources[1].begin == 1'500'000);
  CHECK(s->span() == std::pair<Ns, Ns>{1'000'000, 5'000'000});
  CHECK(s->warnings.empty());
}

TEST_CASE("session: a trace without an absolute base sits at the recorded profiler start, labelled") {
  Run run = test::make_run({{0, 500, 1000, "step"}});  // trace-clock µs-scale times, no base
  ServingData d;
  d.meta["profile.started_ns"] = std::to_string(kBase + 7'000);
  d.requests.push_back(request(kBase, kBase + 10'000, kBase + 20'000));
  SessionBuilder b;
  b.set_run(std::make_shared<const Run>(std::move(run)), "t.json");
  b.add_serving(d, SourceKind::Capture, "c");
  auto s = b.finish();
  REQUIRE(s->sources.size() == 2);
  CHECK_FALSE(s->sources[0].absolute);
  CHECK(s->sources[0].alignment.find("profiler start") != std::string::npos);
  // Trace time 500 (its first event) is epoch kBase + 7000: the request was sent 7000 ns earlier.
  CHECK(s->requests.sent[0] == 500 - 7'000);
}

TEST_CASE("session: serving data alone starts at its first whole second, shifts move a source") {
  ServingData a, b;
  a.requests.push_back(request(kBase + 2'400'000'000, kBase + 2'500'000'000, kBase + 3'000'000'000));
  b.metrics.push_back({{"x_total", {}}, {{kBase + 2'400'000'000, 5}, {kBase + 3'400'000'000, 7}}});
  SessionBuilder sb;
  sb.add_serving(a, SourceKind::Capture, "a");
  sb.add_serving(b, SourceKind::Prometheus, "b");
  sb.set_shift("b", -400'000'000);
  auto s = sb.finish();
  CHECK(s->epoch_base_ns == kBase + 2'000'000'000);
  CHECK(s->requests.sent[0] == 400'000'000);
  CHECK(s->series.ts == std::vector<Ns>{0, 1'000'000'000});
  CHECK(s->series.info[0].kind == SeriesKind::Counter);
  CHECK(s->sources[1].shift_ns == -400'000'000);
}

TEST_CASE("session: sources that do not overlap in time are named in a warning") {
  ServingData a, b;
  a.requests.push_back(request(kBase, kBase + 1'000, kBase + 2'000));
  b.requests.push_back(request(kBase + 10'000'000'000, kBase + 10'000'001'000, kBase + 10'000'002'000));
  SessionBuilder sb;
  sb.add_serving(a, SourceKind::Capture, "monday.hotpath");
  sb.add_serving(b, SourceKind::Capture, "tuesday.hotpath");
  auto s = sb.finish();
  REQUIRE(s->warnings.size() == 2);
  CHECK(s->warnings[0] == "monday.hotpath does not overlap the other sources in time");
}

TEST_CASE("session: a vLLM 0.15 log alone opens with its 7,241 iterations and 12 stats lines") {
  LoadProgress p;
  auto s = load_session(
      {std::string(HOTPATH_TEST_DATA) + "/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz"}, p);
  CHECK(s->run->slices.size() == 0);
  REQUIRE(s->iterations.size() == 7241);
  size_t prefill = 0, decode = 0, mixed = 0, idle = 0;
  for (IterationKind k : s->iterations.kind) {
    prefill += k == IterationKind::Prefill;
    decode += k == IterationKind::Decode;
    mixed += k == IterationKind::Mixed;
    idle += k == IterationKind::Idle;
  }
  // Counted with awk over the log's Iteration(N) lines (context vs generation requests/tokens > 0).
  CHECK(prefill == 2);
  CHECK(decode == 6759);
  CHECK(mixed == 477);
  CHECK(idle == 3);
  // The first three lines: 1 context request (36.68 ms), then two decode steps (4.52, 4.15 ms).
  CHECK(s->iterations.kind[0] == IterationKind::Prefill);
  CHECK(s->iterations.dur[0] == 36'680'000);
  CHECK(s->iterations.kind[1] == IterationKind::Decode);
  CHECK(s->iterations.dur[1] == 4'520'000);
  CHECK(s->iterations.start[1] == s->iterations.start[0] + 36'680'000);  // laid end to end
  CHECK(s->sources.at(0).resolution_ns == 1'000'000'000);
  bool found = false;
  for (const auto& info : s->series.info)
    if (s->str(info.name) == "requests_running") {
      found = true;
      CHECK(info.end - info.begin == 12);
    }
  CHECK(found);
  CHECK(s->events.size() == 513 + 513);                 // Received + Added request lines
  CHECK(s->meta.at("model") == "openai/gpt-oss-120b");  // the engine's startup lines
}

TEST_CASE("session: a shift saved in a run file reopens shifted, a load's own shift wins") {
  auto dir = std::filesystem::temp_directory_path() / ("hotpath_session_shift_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "capture.hotpath";
  {
    ServingWriter w(file);
    w.add_request(request(kBase + 2'000'000'000, kBase + 2'100'000'000, kBase + 2'500'000'000));
    w.add_request(request(kBase + 3'000'000'000, kBase + 3'100'000'000, kBase + 3'500'000'000));
  }
  LoadProgress p;
  auto plain = load_session({file}, p);
  REQUIRE(plain->requests.size() == 2);
  const Ns sent = plain->requests.sent[1];
  save_clock_shift(file, "capture.hotpath", -250'000'000);
  auto shifted = load_session({file}, p);
  CHECK(shifted->sources.at(0).shift_ns == -250'000'000);
  // Alone, the capture sets the clock: a shift moves it against its own first whole second.
  CHECK(shifted->requests.sent[1] - shifted->requests.sent[0] == sent - plain->requests.sent[0]);
  CHECK(shifted->epoch_base_ns + shifted->requests.sent[1] == plain->epoch_base_ns + sent - 250'000'000);
  auto overridden = load_session({file}, p, {{"capture.hotpath", 5}});
  CHECK(overridden->sources.at(0).shift_ns == 5);
  std::filesystem::remove_all(dir);
}

TEST_CASE("session: an SGLang log's prefill and decode batch lines become engine iterations") {
  LoadProgress p;
  auto s = load_session(
      {std::string(HOTPATH_TEST_DATA) + "/logs/sglang_laguna-s-2.1-int4_dgxspark_prefill-decode.log"}, p);
  // grep: 57 "Prefill batch" lines (86,867 new tokens), 56 "Decode batch" lines (126 running requests).
  REQUIRE(s->iterations.size() == 57 + 56);
  size_t prefill = 0, decode = 0;
  uint64_t ctx_tokens = 0, gen_reqs = 0;
  for (size_t i = 0; i < s->iterations.size(); ++i) {
    prefill += s->iterations.kind[i] == IterationKind::Prefill;
    decode += s->iterations.kind[i] == IterationKind::Decode;
    ctx_tokens += s->iterations.ctx_tokens[i];
    gen_reqs += s->iterations.gen_reqs[i];
    CHECK(s->iterations.dur[i] == 0);  // SGLang logs no batch duration
  }
  CHECK(prefill == 57);
  CHECK(decode == 56);
  CHECK(ctx_tokens == 86867);
  CHECK(gen_reqs == 126);
  CHECK(s->iterations.ctx_tokens[0] == 7);  // the first line: #new-token: 7
}

TEST_CASE("session: the logs of two replicas name their requests' replica, a client's requests name none") {
  auto dir = std::filesystem::temp_directory_path() / ("hotpath_session_replica_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string log =
      std::string(HOTPATH_TEST_DATA) + "/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz";
  for (const char* r : {"replica-a.log.gz", "replica-b.log.gz"})
    std::filesystem::copy_file(log, dir / r, std::filesystem::copy_options::overwrite_existing);
  LoadProgress p;
  auto s = load_session({(dir / "replica-a.log.gz").string(), (dir / "replica-b.log.gz").string()}, p);
  REQUIRE(s->requests.size() == 2 * 513);
  std::map<std::string, size_t> by;
  for (size_t i = 0; i < s->requests.size(); ++i) ++by[std::string(s->str(s->requests.replica[i]))];
  CHECK(by == std::map<std::string, size_t>{{"replica-a.log.gz", 513}, {"replica-b.log.gz", 513}});
  ServingData client;
  client.requests.push_back(request(kBase, kBase + 1'000, kBase + 2'000));
  SessionBuilder sb;
  sb.add_serving(client, SourceKind::Capture, "capture.hotpath");
  CHECK(sb.finish()->requests.replica == std::vector<StrId>{0});
  std::filesystem::remove_all(dir);
}
