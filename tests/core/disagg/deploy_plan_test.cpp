// DeployPlan parsing and checks, the basis lines taken from `hotpath disagg --format json`, the YAML
// writer read back by PyYAML, and shell quoting read back by shlex.
#include "core/disagg/deploy_plan.h"

#include <catch2/catch.hpp>

#include "core/disagg/config_yaml.h"
#include "support/config_check.h"

using namespace hp::disagg;
using hp::test::yaml_text_json;

TEST_CASE("disagg-config: --pd parsing", "[disagg-config]") {
  DeployPlan p;
  parse_pd("1:3", p);
  CHECK(p.prefill == 1);
  CHECK(p.decode == 3);
  CHECK_FALSE(p.monolithic());
  parse_pd("mono", p);
  CHECK(p.monolithic());
  CHECK(p.decode == 1);
  parse_pd("mono:4", p);
  CHECK(p.decode == 4);
  parse_pd("0:2", p);
  CHECK(p.monolithic());
  CHECK(p.decode == 2);
  p.tp = 2;
  CHECK(p.gpus() == 4);
  CHECK_THROWS_WITH(parse_pd("13", p), Catch::Contains("expected P:D"));
  CHECK_THROWS_WITH(parse_pd("1:x", p), Catch::Contains("D 'x' is not a count"));
  CHECK_THROWS_WITH(parse_pd("-1:2", p), Catch::Contains("P '-1' is not a count"));
  CHECK_THROWS_WITH(parse_pd("2:0", p), Catch::Contains("at least one decode"));
  CHECK_THROWS_WITH(parse_pd("mono:0", p), Catch::Contains("N must be at least 1"));
  CHECK_THROWS_WITH(parse_pd("monolithic", p), Catch::Contains("expected mono or mono:N"));
}

TEST_CASE("disagg-config: plan checks, ports and GPUs", "[disagg-config]") {
  DeployPlan p;
  p.prefill = 2;
  p.decode = 3;
  p.tp = 2;
  CHECK_NOTHROW(check_plan(p));
  CHECK(prefill_port(p, 1) == 8101);
  CHECK(decode_port(p, 2) == 8202);
  CHECK(side_channel_port(p, true, 1) == 5602);   // spaced by tp
  CHECK(side_channel_port(p, false, 0) == 5604);  // after the prefill instances
  CHECK(first_gpu(p, false, 2) == 8);
  CHECK(gpu_list(8, 2) == "8,9");
  CHECK(kv_transfer_json(p) == R"({"kv_connector":"NixlConnector","kv_role":"kv_both"})");
  p.decode_port = 8101;  // decode 0 lands on prefill 1
  CHECK_THROWS_WITH(check_plan(p), Catch::Contains("decode 0 port 8101 is used twice"));
  p.decode_port = 8200;
  p.name = "Bad_Name";
  CHECK_THROWS_WITH(check_plan(p), Catch::Contains("DNS-1123"));
  p.name = "ok";
  p.host = "h; rm -rf ~";
  CHECK_THROWS_WITH(check_plan(p), Catch::Contains("expected a host name or IP address"));
  p.host = "10.0.0.7";
  CHECK_NOTHROW(check_plan(p));
  p.tp = 0;
  CHECK_THROWS_WITH(check_plan(p), Catch::Contains("--tp 0"));
}

namespace {
// The shape `hotpath disagg --format json` prints (issue 17); figures chosen for round gains.
const char* kAdvice = R"({
  "monolithic": {"throughput_rps": 10.0, "max_rate_rps": 12.5, "ttft_ms": {"p50": 100, "p99": 400},
                 "itl_ms": {"p50": 20, "p99": 30}, "bottleneck": "decode"},
  "splits": [
    {"prefill_gpus": 4, "decode_gpus": 4, "throughput_rps": 9.0},
    {"prefill_gpus": 2, "decode_gpus": 6, "throughput_rps": 11.0, "max_rate_rps": 15.0,
     "ttft_ms": {"p50": 80, "p90": 150, "p99": 200, "mean": 90}, "itl_ms": {"p50": 15, "p99": 18},
     "kv_transfer_ms": {"p50": 1.5, "p99": 3.2}, "bottleneck": "prefill"}],
  "recommendation": {"prefill_gpus": 2, "decode_gpus": 6, "reasons": ["p99 ITL 18 ms meets the SLO"]},
  "self_check": {"throughput_deviation": 0.05, "low_confidence": false}
})";
}  // namespace

