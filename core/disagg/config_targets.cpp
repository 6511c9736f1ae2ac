// The target list and dispatcher of `hotpath disagg-config`.
#include <fmt/format.h>

#include <stdexcept>

#include "core/disagg/config_writers.h"

namespace hp::disagg {

const std::vector<std::string>& config_targets() {
  static const std::vector<std::string> kTargets = {"vllm", "sglang", "dynamo", "llm-d", "trtllm"};
  return kTargets;
}

ConfigFiles write_configs(std::string_view target, const DeployPlan& p) {
  if (target == "all") {
    // One --version for all targets: a DynamoGraphDeployment apiVersion (v1...) goes to Dynamo only,
    // anything else to the other targets only.
    const bool dgd_version = p.version.rfind("v1", 0) == 0;
    ConfigFiles all;
    for (const auto& t : config_targets()) {
      DeployPlan q = p;
      if ((t == "dynamo") != dgd_version) q.version.clear();
      ConfigFiles f = write_configs(t, q);
      all.insert(all.end(), f.begin(), f.end());
    }
    return all;
  }
  if (target == "vllm") return vllm_config(p);
  if (target == "sglang") return sglang_config(p);
  if (target == "dynamo") return dynamo_config(p);
  if (target == "llm-d") return llmd_config(p);
  if (target == "trtllm") return trtllm_config(p);
  throw std::invalid_argument(
      fmt::format("unknown target '{}' (vllm, sglang, dynamo, llm-d, trtllm or all)", target));
}

}  // namespace hp::disagg
