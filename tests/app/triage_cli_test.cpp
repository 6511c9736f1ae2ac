// Runs `hotpath triage` (the real binary) and checks its output against sums taken from the raw JSON.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "support/cli_run.h"
#include "support/raw_kernel_sums.h"

#include <nlohmann/json.hpp>

namespace {

struct Result {
  int code = -1;
  std::string out, err;
};

Result run(const std::string& args) {
  static int counter = 0;
  std::string errfile = (std::filesystem::temp_directory_path() /
                         ("hotpath_triage_cli_" + std::to_string(getpid()) + "_" + std::to_string(++counter)))
                            .string();
  auto res = hp::test::run_command("'" HOTPATH_BIN "' " + args + " 2>'" + errfile + "'");
  Result r;
  r.code = res.code;
  r.out = std::move(res.out);
  r.err = hp::test::read_trace_text(errfile);
  std::remove(errfile.c_str());
  return r;
}

const std::string kData = HOTPATH_TEST_DATA "/kineto/";

}  // namespace

TEST_CASE("hotpath triage --format json --min-share 0 equals the raw sums on every Kineto fixture",
          "[cli][triage][fixtures]") {
  // tests/data/kineto, and the shared fixtures where they exist (the large ones live only there).
  std::vector<std::filesystem::path> files;
  std::set<std::string> names;
  for (auto dir :
       {std::filesystem::path(kData), std::filesystem::path(HOTPATH_SHARED_FIXTURES) / "kineto_traces"}) {
    if (!std::filesystem::is_directory(dir)) {
      WARN("no fixture directory " << dir << ": its traces are skipped");
      continue;
    }
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.path().string().find(".json") != std::string::npos && names.insert(e.path().filename()).second)
        files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  CHECK(files.size() >= 12);
  if (std::filesystem::is_directory(std::filesystem::path(HOTPATH_SHARED_FIXTURES) / "kineto_traces"))
    CHECK(files.size() == 19);  // PROVENANCE.md's 18 Kineto traces and tests/data's H200 trace
  for (const auto& f : files) {
    INFO(f.filename().string());
    Result r = run("triage --format json --min-share 0 '" + f.string() + "'");
    REQUIRE(r.code == 0);
    auto j = nlohmann::json::parse(r.out);
    std::map<std::string, hp::test::RawKernelSum> got;
    for (const auto& st : j["stages"])
      for (const auto& k : st["kernels"]) {
        auto& g = got[k["name"].get<std::string>()];
        g.time_ns += k["gpu_time_ns"].get<int64_t>();
        g.launches += k["launches"].get<uint64_t>();
      }
    CHECK(got == hp::test::raw_kernel_sums(f));
  }
}

TEST_CASE("hotpath triage: Markdown, CSV, stage filter", "[cli][triage]") {
  std::string trace = kData + "tracelens_vllm_decode_fullgraph_mi300x_exec.json.gz";
  Result md = run("triage '" + trace + "'");
  REQUIRE(md.code == 0);
  CHECK(md.out.find("## Stage: decode — 425 kernel launches") != std::string::npos);
  CHECK(md.out.find("### Kernels") != std::string::npos);
  CHECK(md.out.find("Graph replays cover 97.3% of the kernel time") != std::string::npos);
  Result csv = run("triage --format csv --min-share 0 '" + trace + "'");
  REQUIRE(csv.code == 0);
  CHECK(csv.out.rfind("stage,kernel,category,gpu_time_ns,launches,", 0) == 0);
  size_t rows = std::count(csv.out.begin(), csv.out.end(), '\n') - 1;
  CHECK(rows == hp::test::raw_kernel_sums(trace).size());
  Result none = run("triage --stage prefill --format json '" + trace + "'");
  REQUIRE(none.code == 0);
  CHECK(nlohmann::json::parse(none.out)["stages"].empty());
}

TEST_CASE("hotpath triage: two-trace mode takes sites from the mapping trace", "[cli][triage]") {
  // The eager-ish piecewise trace maps the full-graph trace's kernels by name.
  Result r = run("triage --format json --mapping '" + kData +
                 "tracelens_vllm_prefilldecode_piecewise_mi300x_exec.json.gz' --formal '" + kData +
                 "tracelens_vllm_decode_fullgraph_mi300x_exec.json.gz'");
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["site_source"] == "mapping");
  CHECK(j["stages"][0]["launches"] == 425);  // timing from the formal trace
  CHECK(j["mapping_matches"]["exact"].get<uint64_t>() > 0);
}

TEST_CASE("hotpath triage: exit codes", "[cli][triage]") {
  std::string trace = kData + "hta_trace_compare_base.json.gz";
  CHECK(run("triage --min-share -1 '" + trace + "'").code == 2);
  CHECK(run("triage --min-share abc '" + trace + "'").code == 2);
  CHECK(run("triage --format xml '" + trace + "'").code == 2);
  CHECK(run("triage --stage warmup '" + trace + "'").code == 2);
  CHECK(run("triage --mapping '" + trace + "'").code == 2);  // --formal missing
  CHECK(run("triage '" + trace + "' --mapping '" + trace + "' --formal '" + trace + "'").code == 2);
  CHECK(run("triage").code == 2);
  Result missing = run("triage /nonexistent/trace.json");
  CHECK(missing.code == 1);
  CHECK(missing.err.find("/nonexistent/trace.json") != std::string::npos);
  std::string bad = std::string(HOTPATH_TEST_DATA) + "/PROVENANCE.md";
  Result unsupported = run("triage '" + bad + "'");
  CHECK(unsupported.code == 1);
  CHECK(unsupported.err.find("PROVENANCE.md") != std::string::npos);
}