TEST_CASE("disagg-config: basis lines from the advisor's JSON", "[disagg-config]") {
  auto advice = nlohmann::json::parse(kAdvice);
  DeployPlan p;
  parse_pd("2:6", p);
  auto lines = basis_from_advice(advice, p);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] ==
        "baseline, monolithic on the same GPUs: throughput 10 req/s, max rate 12.5 req/s, TTFT p50 100 ms, "
        "TTFT p99 400 ms, ITL p50 20 ms, ITL p99 30 ms, bottleneck decode");
  CHECK(
      lines[1] ==
      "predicted for 2 prefill + 6 decode GPUs: throughput 11 req/s (+10.0% vs monolithic), max rate 15 "
      "req/s "
      "(+20.0% vs monolithic), TTFT p50 80 ms (-20.0% vs monolithic), TTFT p99 200 ms (-50.0% vs "
      "monolithic), ITL p50 15 ms (-25.0% vs monolithic), ITL p99 18 ms (-40.0% vs monolithic), KV transfer "
      "p99 3.2 ms, bottleneck prefill");
  CHECK(lines[2] == "advisor recommends: 2 prefill + 6 decode GPUs");
  CHECK(lines[3] == "  reason: p99 ITL 18 ms meets the SLO");
  CHECK(lines[4] ==
        "self-check, monolithic prediction vs the measured run: low_confidence=false, "
        "throughput_deviation=0.05");

  parse_pd("1:3", p);
  lines = basis_from_advice(advice, p);
  CHECK(lines[1] == "no prediction for 1 prefill + 3 decode GPUs in the advisor's output");
  CHECK(lines[2] == "advisor recommends: 2 prefill + 6 decode GPUs (this file is a different layout)");

  p.basis = {"line one"};
  std::string h = header_comment(p, "what", "// ");
  CHECK(h.find("// model Qwen/Qwen3-0.6B; P:D = 1:3 instances x TP1 = 1 prefill + 3 decode GPUs\n") !=
        std::string::npos);
  CHECK(h.find("// line one\n") != std::string::npos);
  p.basis = {"reason\nrm -rf ~", "tab\there"};
  h = header_comment(p, "what", "# ");
  CHECK(h.find("# reason rm -rf ~\n# tab here\n") != std::string::npos);
  for (size_t at = h.find('\n'); at + 1 < h.size(); at = h.find('\n', at + 1))
    CHECK(h.compare(at + 1, 2, "# ") == 0);
  CHECK_THROWS_WITH(basis_from_advice(nlohmann::json::array(), p),
                    Catch::Contains("hotpath disagg --format json"));
}

TEST_CASE("disagg-config: YAML text reads back as the same document", "[disagg-config]") {
  nlohmann::ordered_json doc = {
      {"plain", "--model"},
      {"looks_bool", nlohmann::ordered_json::array({"yes", "on", "No", "true", "null", "~", "y"})},
      {"looks_number", nlohmann::ordered_json::array({"1", "0.85", "-1", "1e3", ".5", "+2", "0x10", "2Gi"})},
      {"indicators", nlohmann::ordered_json::array({"a: b", "#x", "x #y", "it's", "- a", "{\"k\":1}", "*a",
                                                    "&a", "!t", "|", ">", "%", "@a", "`a", "", " lead"})},
      {"control", "line\nbreak\ttab"},
      {"nvidia.com/gpu", "1"},
      {"numbers", nlohmann::ordered_json::array({0, -3, 0.85, 1e-9, true, false, nullptr})},
      {"empty_map", nlohmann::ordered_json::object()},
      {"empty_list", nlohmann::ordered_json::array()},
      {"nested",
       nlohmann::ordered_json::array(
           {nlohmann::ordered_json{
                {"a", 1}, {"b", nlohmann::ordered_json::array({"x", nlohmann::ordered_json::array({1, 2})})}},
            nlohmann::ordered_json::array({"p", "q"})})},
  };
  nlohmann::json back = yaml_text_json("roundtrip.yaml", to_yaml(doc));
  CHECK(back == nlohmann::json::parse(doc.dump()));
  CHECK(yaml_string("2Gi") == "'2Gi'");
  CHECK(yaml_string("hf://Qwen/Qwen3-0.6B") == "hf://Qwen/Qwen3-0.6B");
}

TEST_CASE("disagg-config: shell words read back through shlex", "[disagg-config]") {
  std::string script =
      shell_command({{"A", "x y"}}, {"cmd", "{\"k\":\"v\"}", "it's", "--port", "80", "${HOME}/x"}, false);
  auto cmds = hp::test::shell_commands("words.sh", script);
  REQUIRE(cmds.size() == 1);
  CHECK(cmds[0] == nlohmann::json({"A=x y", "cmd", "{\"k\":\"v\"}", "it's", "--port", "80", "${HOME}/x"}));
  CHECK(shell_quote("--port") == "--port");
  CHECK(shell_quote("${HOME}/x") == "\"${HOME}/x\"");
}
