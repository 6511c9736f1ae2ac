// `hotpath diff A B [--format text|md|json|csv] [--stage S] [--rules FILE]`: GPU ops of two traces by
// category and by name: counts, time, delta and delta%, names new in B and gone from B.
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/cli_load.h"
#include "app/commands.h"
#include "core/analysis/stage_assign.h"
#include "core/report/diff_report.h"

namespace hp {

void add_diff_command(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::string a, b;
    std::string format = "text";
    std::string stage, rules;
    size_t top = 20;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* sub =
      app.add_subcommand("diff",
                         "Compare two traces (A = baseline, B = new): GPU time by category and by "
                         "kernel, deltas, kernels new in B and gone from B.");
  sub->add_option("a", opts->a, "Baseline trace, trace directory or run file")->required();
  sub->add_option("b", opts->b, "Trace to compare against A")->required();
  sub->add_option("--format", opts->format, "text (100 columns), md, json or csv")
      ->check(CLI::IsMember({"text", "md", "json", "csv"}));
  sub->add_option("--top", opts->top, "How many names to list in text/md (default 20)");
  sub->add_option("--rules", opts->rules,
                  "Kernel-category rules of your own (the schema of assets/kernel_categories.json), tried "
                  "before the built-in ones");
  sub->add_option("--stage", opts->stage,
                  "Compare only one engine stage (prefill, decode, mixed; prefill includes extend), "
                  "assigned per kernel as in 'hotpath triage'");
  sub->callback([opts, &ctx] {
    if ((ctx.exit_code = check_inputs_exist({opts->a, opts->b}))) return;
    auto categorizer = load_cli_categorizer(opts->rules);
    if (!categorizer) {
      ctx.exit_code = 1;
      return;
    }
    auto a = load_for_cli({opts->a});
    if (!a) {
      ctx.exit_code = 1;
      return;
    }
    auto b = load_for_cli({opts->b});
    if (!b) {
      ctx.exit_code = 1;
      return;
    }
    DiffOptions dopt;
    if (!opts->stage.empty()) {
      // Stage per GPU op of each run, looked up by slice through Run::gpu (sorted by slice).
      auto sa = std::make_shared<StageAssignment>(assign_stages(*a));
      auto sb = std::make_shared<StageAssignment>(assign_stages(*b));
      const Run* ra = a.get();
      dopt.stage = opts->stage;
      dopt.stage_of = [sa, sb, ra, want = opts->stage](const Run& run, uint32_t slice) -> std::string_view {
        const StageAssignment& st = &run == ra ? *sa : *sb;
        auto it = std::lower_bound(run.gpu.slice.begin(), run.gpu.slice.end(), slice);
        if (it == run.gpu.slice.end() || *it != slice) return "";
        Stage s = st.gpu_stage[static_cast<size_t>(it - run.gpu.slice.begin())];
        if (want == "prefill" && s == Stage::Extend) return "prefill";
        return to_string(s);
      };
    }
    TraceDiff d = trace_diff(*a, *b, *categorizer, dopt);
    if (opts->format == "json")
      std::cout << diff_json(d, opts->a, opts->b).dump(2) << '\n';
    else if (opts->format == "csv")
      std::cout << diff_csv(d);
    else if (opts->format == "md")
      std::cout << diff_markdown(d, opts->a, opts->b, opts->top);
    else
      std::cout << diff_text(d, opts->a, opts->b, opts->top);
  });
}

}  // namespace hp
