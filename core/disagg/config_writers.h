#pragma once
// Deployment-config writers of `hotpath disagg-config`, one file per target (config_<target>.cpp).
// Each is a pure function of the plan returning the files (name relative to --out, text); every
// file starts with header_comment(): the layout, then the measured basis and predicted gains.
#include <string>
#include <string_view>
#include <vector>

#include "core/disagg/deploy_plan.h"

namespace hp::disagg {

// vllm-pd.sh: prefill and decode `vllm serve` with --kv-transfer-config, NIXL side-channel env and
// the toy proxy; monolithic: vllm-mono.sh with the `vllm serve` command(s).
ConfigFiles vllm_config(const DeployPlan& p);
// sglang-pd.sh: `--disaggregation-mode prefill|decode` servers and `sglang_router.launch_router
// --pd-disaggregation` with the bootstrap ports; monolithic: sglang-mono.sh.
ConfigFiles sglang_config(const DeployPlan& p);
// dynamo-<name>.<apiVersion>.yaml: a DynamoGraphDeployment (vLLM backend), nvidia.com/v1beta1 by
// default, v1alpha1 when p.version is "v1alpha1". Throws std::invalid_argument on another version.
ConfigFiles dynamo_config(const DeployPlan& p);
// llm-d-values.yaml: llm-d-modelservice Helm values with decode / prefill sections.
ConfigFiles llmd_config(const DeployPlan& p);
// trtllm-disagg.yaml (trtllm-serve disaggregated: context_servers / generation_servers), the
// per-role LLM-API option files and trtllm-pd.sh; monolithic: trtllm-mono.yaml + trtllm-mono.sh.
ConfigFiles trtllm_config(const DeployPlan& p);

// The targets in the order `all` writes them: vllm, sglang, dynamo, llm-d, trtllm.
const std::vector<std::string>& config_targets();
// Files for one target or "all". Throws std::invalid_argument naming an unknown target.
ConfigFiles write_configs(std::string_view target, const DeployPlan& p);

}  // namespace hp::disagg