namespace {

std::string write_rules(const std::string& name, const std::string& text) {
  auto p = std::filesystem::temp_directory_path() / (name + "_" + std::to_string(getpid()) + ".json");
  std::ofstream(p) << text;
  return p.string();
}

}  // namespace

TEST_CASE("hotpath triage --rules: user kernel and annotation rules, a broken file names the byte",
          "[cli][triage]") {
  // hta_mi250_minitoy_rocm62: the SGD update kernel is launched inside "Optimizer.step#SGD.step".
  std::string trace = kData + "hta_mi250_minitoy_rocm62.json.gz";
  std::string rules = write_rules("hotpath_cli_rules", R"({
    "rules": [{"category": "my-copy", "regex": "^Memcpy|elementwise_kernel"}],
    "annotation_rules": [{"category": "optimizer", "regex": "^Optimizer\\.step#"}]})");
  Result r = run("triage --format json --min-share 0 --rules '" + rules + "' '" + trace + "'");
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["annotations"]["kernels"] == 1);
  std::map<std::string, int64_t> by_cat;
  for (const auto& st : j["stages"])
    for (const auto& c : st["categories"])
      by_cat[c["category"].get<std::string>()] += c["gpu_time_ns"].get<int64_t>();
  CHECK(by_cat["optimizer"] == 8481);  // the one multi_tensor_apply_kernel, 8.481 µs
  CHECK(by_cat.count("my-copy"));
  Result md = run("triage --rules '" + rules + "' --min-share 0 '" + trace + "'");
  CHECK(md.out.find("| optimizer (annotation; rules: elementwise) |") != std::string::npos);
  // Without --rules nothing is forced and the update kernel is elementwise.
  auto plain = nlohmann::json::parse(run("triage --format json '" + trace + "'").out);
  CHECK(plain["annotations"]["kernels"] == 0);

  // A malformed file: exit 1, the file and the byte offset on stderr.
  std::string bad = write_rules("hotpath_cli_bad_rules", "{\"rules\": [\n  {\"category\": \"x\",, }]}");
  Result broken = run("triage --rules '" + bad + "' '" + trace + "'");
  CHECK(broken.code == 1);
  CHECK(broken.err.find(bad + ": byte 31: invalid JSON") != std::string::npos);
  std::string wrong =
      write_rules("hotpath_cli_wrong_rules", R"({"rules": [{"category": "x", "regex": "a(b"}]})");
  Result bad_regex = run("triage --rules '" + wrong + "' '" + trace + "'");
  CHECK(bad_regex.code == 1);
  CHECK(bad_regex.err.find(wrong + ": byte 11: rules[0].regex") != std::string::npos);
  Result missing = run("triage --rules /nonexistent/rules.json '" + trace + "'");
  CHECK(missing.code == 1);
  CHECK(missing.err.find("/nonexistent/rules.json: byte 0: cannot open file") != std::string::npos);
  for (const auto& f : {rules, bad, wrong}) std::filesystem::remove(f);
}

TEST_CASE("hotpath triage --rank: per-rank tables, rank skew, one rank", "[cli][triage]") {
  // Two real traces, distributedInfo rank 0 and rank 1.
  std::string a = kData + "hta_event_sync_multi_stream_a100.json.gz";
  std::string b = kData + "hta_trace_compare_base.json.gz";
  auto sums = [](const nlohmann::json& stages) {
    std::map<std::string, hp::test::RawKernelSum> got;
    for (const auto& st : stages)
      for (const auto& k : st["kernels"]) {
        got[k["name"].get<std::string>()].time_ns += k["gpu_time_ns"].get<int64_t>();
        got[k["name"].get<std::string>()].launches += k["launches"].get<uint64_t>();
      }
    return got;
  };
  Result all = run("triage --format json --min-share 0 '" + a + "' '" + b + "'");
  REQUIRE(all.code == 0);
  auto j = nlohmann::json::parse(all.out);
  CHECK(j["rank_count"] == 2);
  CHECK(j["rank"] == "all");
  REQUIRE(j["ranks"].size() == 2);
  CHECK(sums(j["ranks"][0]["stages"]) == hp::test::raw_kernel_sums(a));
  CHECK(sums(j["ranks"][1]["stages"]) == hp::test::raw_kernel_sums(b));
  CHECK(j["rank_skew"]["busy_skew_ns"] == 1322000);
  CHECK(j["rank_skew"]["ranks"][1]["busy_ns"] == 1694000);

  Result one = run("triage --format json --min-share 0 --rank 1 '" + a + "' '" + b + "'");
  REQUIRE(one.code == 0);
  auto j1 = nlohmann::json::parse(one.out);
  CHECK(j1["rank"] == 1);
  CHECK(j1["ranks"].empty());
  CHECK(sums(j1["stages"]) == hp::test::raw_kernel_sums(b));
  CHECK(j1["rank_skew"]["ranks"].size() == 2);

  Result md = run("triage '" + a + "' '" + b + "'");
  REQUIRE(md.code == 0);
  CHECK(md.out.find("## Rank skew") != std::string::npos);
  CHECK(md.out.find("## Rank 0 · Stage: all — 3 kernel launches") != std::string::npos);
  Result csv = run("triage --format csv --min-share 0 '" + a + "' '" + b + "'");
  // Header; 4 kernel names of both ranks together; rank 0's one name; rank 1's three.
  CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 1 + 4 + 1 + 3);

  Result none = run("triage --rank 7 '" + a + "' '" + b + "'");
  CHECK(none.code == 2);
  CHECK(none.err.find("--rank 7: no such rank in the input (ranks: 0, 1)") != std::string::npos);
  CHECK(run("triage --rank first '" + a + "'").code == 2);
}
