// Runs `hotpath triage` (the real binary) and checks its output against sums taken from the raw JSON.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <string>

#include "support/cli_run.h"
#include "support/raw_kernel_sums.h"

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

TEST_CASE("hotpath triage --format json --min-share 0 equals the raw sums", "[cli][triage]") {
  for (const char* f :
       {"tracelens_vllm_decode_fullgraph_mi300x_exec.json.gz",
        "tracelens_sglang_qwen3-8b_decode_mi300x.json.gz", "hta_alexnet_a100_critical_path.json.gz",
        "hta_legacy_categories_inference_rank1.json.gz", "hta_cpu_only_rank34.pt.trace.json.gz"}) {
    INFO(f);
    Result r = run("triage --format json --min-share 0 '" + kData + f + "'");
    REQUIRE(r.code == 0);
    auto j = nlohmann::json::parse(r.out);
    std::map<std::string, hp::test::RawKernelSum> got;
    for (const auto& st : j["stages"])
      for (const auto& k : st["kernels"]) {
        auto& g = got[k["name"].get<std::string>()];
        g.time_ns += k["gpu_time_ns"].get<int64_t>();
        g.launches += k["launches"].get<uint64_t>();
      }
    CHECK(got == hp::test::raw_kernel_sums(kData + f));
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
