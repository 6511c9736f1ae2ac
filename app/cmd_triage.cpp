// `hotpath triage INPUT... [--stage S] [--min-share P] [--mapping M --formal F] [--rank N|all]
// [--rules FILE] [--format md|json|csv]`: per engine stage, the kernels that take the GPU time with
// their source sites, the category roll-up, fusion opportunities and CUDA-graph coverage; with
// several ranks, rank skew with the straggler named and the same tables for each rank.
#include <CLI/CLI.hpp>

#include <iostream>
#include <set>

#include "app/cli_load.h"
#include "app/commands.h"
#include "core/analysis/asset_json.h"
#include "core/analysis/triage.h"
#include "core/report/triage_report.h"
#include "core/util/assets.h"

namespace hp {
namespace {

std::string title_for(const std::vector<std::string>& inputs) {
  std::string t = "hotpath triage:";
  for (const auto& in : inputs) t += " " + std::filesystem::path(in).filename().string();
  return t;
}

}  // namespace

void add_triage_command(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::vector<std::string> inputs;
    std::string stage, mapping, formal, format = "md", rules, rank = "all";
    double min_share = 1.0;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* sub = app.add_subcommand(
      "triage",
      "Per engine stage (prefill/extend, decode, mixed): the kernels that take the GPU time, their Python "
      "source sites and cpu_ops, the category roll-up, fusion opportunities and CUDA-graph coverage.");
  auto* in = sub->add_option("inputs", opts->inputs, "Trace files, trace directories or .hotpath run files");
  sub->add_option("--stage", opts->stage, "Only this stage (prefill also selects extend)")
      ->check(CLI::IsMember({"prefill", "extend", "mixed", "decode", "idle", "all", "unassigned"}));
  sub->add_option("--min-share", opts->min_share,
                  "Hide kernel rows under this percentage of their stage's kernel time (0 lists all)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  auto* mapping = sub->add_option("--mapping", opts->mapping,
                                  "Two-trace mode: a trace taken with CUDA graphs off, for the source sites");
  auto* formal =
      sub->add_option("--formal", opts->formal, "Two-trace mode: the trace whose timing is reported");
  mapping->needs(formal);
  formal->needs(mapping);
  in->excludes(mapping)->excludes(formal);
  sub->add_option(
         "--rank", opts->rank,
         "all: every rank together, then (with several ranks) each rank's own tables; N: only rank N. "
         "Rank skew is shown whenever there are several ranks")
      ->capture_default_str()
      ->check([](const std::string& v) -> std::string {
        if (v == "all" ||
            (!v.empty() && v.size() < 10 && v.find_first_not_of("0123456789") == std::string::npos))
          return "";
        return "--rank takes 'all' or a rank number, not '" + v + "'";
      });
  sub->add_option("--rules", opts->rules,
                  "Kernel-category rules of your own (the schema of assets/kernel_categories.json), tried "
                  "before the built-in ones");
  sub->add_option("--format", opts->format, "Output format")
      ->capture_default_str()
      ->check(CLI::IsMember({"md", "json", "csv"}));
  sub->callback([opts, &ctx] {
    const bool two = !opts->formal.empty();
    if (!two && opts->inputs.empty()) {
      std::cerr << "hotpath: triage needs INPUT... or --mapping M --formal F; run 'hotpath triage --help'\n";
      ctx.exit_code = 2;
      return;
    }
    std::vector<std::string> timed = two ? std::vector<std::string>{opts->formal} : opts->inputs;
    if ((ctx.exit_code = check_inputs_exist(timed))) return;
    if (two && (ctx.exit_code = check_inputs_exist({opts->mapping}))) return;
    auto cats = load_cli_categorizer(opts->rules);
    if (!cats) {
      ctx.exit_code = 1;
      return;
    }
    std::optional<FuseCatalog> fuses;
    try {
      fuses = FuseCatalog::load_builtin(assets_dir());
    } catch (const std::exception& e) {
      std::cerr << "hotpath: " << e.what() << '\n';
      ctx.exit_code = 1;
      return;
    }
    SitesByName sites;
    TriageOptions topt;
    topt.stage = opts->stage;
    topt.min_share_pct = opts->min_share;
    if (two) {
      auto map_run = load_for_cli({opts->mapping});
      if (!map_run) {
        ctx.exit_code = 1;
        return;
      }
      sites = mapping_sites(*map_run);
      topt.mapping_sites = &sites;
    }
    auto run = load_for_cli(timed);
    if (!run) {
      ctx.exit_code = 1;
      return;
    }
    if (opts->rank != "all") {
      topt.rank = std::stoll(opts->rank);
      std::set<uint32_t> ranks;
      for (const auto& tr : run->tracks) ranks.insert(tr.rank);
      for (const auto& src : run->sources) ranks.insert(src.rank);
      if (!ranks.count(static_cast<uint32_t>(topt.rank))) {
        std::string have;
        for (uint32_t r : ranks) have += (have.empty() ? "" : ", ") + std::to_string(r);
        std::cerr << "hotpath: --rank " << topt.rank << ": no such rank in the input (ranks: " << have
                  << "); run 'hotpath triage --help'\n";
        ctx.exit_code = 2;
        return;
      }
    }
    Triage t = triage(*run, *cats, *fuses, topt);
    if (opts->format == "json")
      std::cout << triage_json(t).dump(2) << '\n';
    else if (opts->format == "csv")
      std::cout << triage_csv(t);
    else
      std::cout << triage_markdown(
          t, title_for(two ? std::vector<std::string>{opts->mapping, opts->formal} : opts->inputs));
  });
}

}  // namespace hp
