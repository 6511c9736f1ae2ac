// The disaggregation advisor's step costs fitted from a serve-profile run against the test server, whose
// schedule is known: TTFT = ttft_ms + prefill_us_per_token x prompt words, then one token per itl_ms.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/cli_run.h"
#include "tests/support/server_vllm.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using namespace hp;

// One request at a time (no queueing, a decode batch of one): by hand the prefill fit is 20 ms + 0.1 ms
// per token and the decode step 5 ms; the HTTP round trip adds well under a millisecond to the base.
// A constant batch of one leaves the per-sequence decode term unidentifiable: dropped, and said so.
TEST_CASE("disagg fits the test server's schedule from a serve-profile run", "[disagg][serve_profile]") {
  fs::path dir = test::fresh_temp_dir("serve_profile_disagg_test", "fit");
  testing::TestServerOptions so;
  so.ttft_ms = 20;
  so.prefill_us_per_token = 100;
  so.itl_ms = 5;
  so.max_lifetime_s = 60;
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  {
    std::ofstream out(dir / "traffic.jsonl");
    for (int words : {40, 120, 250, 400, 550, 700, 850, 1000}) {
      std::string prompt;
      for (int w = 0; w < words; ++w) prompt += "w ";
      out << "{\"prompt\": \"" << prompt << "\", \"max_tokens\": 6}\n";
    }
  }
  fs::path run = dir / "run.hotpath";
  auto r = test::run_hotpath("serve-profile --endpoint " + server.base_url() + " --traffic " +
                             (dir / "traffic.jsonl").string() +
                             " --concurrency 1 --num-requests 16 -q --output " + run.string());
  INFO(r.out);
  REQUIRE(r.code == 0);
  auto d = test::run_hotpath("disagg " + run.string() + " --requests 300 --format json", false);
  INFO(d.out);
  REQUIRE(d.code == 0);
  auto j = nlohmann::json::parse(d.out);
  const auto& spec = j["spec"];
  // The fitted curve (a squared term may pick up the timing jitter) against the schedule, at the ends and
  // the middle of the prompts sent.
  const auto& pm = spec["prefill_ms"];
  for (double p : {40.0, 500.0, 1000.0}) {
    const double fitted =
        pm["base"].get<double>() + pm["per_token"].get<double>() * p + pm["per_token2"].get<double>() * p * p;
    CHECK(fitted == Approx(20 + 0.1 * p).margin(3));
  }
  CHECK(spec["decode_ms"]["base"].get<double>() == Approx(5.2).margin(0.6));
  CHECK(spec["decode_ms"]["per_seq"].get<double>() == 0);
  const std::string prefill_src = spec["sources"]["prefill_ms"], decode_src = spec["sources"]["decode_ms"];
  CHECK(
      prefill_src.starts_with("the requests (client TTFT; inter-token times against the requests decoding "));
  const size_t at = prefill_src.find("(16 points, R² ");
  REQUIRE(at != std::string::npos);
  CHECK(std::stod(prefill_src.substr(at + std::string("(16 points, R² ").size())) > 0.9);
  CHECK(decode_src.find("per_seq dropped: not identifiable") != std::string::npos);
  fs::remove_all(dir);
}
