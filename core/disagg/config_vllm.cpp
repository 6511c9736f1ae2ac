// vLLM: prefill and decode `vllm serve` commands with --kv-transfer-config (NixlConnector by
// default), the NIXL side-channel environment and the toy proxy of vLLM's NIXL integration tests
// (reference disaggregation.md §6.1); monolithic: the `vllm serve` command(s) alone.
#include <fmt/format.h>

#include "core/disagg/config_writers.h"

namespace hp::disagg {

namespace {

std::vector<std::string> serve_argv(const DeployPlan& p, int port) {
  return {"vllm",
          "serve",
          p.model,
          "--host",
          p.host,
          "--port",
          std::to_string(port),
          "--tensor-parallel-size",
          std::to_string(p.tp)};
}

std::string script_preamble(const DeployPlan& p, std::string_view what) {
  std::string s = "#!/usr/bin/env bash\n" + header_comment(p, what);
  s += fmt::format(
      "# One host with {} GPUs. For several hosts: replace {} by each host's address in its commands\n"
      "# and in the proxy's host lists.\n",
      p.gpus(), p.host);
  return s + "set -euo pipefail\n";
}

}  // namespace

ConfigFiles vllm_config(const DeployPlan& p) {
  check_plan(p);
  if (p.monolithic()) {
    std::string s = script_preamble(p, "vLLM monolithic serving");
    for (int i = 0; i < p.decode; ++i) {
      int g = first_gpu(p, false, i);
      s += fmt::format("\n# instance {}: GPUs {}, port {}\n", i, gpu_list(g, p.tp), decode_port(p, i));
      s += shell_command({{"CUDA_VISIBLE_DEVICES", gpu_list(g, p.tp)}}, serve_argv(p, decode_port(p, i)),
                         p.decode > 1);
    }
    if (p.decode > 1) s += "wait\n";
    return {{"vllm-mono.sh", s}};
  }
  std::string s = script_preamble(p, "vLLM prefill/decode disaggregation");
  s += "# UCX_TLS is left unset so that UCX picks RDMA / NVLink when present (check `ucx_info -d`);\n"
       "# a fallback to TCP makes KV transfer 10-100x slower than the link.\n";
  auto worker = [&](bool prefill_role, int i) {
    int port = prefill_role ? prefill_port(p, i) : decode_port(p, i);
    int g = first_gpu(p, prefill_role, i);
    std::string out = fmt::format("\n# {} {}: GPUs {}, port {}, NIXL side channel {}\n",
                                  prefill_role ? "prefill" : "decode", i, gpu_list(g, p.tp), port,
                                  side_channel_port(p, prefill_role, i));
    std::vector<std::string> argv = serve_argv(p, port);
    argv.insert(argv.end(), {"--kv-transfer-config", kv_transfer_json(p)});
    out += shell_command(
        {{"CUDA_VISIBLE_DEVICES", gpu_list(g, p.tp)},
         {"VLLM_NIXL_SIDE_CHANNEL_HOST", p.host},
         {"VLLM_NIXL_SIDE_CHANNEL_PORT", std::to_string(side_channel_port(p, prefill_role, i))}},
        argv, true);
    return out;
  };
  for (int i = 0; i < p.prefill; ++i) s += worker(true, i);
  for (int i = 0; i < p.decode; ++i) s += worker(false, i);
  std::vector<std::string> proxy = {"python3",
                                    "${VLLM_SRC:?set VLLM_SRC to a vLLM "
                                    "checkout}/tests/v1/kv_connector/nixl_integration/toy_proxy_server.py",
                                    "--port", std::to_string(p.router_port), "--prefiller-hosts"};
  for (int i = 0; i < p.prefill; ++i) proxy.push_back(p.host);
  proxy.push_back("--prefiller-ports");
  for (int i = 0; i < p.prefill; ++i) proxy.push_back(std::to_string(prefill_port(p, i)));
  proxy.push_back("--decoder-hosts");
  for (int i = 0; i < p.decode; ++i) proxy.push_back(p.host);
  proxy.push_back("--decoder-ports");
  for (int i = 0; i < p.decode; ++i) proxy.push_back(std::to_string(decode_port(p, i)));
  s +=
      fmt::format("\n# proxy: clients send OpenAI requests to port {}; it prefills on P, then decodes on D\n",
                  p.router_port);
  s += shell_command({}, proxy, true);
  s += "wait\n";
  return {{"vllm-pd.sh", s}};
}

}  // namespace hp::disagg
