// vLLM, SGLang and TensorRT-LLM configs parsed back: every command has its flags, the
// --kv-transfer-config JSON is valid, ports are distinct, the TRT-LLM option files use the keys of
// Dynamo's upstream engine configs (shared/fixtures/configs/dynamo/trtllm_engine_qwen3_*.yaml).
#include <catch2/catch.hpp>

#include "core/disagg/config_writers.h"
#include "support/config_check.h"

using namespace hp::disagg;
using namespace hp::test;
using nlohmann::json;

namespace {

const std::string kConfigs = std::string(HOTPATH_SHARED_FIXTURES) + "/configs/";

DeployPlan plan(const char* pd, int tp) {
  DeployPlan p;
  parse_pd(pd, p);
  p.tp = tp;
  return p;
}

// Commands whose words (after any VAR=value) start with `argv0` (and `argv1` when given).
std::vector<json> commands(const json& all, const std::string& argv0, const std::string& argv1 = "") {
  std::vector<json> out;
  for (const auto& c : all) {
    size_t i = 0;
    while (i < c.size() && c[i].get<std::string>().find('=') != std::string::npos) ++i;
    if (i < c.size() && c[i] == argv0 && (argv1.empty() || (i + 1 < c.size() && c[i + 1] == argv1)))
      out.push_back(c);
  }
  return out;
}

std::string env_value(const json& words, const std::string& name) {
  for (const auto& w : words) {
    std::string s = w.get<std::string>();
    if (s.rfind(name + "=", 0) == 0) return s.substr(name.size() + 1);
  }
  return "";
}

}  // namespace

TEST_CASE("disagg-config: vLLM commands parse back", "[disagg-config]") {
  DeployPlan p = plan("2:3", 2);
  auto files = vllm_config(p);
  REQUIRE(files.size() == 1);
  REQUIRE(files[0].first == "vllm-pd.sh");
  CHECK(files[0].second.rfind("#!/usr/bin/env bash\n# vLLM prefill/decode disaggregation", 0) == 0);
  json all = shell_commands("vllm-pd.sh", files[0].second);
  auto serve = commands(all, "vllm", "serve");
  REQUIRE(serve.size() == 5);
  std::set<std::string> ports, side, gpus;
  for (const auto& c : serve) {
    CHECK(flag_value(c, "serve") == "Qwen/Qwen3-0.6B");
    CHECK(flag_value(c, "--tensor-parallel-size") == "2");
    json kv = json::parse(flag_value(c, "--kv-transfer-config"));
    CHECK(kv == json{{"kv_connector", "NixlConnector"}, {"kv_role", "kv_both"}});
    ports.insert(flag_value(c, "--port"));
    side.insert(env_value(c, "VLLM_NIXL_SIDE_CHANNEL_PORT"));
    gpus.insert(env_value(c, "CUDA_VISIBLE_DEVICES"));
    CHECK(env_value(c, "VLLM_NIXL_SIDE_CHANNEL_HOST") == "127.0.0.1");
  }
  CHECK(ports == std::set<std::string>{"8100", "8101", "8200", "8201", "8202"});
  CHECK(side == std::set<std::string>{"5600", "5602", "5604", "5606", "5608"});
  CHECK(gpus == std::set<std::string>{"0,1", "2,3", "4,5", "6,7", "8,9"});
  auto proxy = commands(all, "python3");
  REQUIRE(proxy.size() == 1);
  CHECK(proxy[0][1].get<std::string>().find("tests/v1/kv_connector/nixl_integration/toy_proxy_server.py") !=
        std::string::npos);
  CHECK(flag_value(proxy[0], "--port") == "8000");
  CHECK(flag_value(proxy[0], "--prefiller-ports") == "8100");
  CHECK(flag_value(proxy[0], "--decoder-ports") == "8200");
  CHECK(proxy[0].size() == 18);  // python3, script, --port 8000, 4 list flags, 2+2 prefill, 3+3 decode

  auto mono = vllm_config(plan("mono", 1));
  REQUIRE(mono[0].first == "vllm-mono.sh");
  json one = shell_commands("vllm-mono.sh", mono[0].second);
  REQUIRE(commands(one, "vllm", "serve").size() == 1);
  CHECK(flag_value(commands(one, "vllm", "serve")[0], "--kv-transfer-config").empty());
  CHECK(commands(one, "python3").empty());
}

TEST_CASE("disagg-config: SGLang servers and router parse back", "[disagg-config]") {
  DeployPlan p = plan("2:1", 1);
  json all = shell_commands("sglang-pd.sh", sglang_config(p)[0].second);
  auto servers = commands(all, "python3", "-m");
  std::vector<json> prefill, decode, router;
  for (const auto& c : servers) {
    if (c[2] == "sglang_router.launch_router") router.push_back(c);
    if (c[2] != "sglang.launch_server") continue;
    (flag_value(c, "--disaggregation-mode") == "prefill" ? prefill : decode).push_back(c);
    CHECK(flag_value(c, "--disaggregation-transfer-backend") == "nixl");
    CHECK(flag_value(c, "--model-path") == "Qwen/Qwen3-0.6B");
  }
  REQUIRE(prefill.size() == 2);
  REQUIRE(decode.size() == 1);
  REQUIRE(router.size() == 1);
  CHECK(flag_value(decode[0], "--disaggregation-mode") == "decode");
  CHECK(flag_value(decode[0], "--base-gpu-id") == "2");
  CHECK(flag_value(prefill[1], "--disaggregation-bootstrap-port") == "8999");
  // The router names each prefill with its bootstrap port, each decode without.
  const json& r = router[0];
  CHECK(has_word(r, "--pd-disaggregation"));
  json expect = {"python3",
                 "-m",
                 "sglang_router.launch_router",
                 "--pd-disaggregation",
                 "--prefill",
                 "http://127.0.0.1:8100",
                 "8998",
                 "--prefill",
                 "http://127.0.0.1:8101",
                 "8999",
                 "--decode",
                 "http://127.0.0.1:8200",
                 "--host",
                 "0.0.0.0",
                 "--port",
                 "8000"};
  CHECK(r == expect);
  std::set<std::string> ports = {flag_value(r, "--port")};
  for (const auto* role : {&prefill, &decode})
    for (const auto& c : *role) {
      CHECK(ports.insert(flag_value(c, "--port")).second);
      if (role == &prefill) CHECK(ports.insert(flag_value(c, "--disaggregation-bootstrap-port")).second);
    }
  CHECK(ports.size() == 6);
}

