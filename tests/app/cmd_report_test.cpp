// `hotpath report`: exit codes, the key lines, 100 columns, and the JSON form's numbers.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/cli_run.h"

using hp::test::contains;
using hp::test::run_hotpath;

namespace {
const std::string kEventSync = HOTPATH_TEST_DATA "/kineto/hta_event_sync_multi_stream_a100.json.gz";
const std::string kSample = HOTPATH_ASSETS_DIR "/samples/vllm_b200_tp8_eager_rank0.pt.trace.json.gz";
}  // namespace

TEST_CASE("report: text sections, 100 columns", "[cli][report]") {
  auto r = run_hotpath("report " + kEventSync);
  REQUIRE(r.code == 0);
  for (const char* key :
       {"hotpath report:", "GPU time by category", "Top 10 ops", "CUDA graphs",
        "Idle gaps (per stream, HTA classes)", "Launch stats: 3 kernels", "Overlap: busy 372 µs",
        "max concurrent streams 1", "Overlap opportunities (1 rows", "host-wait", "stream 20"})
    CHECK(contains(r.out, key));
  CHECK_FALSE(contains(r.out, "Ranks"));  // one rank
  for (const std::string& file : {kEventSync, kSample}) {
    std::istringstream in(run_hotpath("report " + file, false).out);
    for (std::string line; std::getline(in, line);) {
      size_t cols = 0;  // code points
      for (unsigned char c : line) cols += (c & 0xC0) != 0x80;
      CHECK(cols <= 100);
    }
  }
}

TEST_CASE("report: json numbers match the analyses", "[cli][report]") {
  auto r = run_hotpath("report " + kEventSync + " --format json", false);
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["ops"] == 6);
  CHECK(j["kernels"] == 3);
  CHECK(j["overlap"]["busy_ns"] == 372000);
  CHECK(j["overlap"]["idle_ns"] == 19134000);
  CHECK(j["idle"]["host_wait"]["time_ns"] == 32000);
  CHECK(j["launch"]["delay"]["p50_ns"] == 1000);
  CHECK(j["opportunities"].size() == 1);
  CHECK(j["straggler"].is_null());
}

TEST_CASE("report: markdown and the vLLM B200 sample", "[cli][report]") {
  auto md = run_hotpath("report " + kSample + " --format md", false);
  REQUIRE(md.code == 0);
  CHECK(contains(md.out, "## Overlap opportunities"));
  CHECK(contains(md.out, "| Priority | Verdict | Kernel | Site | Evidence | Dep risk | Recommendation |"));
  // One stream: every all-reduce runs alone, so it is an exposed-comm row.
  auto j = nlohmann::json::parse(run_hotpath("report " + kSample + " --format json", false).out);
  CHECK(j["streams"] == 1);
  CHECK(j["overlap"]["max_concurrent_streams"] == 1);
  CHECK(j["overlap"]["both_ns"] == 0);
  bool exposed = false;
  for (const auto& row : j["opportunities"]) exposed |= row["rule"] == "exposed-comm";
  CHECK(exposed);
}

TEST_CASE("report: errors", "[cli][report]") {
  auto missing = run_hotpath("report /nonexistent/trace.json");
  CHECK(missing.code == 1);
  CHECK(contains(missing.out, "no such file or directory"));
  auto bad = run_hotpath("report " + kEventSync + " --format xml");
  CHECK(bad.code == 2);
  CHECK(contains(bad.out, "run 'hotpath report --help'"));
  auto none = run_hotpath("report");
  CHECK(none.code == 2);
}

TEST_CASE("report --rules: user rules first, a broken file names the byte", "[cli][report]") {
  auto rules =
      std::filesystem::temp_directory_path() / ("hotpath_report_rules_" + std::to_string(getpid()) + ".json");
  std::ofstream(rules) << R"({"rules": [{"category": "team-gemm", "regex": "^ampere_sgemm"}]})";
  auto r = run_hotpath("report " + kEventSync + " --format json --rules " + rules.string(), false);
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(!j["categories"].empty());
  CHECK(j["categories"][0]["category"] == "team-gemm");
  CHECK(j["categories"][0]["ops"] == 3);
  std::ofstream(rules) << R"({"rules": [{"category": "x"}]})";
  auto bad = run_hotpath("report " + kEventSync + " --rules " + rules.string());
  CHECK(bad.code == 1);
  CHECK(contains(bad.out, rules.string() + ": byte 11: rules[0].regex: missing"));
  std::filesystem::remove(rules);
}
