// `hotpath details INPUT... --select NAME [--nth K] [--format text|json]`: what the workbench's
// details pane shows for one slice (fields, args, launch link, Python stack, site, stage), so that
// attribution can be checked from scripts.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

#include "app/cli_load.h"
#include "app/commands.h"
#include "core/analysis/slice_attribution.h"
#include "core/analysis/slice_parents.h"

namespace hp {
namespace {

nlohmann::json fields_json(const std::vector<DetailField>& fields) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : fields) out.push_back({{"key", f.key}, {"value", f.value}});
  return out;
}

void print_text(const Run& run, const SliceDetails& d, const SliceAttribution& a) {
  for (const auto& f : d.fields) std::cout << f.key << ": " << f.value << '\n';
  auto link = [&](const char* what, uint32_t s) {
    std::cout << what << ": " << run.str(run.slices.name[s]) << " (slice " << s << ")\n";
  };
  if (a.launch != kNone) link("launched by", a.launch);
  for (uint32_t k : d.launches) link("launches", k);
  if (d.parent != kNone) link("parent", d.parent);
  if (!a.stage.empty()) std::cout << "stage: " << a.stage << '\n';
  if (!a.site.empty()) std::cout << "source site: " << a.site << '\n';
  if (!a.cpu_op.empty()) std::cout << "cpu_op: " << a.cpu_op << '\n';
  if (!a.python_stack.empty()) {
    std::cout << "python stack (outermost first):\n";
    for (const auto& f : a.python_stack) std::cout << "  " << f << '\n';
  }
  if (!d.args.empty()) {
    std::cout << "args:\n";
    for (const auto& f : d.args) std::cout << "  " << f.key << ": " << f.value << '\n';
  }
  if (!d.args_error.empty()) std::cout << "args error: " << d.args_error << '\n';
}

nlohmann::json to_json(const Run& run, uint32_t slice, const SliceDetails& d, const SliceAttribution& a) {
  auto ref = [&](uint32_t s) -> nlohmann::json {
    if (s == kNone) return nullptr;
    return {{"slice", s}, {"name", std::string(run.str(run.slices.name[s]))}};
  };
  nlohmann::json launches = nlohmann::json::array();
  for (uint32_t k : d.launches) launches.push_back(ref(k));
  return {{"slice", slice},
          {"fields", fields_json(d.fields)},
          {"args", fields_json(d.args)},
          {"args_error", d.args_error},
          {"launched_by", ref(a.launch)},
          {"launches", launches},
          {"parent", ref(d.parent)},
          {"stage", a.stage},
          {"source_site", a.site},
          {"cpu_op", a.cpu_op},
          {"python_stack", a.python_stack}};
}

}  // namespace

void add_details_command(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::vector<std::string> inputs;
    std::string select, format = "text";
    size_t nth = 1;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* sub = app.add_subcommand(
      "details",
      "Print what the workbench's details pane shows for one slice: fields, args, launch link, "
      "Python stack of its launching call, source site, cpu_op and stage.");
  sub->add_option("inputs", opts->inputs, "Trace files or directories, .hotpath run files")->required();
  sub->add_option("--select", opts->select, "The slice's name (exact; else the first names containing it)")
      ->required();
  sub->add_option("--nth", opts->nth, "Which occurrence, 1-based, by start time (default 1)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--format", opts->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  sub->callback([opts, &ctx] {
    if ((ctx.exit_code = check_inputs_exist(opts->inputs))) return;
    auto session = load_session_for_cli(opts->inputs);
    if (!session) {
      ctx.exit_code = 1;
      return;
    }
    const Run& run = *session->run;
    size_t matches = 0;
    const uint32_t slice = find_slice_by_name(run, opts->select, opts->nth, &matches);
    if (slice == kNone) {
      std::cerr << "hotpath: " << matches << " slices match '" << opts->select << "'"
                << (matches ? "; --nth " + std::to_string(opts->nth) + " is beyond them" : "") << '\n';
      ctx.exit_code = 1;
      return;
    }
    const auto parents = slice_parents(run);
    const StageAssignment stages = assign_stages(run);
    const SliceDetails d = slice_details(run, slice);
    const SliceAttribution a = slice_attribution(run, parents, &stages, slice);
    if (opts->format == "json")
      std::cout << to_json(run, slice, d, a).dump(2) << '\n';
    else
      print_text(run, d, a);
  });
}

}  // namespace hp
