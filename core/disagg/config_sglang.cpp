// SGLang: `python3 -m sglang.launch_server --disaggregation-mode prefill|decode` servers and the
// `sglang_router.launch_router --pd-disaggregation` command with each prefill's bootstrap port
// (reference disaggregation.md §6.2); monolithic: plain launch_server command(s).
#include <fmt/format.h>

#include "core/disagg/config_writers.h"

namespace hp::disagg {

namespace {

// SGLang's transfer backend for the plan's connector: nixl for NIXL, mooncake for Mooncake.
std::string transfer_backend(const DeployPlan& p) {
  return p.kv_connector.find("ooncake") != std::string::npos ? "mooncake" : "nixl";
}

std::vector<std::string> server_argv(const DeployPlan& p, int port, int base_gpu) {
  return {"python3",
          "-m",
          "sglang.launch_server",
          "--model-path",
          p.model,
          "--host",
          p.host,
          "--port",
          std::to_string(port),
          "--tp",
          std::to_string(p.tp),
          "--base-gpu-id",
          std::to_string(base_gpu)};
}

}  // namespace

ConfigFiles sglang_config(const DeployPlan& p) {
  check_plan(p);
  std::string s = "#!/usr/bin/env bash\n" + header_comment(p, p.monolithic() ? "SGLang monolithic serving"
                                                                             : "SGLang PD disaggregation");
  s += fmt::format(
      "# One host with {} GPUs (--base-gpu-id picks each server's GPUs). For several hosts: replace {}\n"
      "# by each host's address and add --disaggregation-ib-device for the RDMA NICs.\n",
      p.gpus(), p.host);
  s += "set -euo pipefail\n";
  if (p.monolithic()) {
    for (int i = 0; i < p.decode; ++i) {
      s += fmt::format("\n# instance {}: GPUs {}, port {}\n", i, gpu_list(first_gpu(p, false, i), p.tp),
                       decode_port(p, i));
      s += shell_command({}, server_argv(p, decode_port(p, i), first_gpu(p, false, i)), p.decode > 1);
    }
    if (p.decode > 1) s += "wait\n";
    return {{"sglang-mono.sh", s}};
  }
  const std::string backend = transfer_backend(p);
  for (int i = 0; i < p.prefill; ++i) {
    int g = first_gpu(p, true, i);
    s += fmt::format("\n# prefill {}: GPUs {}, port {}, bootstrap port {}\n", i, gpu_list(g, p.tp),
                     prefill_port(p, i), p.bootstrap_port + i);
    auto argv = server_argv(p, prefill_port(p, i), g);
    argv.insert(argv.end(), {"--disaggregation-mode", "prefill", "--disaggregation-transfer-backend", backend,
                             "--disaggregation-bootstrap-port", std::to_string(p.bootstrap_port + i)});
    s += shell_command({}, argv, true);
  }
  for (int i = 0; i < p.decode; ++i) {
    int g = first_gpu(p, false, i);
    s += fmt::format("\n# decode {}: GPUs {}, port {}\n", i, gpu_list(g, p.tp), decode_port(p, i));
    auto argv = server_argv(p, decode_port(p, i), g);
    argv.insert(argv.end(),
                {"--disaggregation-mode", "decode", "--disaggregation-transfer-backend", backend});
    s += shell_command({}, argv, true);
  }
  std::vector<std::string> router = {"python3", "-m", "sglang_router.launch_router", "--pd-disaggregation"};
  for (int i = 0; i < p.prefill; ++i)
    router.insert(router.end(), {"--prefill", fmt::format("http://{}:{}", p.host, prefill_port(p, i)),
                                 std::to_string(p.bootstrap_port + i)});
  for (int i = 0; i < p.decode; ++i)
    router.insert(router.end(), {"--decode", fmt::format("http://{}:{}", p.host, decode_port(p, i))});
  router.insert(router.end(), {"--host", "0.0.0.0", "--port", std::to_string(p.router_port)});
  s += fmt::format("\n# router: clients send requests to port {}\n", p.router_port);
  s += shell_command({}, router, true);
  s += "wait\n";
  return {{"sglang-pd.sh", s}};
}

}  // namespace hp::disagg
