// serve-profile --rollouts against the test server, through the API's n and through N requests (the server
// refuses n, or ignores it): the same groups either way, and serve-report's per-group figures, hand-computed
// from the server's fixed token schedule (TTFT 50 ms, then a token every 10 ms, so the last of L tokens
// comes 50 + 10 (L - 1) ms after the send).
#include <fmt/format.h>
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/serving/rollouts.h"
#include "core/store/serving_store.h"
#include "tests/support/cli_run.h"
#include "tests/support/server_vllm.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using namespace hp;

namespace {

// Two prompts; [tokens:A,B,C,D] gives rollout k (choice k, or the k-th request with that prompt) length k.
const int kLengths[2][4] = {{10, 20, 30, 40}, {5, 5, 5, 50}};

struct RolloutRun {
  test::CliResult profile;
  ServingData data;
  nlohmann::json report;
  std::string text;
  uint64_t server_requests = 0;
};

RolloutRun run_rollouts(const std::string& name, testing::NSupport n_support) {
  const fs::path dir = test::fresh_temp_dir("serve_profile_rollouts", name);
  testing::TestServerOptions so;
  so.ttft_ms = 50;
  so.itl_ms = 10;
  so.max_lifetime_s = 60;
  so.n_support = n_support;
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  {
    std::ofstream out(dir / "traffic.jsonl");
    for (const auto& l : kLengths)
      out << fmt::format("{{\"prompt\": \"step [tokens:{},{},{},{}]\", \"max_tokens\": 64}}\n", l[0], l[1],
                         l[2], l[3]);
  }
  const fs::path run = dir / "run.hotpath";
  RolloutRun r;
  r.profile = test::run_hotpath(
      "serve-profile --endpoint " + server.base_url() + " --traffic " + (dir / "traffic.jsonl").string() +
      " --rollouts 4 --concurrency 8 --no-scrape --no-gpu -q --output " + run.string());
  r.server_requests = server.counts().requests;
  INFO(r.profile.out);
  REQUIRE(r.profile.code == 0);
  r.data = read_serving(run);
  auto js = test::run_hotpath("serve-report --format json " + run.string(), false);
  REQUIRE(js.code == 0);
  r.report = nlohmann::json::parse(js.out)["rollouts"];
  r.text = test::run_hotpath("serve-report " + run.string(), false).out;
  return r;
}

// The groups are the same whichever way they were sent.
void check_groups(const RolloutRun& r) {
  const auto& j = r.report;
  CHECK(j["n"] == 4);
  REQUIRE(j["groups"].size() == 2);
  for (int g = 0; g < 2; ++g) {
    INFO("group " << g);
    const auto& x = j["groups"][g];
    const int* len = kLengths[g];
    const int lo = *std::min_element(len, len + 4), hi = *std::max_element(len, len + 4);
    CHECK(x["requests"] == 4);
    CHECK(x["ok"] == 4);
    CHECK(x["partial"] == false);
    CHECK(x["output_tokens_min"] == lo);
    CHECK(x["output_tokens"]["max"] == hi);
    const double to_last = 50 + 10 * (hi - 1), spread = 10 * (hi - lo);  // 440/300 ms and 540/450 ms
    CHECK(x["to_last_ms"].get<double>() >= to_last);
    CHECK(x["to_last_ms"].get<double>() < to_last + 150);
    CHECK(x["spread_ms"].get<double>() > spread - 60);
    CHECK(x["spread_ms"].get<double>() < spread + 60);
  }
  // Each request's (or choice's) own output length by scheduling position (the run file keeps completion
  // order): position / 4 is the group, position % 4 the rollout.
  std::vector<const serving::RequestRecord*> reqs;
  for (const auto& q : r.data.requests) reqs.push_back(&q);
  std::sort(reqs.begin(), reqs.end(),
            [](auto* a, auto* b) { return serving::rollout_position(*a) < serving::rollout_position(*b); });
  REQUIRE(reqs.size() == 8);
  for (size_t i = 0; i < 8; ++i) {
    INFO("request " << i << " " << reqs[i]->request_id);
    CHECK(serving::rollout_position(*reqs[i]) == i);
    CHECK(reqs[i]->status == serving::RequestStatus::Ok);
    CHECK(reqs[i]->output_tokens == static_cast<uint32_t>(kLengths[i / 4][i % 4]));
    CHECK(reqs[i]->token_chunk_ns.size() == reqs[i]->output_tokens);
    CHECK(reqs[i]->ttft_ns() >= 50'000'000);
  }
  // 8 in flight at the peak, so "few" is at most 2. Completions (ms after the send): 90, 90, 90, 140, 240,
  // 340, 440, 540: at most 2 running from 340 to 540 ms, i.e. 200 of 540 ms = 37 %.
  CHECK(j["straggler"]["few_threshold"] == 2);
  CHECK(j["straggler"]["source"] == "client in-flight requests");
  CHECK(j["straggler"]["share"].get<double>() > 0.3);
  CHECK(j["straggler"]["share"].get<double>() < 0.45);
  CHECK(test::contains(r.text, "Rollouts (4 per prompt)"));
  CHECK(test::contains(r.text, "Stragglers: "));
}

}  // namespace

