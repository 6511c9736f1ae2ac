// `hotpath disagg-config [RUN|SPEC.json] --target vllm|sglang|dynamo|llm-d|trtllm|all [--pd P:D] [--tp N]
// [--model M] [--version V] [--basis disagg.json] --out DIR`: writes the deployment configs of one P/D
// layout (core/disagg/config_writers.h) and lists them. With RUN or SPEC, the advisor runs first
// (app/disagg_run.h): its recommendation is the layout unless --pd says otherwise, and its measured
// basis and predicted gains head every file; --basis takes the same from a saved `disagg --format json`.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "app/commands.h"
#include "app/disagg_run.h"
#include "core/disagg/config_writers.h"

namespace hp {

namespace {

namespace fs = std::filesystem;

std::vector<std::string> read_basis(const std::string& path, const disagg::DeployPlan& plan) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(path + ": byte " + std::to_string(e.byte) + ": not valid JSON (" + e.what() +
                             ")");
  }
  try {
    return disagg::basis_from_advice(j, plan);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(path + ": byte 0: " + e.what());
  }
}

}  // namespace

void add_disagg_config_command(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::string target, pd, out, basis;
    disagg::DeployPlan plan;
    DisaggArgs advisor;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* sub = app.add_subcommand(
      "disagg-config",
      "Deployment configs of a prefill/decode layout for vLLM, SGLang, Dynamo, llm-d, TensorRT-LLM");
  sub->add_option("input", opts->advisor.input,
                  "A run file or server log, or a what-if spec (.json): the advisor picks the layout");
  sub->add_option("--gpus", opts->advisor.gpus, "With an input: total GPUs to lay out")
      ->check(CLI::PositiveNumber);
  sub->add_option("--rate", opts->advisor.rate, "With an input: arrival rate, requests/s")
      ->check(CLI::PositiveNumber);
  sub->add_option("--bandwidth", opts->advisor.bandwidth, "With an input: KV transfer bandwidth, GB/s")
      ->check(CLI::PositiveNumber);
  sub->add_option("--slo", opts->advisor.slo, "With an input: goodput SLOs, e.g. ttft=500,itl=50")
      ->check(slo_validator());
  sub->add_option("--requests", opts->advisor.requests, "With an input: simulated requests per layout")
      ->check(CLI::PositiveNumber);
  sub->add_option("--model-config", opts->advisor.model_config,
                  "With an input: the model's config.json, for KV bytes per token");
  sub->add_option("--target", opts->target, "vllm, sglang, dynamo, llm-d, trtllm or all")
      ->required()
      ->check(CLI::IsMember({"vllm", "sglang", "dynamo", "llm-d", "trtllm", "all"}));
  sub->add_option("--pd", opts->pd,
                  "Prefill:decode instances, e.g. 1:3; mono or mono:N for no split (default: the advice)");
  sub->add_option("--tp", opts->plan.tp, "GPUs per instance (tensor parallel size), default 1");
  sub->add_option("--model", opts->plan.model, "Model id or path (default: the run's, else Qwen/Qwen3-0.6B)");
  sub->add_option("--version", opts->plan.version,
                  "Target version: Dynamo apiVersion v1beta1 (default) or v1alpha1; for other targets it is "
                  "noted in the files");
  sub->add_option("--basis", opts->basis, "JSON of `hotpath disagg --format json`: measured basis and gains");
  sub->add_option("--name", opts->plan.name, "Deployment name (DNS-1123), default hotpath-pd");
  sub->add_option("--image", opts->plan.image, "Container image for Dynamo / llm-d (default: a placeholder)");
  sub->add_option("--host", opts->plan.host, "Host of the local commands, default 127.0.0.1");
  sub->add_option("--out", opts->out, "Directory for the files (created)")->required();
  sub->callback([opts, sub, &ctx] {
    if (opts->pd.empty() && opts->advisor.input.empty()) {
      std::cerr << "hotpath: disagg-config: give --pd P:D, or a run or spec for the advisor to choose\n";
      ctx.exit_code = 2;
      return;
    }
    try {
      disagg::DeployPlan plan = opts->plan;
      if (!opts->advisor.input.empty()) {
        if ((ctx.exit_code = check_inputs_exist({opts->advisor.input}))) return;
        DisaggArgs a = opts->advisor;
        if (sub->count("--tp")) a.tp = plan.tp;
        const DisaggResult r = run_disagg(a);
        const disagg::Advice& adv = r.ev.advice;
        if (!sub->count("--model") && !r.model.empty()) plan.model = r.model;
        if (opts->pd.empty()) {
          plan.tp = adv.tp;
          plan.prefill = adv.monolithic ? 0 : adv.prefill_gpus / adv.tp;
          plan.decode = adv.decode_gpus / adv.tp;
        } else {
          disagg::parse_pd(opts->pd, plan);
        }
        plan.basis = disagg::basis_from_advice(disagg_json(r), plan);
      } else {
        disagg::parse_pd(opts->pd, plan);
      }
      if (!opts->basis.empty()) {
        if ((ctx.exit_code = check_inputs_exist({opts->basis}))) return;
        plan.basis = read_basis(opts->basis, plan);
      }
      for (const auto& path : save_config_files(disagg::write_configs(opts->target, plan), opts->out))
        std::cout << path << '\n';
    } catch (const std::exception& e) {
      std::cerr << "hotpath: disagg-config: " << e.what() << '\n';
      ctx.exit_code = 1;
    }
  });
}

}  // namespace hp
