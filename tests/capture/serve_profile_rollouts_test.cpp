// serve-profile --rollouts against the test server: groups of N requests sharing a prompt, and serve-report's
// per-group figures (hand-computed from the server's fixed token schedule).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/store/serving_store.h"
#include "tests/support/cli_run.h"
#include "tests/support/server_vllm.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using namespace hp;

TEST_CASE("serve-profile --rollouts: groups, time to last completion, spread and stragglers",
          "[capture][serve_profile][rollouts]") {
  const fs::path dir = test::fresh_temp_dir("serve_profile_rollouts", "groups");
  testing::TestServerOptions so;
  so.ttft_ms = 50;
  so.itl_ms = 10;
  so.max_lifetime_s = 60;
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  {
    std::ofstream out(dir / "traffic.jsonl");
    for (int tokens : {10, 10, 10, 40})
      out << "{\"prompt\": \"step [tokens:" << tokens << "]\", \"max_tokens\": 64}\n";
  }
  const fs::path run = dir / "run.hotpath";
  auto r = test::run_hotpath(
      "serve-profile --endpoint " + server.base_url() + " --traffic " + (dir / "traffic.jsonl").string() +
      " --rollouts 2 --concurrency 8 --no-scrape --no-gpu -q --output " + run.string());
  INFO(r.out);
  REQUIRE(r.code == 0);
  CHECK(test::contains(r.out, "--rollouts 2: each prompt sent as 2 requests in a row"));
  CHECK(server.counts().requests == 8);  // 4 prompts x 2
  ServingData d = read_serving(run);
  CHECK(d.meta.at("rollouts.n") == "2");
  CHECK(d.meta.at("rollouts.mode") == "requests");

  auto js = test::run_hotpath("serve-report --format json " + run.string(), false);
  REQUIRE(js.code == 0);
  auto j = nlohmann::json::parse(js.out)["rollouts"];
  CHECK(j["n"] == 2);
  REQUIRE(j["groups"].size() == 4);
  for (int g = 0; g < 4; ++g) {
    INFO("group " << g);
    const auto& x = j["groups"][g];
    CHECK(x["requests"] == 2);
    CHECK(x["ok"] == 2);
    CHECK(x["partial"] == false);
    const double tokens = g == 3 ? 40 : 10;
    CHECK(x["output_tokens"]["max"] == tokens);
    CHECK(x["output_tokens_min"] == tokens);
    // TTFT 50 ms, then a token every 10 ms: the last of n tokens at 50 + 10 (n - 1) ms after the send.
    const double expect_ms = 50 + 10 * (tokens - 1);
    CHECK(x["to_last_ms"].get<double>() >= expect_ms);
    CHECK(x["to_last_ms"].get<double>() < expect_ms + 150);
    CHECK(x["spread_ms"].get<double>() < 60);  // both rollouts run the same schedule
  }
  // 8 in flight at the peak, so "few" is at most 2: the two 40-token rollouts from about 140 ms (the short
  // ones' end) to about 440 ms, i.e. 300 of 440 ms = 68 %.
  CHECK(j["straggler"]["few_threshold"] == 2);
  CHECK(j["straggler"]["source"] == "client in-flight requests");
  CHECK(j["straggler"]["share"].get<double>() > 0.55);
  CHECK(j["straggler"]["share"].get<double>() < 0.8);

  auto text = test::run_hotpath("serve-report " + run.string(), false);
  CHECK(test::contains(text.out, "Rollouts (2 per prompt)"));
  CHECK(test::contains(text.out, "Stragglers: "));
  CHECK(test::contains(text.out, "the API's n is not used"));
}