TEST_CASE("serve-profile --rollouts through the API's n: one request per prompt, its choices as a group",
          "[capture][serve_profile][rollouts]") {
  RolloutRun r = run_rollouts("n", testing::NSupport::Honour);
  CHECK(test::contains(r.profile.out, "--rollouts 4: one request per prompt with n = 4"));
  CHECK(r.server_requests == 3);  // the probe, then one request per prompt
  CHECK(r.data.meta.at("rollouts.n") == "4");
  CHECK(r.data.meta.at("rollouts.mode") == "n");
  CHECK(r.data.meta.at("rollouts.reason") == "the server streamed 4 choices for n = 4");
  CHECK(r.report["mode"] == "n");
  check_groups(r);
  // The choices of one request share its send and its X-Request-Id ("#k" tells them apart).
  std::vector<serving::RequestRecord> q = r.data.requests;
  std::sort(q.begin(), q.end(), [](const auto& a, const auto& b) {
    return serving::rollout_position(a) < serving::rollout_position(b);
  });
  REQUIRE(q.size() == 8);
  CHECK(q[0].sent_ns == q[3].sent_ns);
  CHECK(q[0].request_id.substr(q[0].request_id.size() - 2) == "#0");
  CHECK(q[3].request_id == q[0].request_id.substr(0, q[0].request_id.size() - 1) + "3");
}

TEST_CASE("serve-profile --rollouts falls back to N requests when the server refuses n",
          "[capture][serve_profile][rollouts]") {
  RolloutRun r = run_rollouts("refused", testing::NSupport::Refuse);
  CHECK(test::contains(r.profile.out, "--rollouts 4: each prompt sent as 4 requests in a row"));
  CHECK(test::contains(r.profile.out, "HTTP 400: n > 1 is not supported by this server"));
  CHECK(r.server_requests == 8);  // the refused probe is not counted: 2 prompts x 4
  CHECK(r.data.meta.at("rollouts.mode") == "requests");
  CHECK(r.data.meta.at("rollouts.reason") ==
        "the server refused n = 4: HTTP 400: n > 1 is not supported by this server");
  CHECK(r.report["mode"] == "requests");
  check_groups(r);
  CHECK(test::contains(r.text, "the API's n is not used"));
}

TEST_CASE("serve-profile --rollouts falls back to N requests when only one choice comes back",
          "[capture][serve_profile][rollouts]") {
  RolloutRun r = run_rollouts("ignored", testing::NSupport::Ignore);
  CHECK(r.server_requests == 9);  // the probe and 2 prompts x 4
  CHECK(r.data.meta.at("rollouts.mode") == "requests");
  CHECK(r.data.meta.at("rollouts.reason") == "the server ignored n = 4: 1 choice(s) came back");
  check_groups(r);
}
