// `hotpath disagg-config`: --target all writes and lists every file with the --basis lines on top;
// errors name the file and byte offset and exit non-zero.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/cli_run.h"

using hp::test::contains;
using hp::test::run_hotpath;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("hotpath_disagg_config_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d / name;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("disagg-config: --target all writes and lists the files", "[cli][disagg-config]") {
  fs::path basis = scratch("advice.json");
  std::ofstream(basis) << R"({"monolithic": {"throughput_rps": 8.0, "ttft_ms": {"p99": 500}},
    "splits": [{"prefill_gpus": 2, "decode_gpus": 6, "throughput_rps": 10.0, "ttft_ms": {"p99": 250},
                "bottleneck": "decode"}],
    "recommendation": {"prefill_gpus": 2, "decode_gpus": 6}, "self_check": {"low_confidence": false}})";
  fs::path out = scratch("out");
  fs::remove_all(out);
  auto r = run_hotpath(
      "disagg-config --target all --pd 1:3 --tp 2 --model meta-llama/Llama-3.1-8B-Instruct --basis " +
          basis.string() + " --out " + out.string(),
      false);
  INFO(r.out);
  REQUIRE(r.code == 0);
  const char* names[] = {"vllm-pd.sh",         "sglang-pd.sh",       "dynamo-hotpath-pd.v1beta1.yaml",
                         "llm-d-values.yaml",  "trtllm-disagg.yaml", "trtllm-prefill.yaml",
                         "trtllm-decode.yaml", "trtllm-pd.sh"};
  std::string listed;
  for (const char* n : names) listed += (out / n).string() + "\n";
  CHECK(r.out == listed);
  for (const char* n : names) {
    INFO(n);
    std::string text = slurp(out / n);
    CHECK(contains(text,
                   "# model meta-llama/Llama-3.1-8B-Instruct; P:D = 1:3 instances x TP2 = 2 prefill + 6 "
                   "decode GPUs\n"));
    CHECK(contains(text,
                   "# predicted for 2 prefill + 6 decode GPUs: throughput 10 req/s (+25.0% vs monolithic), "
                   "TTFT p99 250 ms (-50.0% vs monolithic), bottleneck decode\n"));
    CHECK(contains(text, "# advisor recommends: 2 prefill + 6 decode GPUs\n"));
  }
  CHECK((fs::status(out / "vllm-pd.sh").permissions() & fs::perms::owner_exec) != fs::perms::none);
  CHECK(contains(slurp(out / "vllm-pd.sh"), "vllm serve meta-llama/Llama-3.1-8B-Instruct"));
}

TEST_CASE("disagg-config: errors", "[cli][disagg-config]") {
  fs::path out = scratch("err");
  auto r = run_hotpath("disagg-config --target vllm --pd 1-3 --out " + out.string());
  CHECK(r.code == 1);
  CHECK(contains(r.out, "hotpath: disagg-config: --pd '1-3': expected P:D"));
  r = run_hotpath("disagg-config --target k8s --pd 1:3 --out " + out.string());
  CHECK(r.code == 2);
  CHECK(contains(r.out, "k8s"));
  r = run_hotpath("disagg-config --target vllm --pd 1:3 --basis /nonexistent/advice.json --out " +
                  out.string());
  CHECK(r.code == 1);
  CHECK(contains(r.out, "/nonexistent/advice.json: no such file"));
  fs::path bad = scratch("bad.json");
  std::ofstream(bad) << "{\"monolithic\": {\"throughput_rps\": 8.0,, }";
  r = run_hotpath("disagg-config --target vllm --pd 1:3 --basis " + bad.string() + " --out " + out.string());
  CHECK(r.code == 1);
  CHECK(contains(r.out, bad.string() + ": byte 39: not valid JSON"));
  fs::path wrong = scratch("wrong.json");
  std::ofstream(wrong) << "[1, 2]";
  r = run_hotpath("disagg-config --target vllm --pd 1:3 --basis " + wrong.string() + " --out " +
                  out.string());
  CHECK(r.code == 1);
  CHECK(contains(r.out, wrong.string() + ": byte 0: expected the JSON of `hotpath disagg --format json`"));
  r = run_hotpath("disagg-config --target dynamo --pd 1:3 --version v2 --out " + out.string());
  CHECK(r.code == 1);
  CHECK(contains(r.out, "not a DynamoGraphDeployment apiVersion"));
}

// The run names its model (the log's startup lines), so the files from the run name it too.
TEST_CASE("disagg-config RUN: the advisor's layout and basis, as if given with --pd and --basis",
          "[cli][disagg-config]") {
  const std::string log = HOTPATH_TEST_DATA "/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz";
  const std::string args = " --gpus 8 --tp 4 --requests 400";
  auto adv = run_hotpath("disagg " + log + args + " --format json", false);
  REQUIRE(adv.code == 0);
  fs::path basis = scratch("advice_run.json");
  std::ofstream(basis) << adv.out;
  const auto rec = nlohmann::json::parse(adv.out)["recommendation"];
  const int p = rec["prefill_gpus"].get<int>() / 4, d = rec["decode_gpus"].get<int>() / 4;
  const std::string pd = rec["monolithic"].get<bool>() ? "mono:" + std::to_string(d)
                                                       : std::to_string(p) + ":" + std::to_string(d);
  fs::path a = scratch("from_run"), b = scratch("from_pd");
  fs::remove_all(a);
  fs::remove_all(b);
  auto ra = run_hotpath("disagg-config " + log + args + " --target all --out " + a.string(), false);
  INFO(ra.out);
  REQUIRE(ra.code == 0);
  auto rb =
      run_hotpath("disagg-config --target all --pd " + pd + " --tp 4 --model openai/gpt-oss-120b --basis " +
                      basis.string() + " --out " + b.string(),
                  false);
  REQUIRE(rb.code == 0);
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(b)) {
    INFO(e.path().filename().string());
    CHECK(slurp(a / e.path().filename()) == slurp(e.path()));
    CHECK(contains(slurp(e.path()), "# advisor recommends: "));
    ++files;
  }
  CHECK(files >= 5);
  auto none = run_hotpath("disagg-config --target vllm --out " + a.string(), true);
  CHECK(none.code == 2);
  CHECK(contains(none.out, "give --pd P:D, or a run or spec"));
}
