// `hotpath report INPUT... [--format text|md|json] [--rules FILE]`: the one-screen timing overview (GPU time
// by category, top ops, idle gaps, launch stats, stream overlap, overlap opportunities, ranks).
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/cli_load.h"
#include "app/commands.h"
#include "core/report/timing_report.h"

namespace hp {

void add_report_command(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::vector<std::string> inputs;
    std::string format = "text";
    size_t top = 10;
    std::string rules;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* sub =
      app.add_subcommand("report",
                         "One-screen timing overview: GPU time by category, top kernels, idle gaps, "
                         "launch stats, stream overlap, overlap opportunities, rank skew.");
  sub->add_option("inputs", opts->inputs, "Trace files, trace directories or .hotpath run files")->required();
  sub->add_option("--format", opts->format, "text (100 columns), md or json")
      ->check(CLI::IsMember({"text", "md", "json"}));
  sub->add_option("--top", opts->top, "How many top kernels to list (default 10)");
  sub->add_option("--rules", opts->rules,
                  "Kernel-category rules of your own (the schema of assets/kernel_categories.json), tried "
                  "before the built-in ones");
  sub->callback([opts, &ctx] {
    if ((ctx.exit_code = check_inputs_exist(opts->inputs))) return;
    auto categorizer = load_cli_categorizer(opts->rules);
    if (!categorizer) {
      ctx.exit_code = 1;
      return;
    }
    auto run = load_for_cli(opts->inputs);
    if (!run) {
      ctx.exit_code = 1;
      return;
    }
    std::string title;
    for (const auto& in : opts->inputs) title += (title.empty() ? "" : " ") + in;
    TimingReport r = timing_report(*run, *categorizer, title);
    if (opts->format == "json")
      std::cout << timing_report_json(*run, r, std::max<size_t>(opts->top, 25)).dump(2) << '\n';
    else if (opts->format == "md")
      std::cout << timing_report_markdown(*run, r, opts->top);
    else
      std::cout << timing_report_text(*run, r, opts->top);
  });
}

}  // namespace hp
