// TensorRT-LLM: the `trtllm-serve disaggregated -c` YAML with context_servers / generation_servers,
// one LLM-API option file per role (the keys of Dynamo's TRT-LLM engine configs; context workers
// set disable_overlap_scheduler: true) and a script starting the workers and the disaggregated
// server (reference disaggregation.md §6.5). Monolithic: one option file and the trtllm-serve commands.
#include <fmt/format.h>

#include "core/disagg/config_writers.h"
#include "core/disagg/config_yaml.h"

namespace hp::disagg {

namespace {

using J = nlohmann::ordered_json;

J engine_options(const DeployPlan& p, bool context_role, bool disagg) {
  J e;
  e["tensor_parallel_size"] = p.tp;
  e["moe_expert_parallel_size"] = 1;
  e["enable_attention_dp"] = false;
  e["max_num_tokens"] = 8192;
  e["trust_remote_code"] = false;
  e["backend"] = "pytorch";
  e["enable_chunked_prefill"] = true;
  e["disable_overlap_scheduler"] =
      context_role;  // the overlap scheduler is unsupported on context-only workers
  e["cuda_graph_config"] = J{{"max_batch_size", 16}};
  e["kv_cache_config"] = J{{"free_gpu_memory_fraction", 0.85}};
  if (disagg) e["cache_transceiver_config"] = J{{"backend", "DEFAULT"}};
  return e;
}

J servers(const DeployPlan& p, bool context_role) {
  int n = context_role ? p.prefill : p.decode;
  J s;
  s["num_instances"] = n;
  s["tensor_parallel_size"] = p.tp;
  s["pipeline_parallel_size"] = 1;
  s["cache_transceiver_config"] = J{{"backend", "DEFAULT"}};
  J urls = J::array();
  for (int i = 0; i < n; ++i)
    urls.push_back(fmt::format("{}:{}", p.host, context_role ? prefill_port(p, i) : decode_port(p, i)));
  s["urls"] = urls;
  return s;
}

std::string worker(const DeployPlan& p, bool context_role, int i, const std::string& options, bool bg) {
  int port = context_role ? prefill_port(p, i) : decode_port(p, i);
  int g = first_gpu(p, context_role, i);
  std::string out =
      fmt::format("\n# {} {}: GPUs {}, port {}\n",
                  p.monolithic() ? "instance" : (context_role ? "context (prefill)" : "generation (decode)"),
                  i, gpu_list(g, p.tp), port);
  out +=
      shell_command({{"CUDA_VISIBLE_DEVICES", gpu_list(g, p.tp)}},
                    {"trtllm-serve", p.model, "--host", p.host, "--port", std::to_string(port), "--backend",
                     "pytorch", "--tp_size", std::to_string(p.tp), "--extra_llm_api_options", options},
                    bg);
  return out;
}

}  // namespace

ConfigFiles trtllm_config(const DeployPlan& p) {
  check_plan(p);
  std::string script = "#!/usr/bin/env bash\n";
  const char* preamble =
      "set -euo pipefail\n"
      "cd \"$(dirname \"$0\")\"  # the option files sit next to this script\n";
  if (p.monolithic()) {
    std::string opts = header_comment(p, "TensorRT-LLM LLM-API options (monolithic)") +
                       to_yaml(engine_options(p, false, false));
    script += header_comment(p, "TensorRT-LLM monolithic serving") + preamble;
    for (int i = 0; i < p.decode; ++i) script += worker(p, false, i, "trtllm-mono.yaml", p.decode > 1);
    if (p.decode > 1) script += "wait\n";
    return {{"trtllm-mono.yaml", opts}, {"trtllm-mono.sh", script}};
  }
  J disagg;
  disagg["hostname"] = p.host;
  disagg["port"] = p.router_port;
  disagg["backend"] = "pytorch";
  disagg["context_servers"] = servers(p, true);
  disagg["generation_servers"] = servers(p, false);
  std::string cfg = header_comment(p, "TensorRT-LLM disaggregated server (trtllm-serve disaggregated -c)") +
                    to_yaml(disagg);
  std::string ctx = header_comment(p, "TensorRT-LLM LLM-API options of the context (prefill) workers") +
                    to_yaml(engine_options(p, true, true));
  std::string gen = header_comment(p, "TensorRT-LLM LLM-API options of the generation (decode) workers") +
                    to_yaml(engine_options(p, false, true));
  script += header_comment(p, "TensorRT-LLM disaggregated serving") + preamble;
  for (int i = 0; i < p.prefill; ++i) script += worker(p, true, i, "trtllm-prefill.yaml", true);
  for (int i = 0; i < p.decode; ++i) script += worker(p, false, i, "trtllm-decode.yaml", true);
  script += fmt::format("\n# disaggregated server: clients send requests to port {}\n", p.router_port);
  script += shell_command({}, {"trtllm-serve", "disaggregated", "-c", "trtllm-disagg.yaml"}, true);
  script += "wait\n";
  return {{"trtllm-disagg.yaml", cfg},
          {"trtllm-prefill.yaml", ctx},
          {"trtllm-decode.yaml", gen},
          {"trtllm-pd.sh", script}};
}

}  // namespace hp::disagg
