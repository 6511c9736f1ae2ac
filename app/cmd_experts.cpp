// `hotpath experts FILE... [--ranks N] [--redundant K] [--experts E] [--placement MAP] [--format text|json]`:
// MoE expert balance of expert-load inputs (pickled Counters, SGLang .pt/CSV dumps, TensorRT-LLM statistics,
// EPLB / Expert Balancedness log lines).
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "app/commands.h"
#include "core/experts/load_experts.h"
#include "core/experts/placement.h"
#include "core/model/load_status.h"
#include "core/report/expert_report.h"

namespace hp {

void add_experts_command(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::vector<std::string> files;
    std::string format = "text", placement;
    uint32_t ranks = 0, redundant = 0, experts = 0;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* sub = app.add_subcommand("experts",
                                     "MoE expert balance: per-layer load and imbalance, per-rank load, "
                                     "and a rebalance what-if");
  sub->add_option("files", opts->files,
                  "Expert-load inputs: pickled Counter lists, SGLang .pt or CSV dumps, a TensorRT-LLM "
                  "EXPERT_STATISTIC_PATH directory or rank safetensors, logs with EPLB lines")
      ->required();
  sub->add_option("--ranks", opts->ranks,
                  "Expert-parallel ranks (default: 8, or the largest divisor of E below 8)");
  sub->add_option("--redundant", opts->redundant,
                  "Redundant expert slots for the rebalance what-if (default 0)");
  sub->add_option("--experts", opts->experts, "Experts per layer, when the data omit the highest ids");
  sub->add_option(
         "--placement", opts->placement,
         "Physical-to-logical expert map for the per-rank view: SGLang --init-expert-location JSON "
         "(physical_to_logical_map [layer][slot]) or a per_pass .pt dump's map; slots go rank by rank")
      ->check(CLI::ExistingFile);
  sub->add_option("--format", opts->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  sub->callback([opts, &ctx] {
    if ((ctx.exit_code = check_inputs_exist(opts->files))) return;
    try {
      std::vector<std::filesystem::path> paths(opts->files.begin(), opts->files.end());
      auto loads = experts::load_expert_inputs(paths, opts->experts);
      if (!opts->placement.empty()) {
        const experts::PlacementMap map = experts::read_placement(opts->placement);
        for (auto& l : loads)
          if (l.has_counts() && !l.columns_are_ranks) experts::apply_placement(l, map);
      }
      nlohmann::json report = expert_report_json(loads, {opts->ranks, opts->redundant});
      if (opts->format == "json")
        std::cout << report.dump(2) << '\n';
      else
        std::cout << expert_report_text(report);
    } catch (const std::exception& e) {
      std::cerr << "hotpath: " << e.what() << '\n';
      ctx.exit_code = 1;
    }
  });
}

}  // namespace hp
