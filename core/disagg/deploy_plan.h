#pragma once
// The layout that `hotpath disagg-config` writes out: model, tensor parallelism, prefill and decode
// instance counts, ports, KV connector and target version, plus the `basis` lines (measured basis and
// predicted gains) that every generated file starts with as comments. Pure: no I/O.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hp::disagg {

struct DeployPlan {
  std::string model = "Qwen/Qwen3-0.6B";  // Hugging Face id or local path, as the engine takes it
  std::string name = "hotpath-pd";        // Kubernetes object name (DNS-1123) and script label
  std::string image;                      // container image for Dynamo / llm-d ("" = per-target placeholder)
  int tp = 1;                             // GPUs per instance (tensor parallel size)
  int prefill = 1;                        // prefill instances; 0 = monolithic (no P/D split)
  int decode = 1;                         // decode instances, or monolithic instances when prefill == 0
  std::string host = "127.0.0.1";         // host of the local commands (vLLM, SGLang, TRT-LLM)
  int router_port = 8000;                 // proxy / router / frontend / disaggregated server
  int prefill_port = 8100;                // first prefill instance; instance i listens on +i
  int decode_port = 8200;                 // first decode (or monolithic) instance; +i
  int side_channel_port = 5600;           // VLLM_NIXL_SIDE_CHANNEL_PORT of the first instance
  int bootstrap_port = 8998;              // SGLang --disaggregation-bootstrap-port of prefill 0
  std::string kv_connector = "NixlConnector";  // vLLM connector; SGLang/TRT-LLM use its backend
  std::string version;                         // target version ("" = current; Dynamo: v1beta1|v1alpha1)
  std::vector<std::string> basis;              // comment lines: measured basis and predicted gains

  bool monolithic() const { return prefill == 0; }
  int gpus() const { return (prefill + decode) * tp; }
};

// One generated file: its name (relative to --out) and its text.
using ConfigFile = std::pair<std::string, std::string>;
using ConfigFiles = std::vector<ConfigFile>;

// "P:D" (e.g. "1:3") or "mono" / "mono:N" / "0:N" (monolithic, N instances). Throws
// std::invalid_argument saying what was wrong.
void parse_pd(std::string_view text, DeployPlan& plan);
// Throws std::invalid_argument on an impossible plan (no instances, tp < 1, bad name, port clash).
void check_plan(const DeployPlan& plan);

// Port of prefill / decode instance i; NIXL side-channel port of instance i (prefill first, then
// decode), spaced by tp so that every rank of every instance on one host gets its own port.
int prefill_port(const DeployPlan& p, int i);
int decode_port(const DeployPlan& p, int i);
int side_channel_port(const DeployPlan& p, bool prefill_role, int i);
// First GPU of instance i on a single host (prefill instances first).
int first_gpu(const DeployPlan& p, bool prefill_role, int i);
// "0,1" for tp GPUs from `first`.
std::string gpu_list(int first, int tp);

// The --kv-transfer-config JSON for vLLM (compact, key order as the upstream examples).
std::string kv_transfer_json(const DeployPlan& p);

// The comment block every file starts with: what it is, the layout, then the basis lines, each
// prefixed with `prefix` ("# ").
std::string header_comment(const DeployPlan& p, std::string_view what, std::string_view prefix = "# ");

// Basis lines from the JSON that `hotpath disagg --format json` prints (monolithic, splits[],
// recommendation, self_check): the measured monolithic figures, the prediction for this plan's split
// and its gain over monolithic, the advisor's recommendation and the self-check. Tolerates missing
// fields; throws std::invalid_argument when `advice` is not an object with `monolithic` or `splits`.
std::vector<std::string> basis_from_advice(const nlohmann::json& advice, const DeployPlan& p);

// Single-quotes a word for a POSIX shell when it needs it ('{"a":1}', plain `--port`); a word that
// starts with "${" is double-quoted so that the variable still expands.
std::string shell_quote(std::string_view word);

// One shell command: `env` assignments, then argv (each word shell_quote'd), wrapped with " \\"
// continuations near 100 columns; " &" at the end when `background`.
std::string shell_command(const std::vector<std::pair<std::string, std::string>>& env,
                          const std::vector<std::string>& argv, bool background);

}  // namespace hp::disagg