TEST_CASE("disagg-config: TensorRT-LLM files use the upstream keys", "[disagg-config]") {
  DeployPlan p = plan("1:2", 2);
  auto files = trtllm_config(p);
  REQUIRE(files.size() == 4);
  const char* names[] = {"trtllm-disagg.yaml", "trtllm-prefill.yaml", "trtllm-decode.yaml", "trtllm-pd.sh"};
  for (size_t i = 0; i < 4; ++i) CHECK(files[i].first == names[i]);
  json prefill = yaml_text_json("trtllm-prefill.yaml", files[1].second);
  json decode = yaml_text_json("trtllm-decode.yaml", files[2].second);
  json golden_p = yaml_file_json(kConfigs + "dynamo/trtllm_engine_qwen3_prefill.yaml");
  json golden_d = yaml_file_json(kConfigs + "dynamo/trtllm_engine_qwen3_decode.yaml");
  CHECK(key_paths(prefill) == key_paths(golden_p));
  CHECK(key_paths(decode) == key_paths(golden_d));
  CHECK(prefill["disable_overlap_scheduler"] == true);
  CHECK(decode["disable_overlap_scheduler"] == false);
  CHECK(prefill["tensor_parallel_size"] == 2);
  for (const json* j : {&prefill, &decode}) {
    std::string b = (*j)["cache_transceiver_config"]["backend"];
    CHECK((b == "DEFAULT" || b == "UCX" || b == "NIXL" || b == "MPI"));
  }
  json disagg = yaml_text_json("trtllm-disagg.yaml", files[0].second);
  CHECK(disagg["port"] == 8000);
  CHECK(disagg["context_servers"]["num_instances"] == 1);
  CHECK(disagg["generation_servers"]["num_instances"] == 2);
  CHECK(disagg["context_servers"]["urls"] == json{"127.0.0.1:8100"});
  CHECK(disagg["generation_servers"]["urls"] == json({"127.0.0.1:8200", "127.0.0.1:8201"}));
  CHECK(disagg["generation_servers"]["tensor_parallel_size"] == 2);
  json all = shell_commands("trtllm-pd.sh", files[3].second);
  auto workers = commands(all, "trtllm-serve", "Qwen/Qwen3-0.6B");
  REQUIRE(workers.size() == 3);
  CHECK(flag_value(workers[0], "--extra_llm_api_options") == "trtllm-prefill.yaml");
  CHECK(flag_value(workers[2], "--extra_llm_api_options") == "trtllm-decode.yaml");
  CHECK(flag_value(workers[2], "--port") == "8201");
  CHECK(env_value(workers[2], "CUDA_VISIBLE_DEVICES") == "4,5");
  auto server = commands(all, "trtllm-serve", "disaggregated");
  REQUIRE(server.size() == 1);
  CHECK(flag_value(server[0], "-c") == "trtllm-disagg.yaml");

  auto mono = trtllm_config(plan("mono:2", 1));
  REQUIRE(mono.size() == 2);
  json opts = yaml_text_json("trtllm-mono.yaml", mono[0].second);
  CHECK_FALSE(opts.contains("cache_transceiver_config"));
  CHECK(commands(shell_commands("trtllm-mono.sh", mono[1].second), "trtllm-serve").size() == 2);
}

TEST_CASE("disagg-config: all targets, files and the basis header", "[disagg-config]") {
  DeployPlan p = plan("1:3", 1);
  p.basis = {"predicted for 1 prefill + 3 decode GPUs: throughput 11 req/s"};
  auto files = write_configs("all", p);
  std::vector<std::string> names;
  for (const auto& [name, text] : files) {
    names.push_back(name);
    size_t nl = text.find('\n');
    std::string body = text.substr(text.rfind("#!", 0) == 0 ? nl + 1 : 0);
    CHECK(body.rfind("# ", 0) == 0);
    CHECK(body.find("# predicted for 1 prefill + 3 decode GPUs: throughput 11 req/s\n") != std::string::npos);
  }
  CHECK(names == std::vector<std::string>{"vllm-pd.sh", "sglang-pd.sh", "dynamo-hotpath-pd.v1beta1.yaml",
                                          "llm-d-values.yaml", "trtllm-disagg.yaml", "trtllm-prefill.yaml",
                                          "trtllm-decode.yaml", "trtllm-pd.sh"});
  p.version = "v1alpha1";  // a Dynamo apiVersion goes to Dynamo only
  CHECK(write_configs("all", p)[2].first == "dynamo-hotpath-pd.v1alpha1.yaml");
  CHECK(write_configs("all", p)[0].second.find("v1alpha1") == std::string::npos);
  CHECK_THROWS_WITH(write_configs("k8s", p), Catch::Contains("unknown target 'k8s'"));
}
