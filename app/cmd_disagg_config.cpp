// `hotpath disagg-config --target vllm|sglang|dynamo|llm-d|trtllm|all --pd P:D [--tp N] [--model M]
// [--version V] [--basis disagg.json] --out DIR`: writes the deployment configs of one P/D layout
// (core/disagg/config_writers.h) and lists them. --basis takes the JSON of `hotpath disagg --format
// json` and puts its measured basis and predicted gains at the top of every file.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "app/commands.h"
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
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* sub = app.add_subcommand(
      "disagg-config",
      "Deployment configs of a prefill/decode layout for vLLM, SGLang, Dynamo, llm-d, TensorRT-LLM");
  sub->add_option("--target", opts->target, "vllm, sglang, dynamo, llm-d, trtllm or all")
      ->required()
      ->check(CLI::IsMember({"vllm", "sglang", "dynamo", "llm-d", "trtllm", "all"}));
  sub->add_option("--pd", opts->pd, "Prefill:decode instances, e.g. 1:3; mono or mono:N for no split")
      ->required();
  sub->add_option("--tp", opts->plan.tp, "GPUs per instance (tensor parallel size), default 1");
  sub->add_option("--model", opts->plan.model, "Model id or path (default Qwen/Qwen3-0.6B)");
  sub->add_option("--version", opts->plan.version,
                  "Target version: Dynamo apiVersion v1beta1 (default) or v1alpha1; for other targets it is "
                  "noted in the files");
  sub->add_option("--basis", opts->basis, "JSON of `hotpath disagg --format json`: measured basis and gains");
  sub->add_option("--name", opts->plan.name, "Deployment name (DNS-1123), default hotpath-pd");
  sub->add_option("--image", opts->plan.image, "Container image for Dynamo / llm-d (default: a placeholder)");
  sub->add_option("--host", opts->plan.host, "Host of the local commands, default 127.0.0.1");
  sub->add_option("--out", opts->out, "Directory for the files (created)")->required();
  sub->callback([opts, &ctx] {
    try {
      disagg::DeployPlan plan = opts->plan;
      disagg::parse_pd(opts->pd, plan);
      if (!opts->basis.empty()) {
        if ((ctx.exit_code = check_inputs_exist({opts->basis}))) return;
        plan.basis = read_basis(opts->basis, plan);
      }
      disagg::ConfigFiles files = disagg::write_configs(opts->target, plan);
      fs::create_directories(opts->out);
      for (const auto& [name, text] : files) {
        fs::path path = fs::path(opts->out) / name;
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        f << text;
        if (!f.flush()) throw std::runtime_error(path.string() + ": cannot be written");
        f.close();
        if (path.extension() == ".sh")
          fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                          fs::perm_options::add);
        std::cout << path.string() << '\n';
      }
    } catch (const std::exception& e) {
      std::cerr << "hotpath: disagg-config: " << e.what() << '\n';
      ctx.exit_code = 1;
    }
  });
}

}  // namespace hp
