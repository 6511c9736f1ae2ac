// `hotpath diff A B`: exit codes, key lines, and the numbers in JSON and CSV.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "support/cli_run.h"

using hp::test::contains;
using hp::test::run_hotpath;

namespace {
const std::string kA = HOTPATH_TEST_DATA "/kineto/tracelens_vllm_decode_fullgraph_mi300x_exec.json.gz";
const std::string kB = HOTPATH_TEST_DATA "/kineto/tracelens_vllm_prefilldecode_piecewise_mi300x_exec.json.gz";
}  // namespace

TEST_CASE("diff: text", "[cli][diff]") {
  auto r = run_hotpath("diff " + kA + " " + kB);
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "By category"));
  CHECK(contains(r.out, "New in B (7):"));
  CHECK(contains(r.out, "Gone from B (8):"));
  CHECK(contains(r.out, "  - reduce_segments"));
}

TEST_CASE("diff: json and csv carry the same counts", "[cli][diff]") {
  auto j = nlohmann::json::parse(run_hotpath("diff " + kA + " " + kB + " --format json", false).out);
  CHECK(j["count_a"] == 434);
  CHECK(j["count_b"] == 423);
  CHECK(j["new_in_b"].size() == 7);
  CHECK(j["gone_from_b"].size() == 8);
  auto csv = run_hotpath("diff " + kA + " " + kB + " --format csv", false);
  REQUIRE(csv.code == 0);
  CHECK(csv.out.rfind("level,key,category,count_a,count_b,time_a_ns,time_b_ns,delta_ns,delta_pct\n", 0) == 0);
  CHECK(contains(csv.out, "\nname,reduce_segments,"));
  auto self = nlohmann::json::parse(run_hotpath("diff " + kA + " " + kA + " --format json", false).out);
  for (const auto& row : self["names"]) CHECK(row["delta_ns"] == 0);
}

TEST_CASE("diff: errors", "[cli][diff]") {
  CHECK(run_hotpath("diff " + kA).code == 2);  // B is required
  auto missing = run_hotpath("diff " + kA + " /nonexistent/b.json");
  CHECK(missing.code == 1);
  CHECK(contains(missing.out, "/nonexistent/b.json: no such file or directory"));
  CHECK(run_hotpath("diff " + kA + " " + kB + " --format yaml").code == 2);
}

TEST_CASE("diff: --stage compares one engine stage", "[cli][diff]") {
  // A is a vLLM decode step (434 GPU ops, all under its decode marker); B a mixed step (423 ops).
  auto decode =
      nlohmann::json::parse(run_hotpath("diff --stage decode --format json " + kA + " " + kB, false).out);
  CHECK(decode["count_a"] == 434);
  CHECK(decode["count_b"] == 0);
  auto mixed =
      nlohmann::json::parse(run_hotpath("diff --stage mixed --format json " + kA + " " + kB, false).out);
  CHECK(mixed["count_a"] == 0);
  CHECK(mixed["count_b"] == 423);
}

TEST_CASE("diff --rules: user rules first, a broken file names the byte", "[cli][diff]") {
  auto rules =
      std::filesystem::temp_directory_path() / ("hotpath_diff_rules_" + std::to_string(getpid()) + ".json");
  std::ofstream(rules) << R"({"rules": [{"category": "team-attention", "regex": "^reduce_segments"}]})";
  auto j = nlohmann::json::parse(
      run_hotpath("diff " + kA + " " + kB + " --format json --rules " + rules.string(), false).out);
  bool found = false;
  for (const auto& c : j["categories"]) found |= c["key"] == "team-attention";
  CHECK(found);
  std::ofstream(rules) << "{\"rules\": [}";
  auto bad = run_hotpath("diff " + kA + " " + kB + " --rules " + rules.string());
  CHECK(bad.code == 1);
  CHECK(contains(bad.out, rules.string() + ": byte 11: invalid JSON"));
  std::filesystem::remove(rules);
}
