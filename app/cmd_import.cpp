// `hotpath import SRC... -o RUN.hotpath`: load traces once and save them as a run file that
// opens much faster than re-importing.
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/cli_load.h"
#include "app/commands.h"
#include "core/serving/log_run.h"
#include "core/store/run_file.h"
#include "core/store/serving_store.h"

namespace hp {

namespace {

// `hotpath import server.log -o RUN`: a server log alone becomes a serving run (log series; see log_run.h).
int import_log(const std::string& log, const std::string& out) {
  try {
    serving::LogRun lr = serving::log_run_from_file(log);
    std::filesystem::remove(out);
    ServingWriter w(out);
    for (const auto& [k, v] : lr.data.meta) w.set_meta(k, v);
    for (const auto& s : lr.data.log_series) w.add_samples(s.key, s.samples, /*from_log=*/true);
    for (const auto& e : lr.data.server_events) w.add_server_event(e);
    for (const auto& r : lr.data.requests) w.add_request(r);
    w.finish();
    for (const auto& warning : lr.warnings) std::cerr << "hotpath: " << log << ": " << warning << '\n';
    std::cerr << "hotpath: wrote " << out << " (" << lr.engine << " log, " << lr.data.log_series.size()
              << " series, " << lr.data.requests.size() << " requests)\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "hotpath: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace

void add_import_command(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::vector<std::string> inputs;
    std::string out;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* sub =
      app.add_subcommand("import",
                         "Load traces (Kineto JSON, trace directories, nsys SQLite) or one server log "
                         "(vLLM, SGLang, TensorRT-LLM: .log/.log.gz) and save them as one .hotpath run file");
  sub->add_option("inputs", opts->inputs, "Trace files or directories")->required();
  sub->add_option("-o,--output", opts->out, "The run file to write")->required();
  sub->callback([opts, &ctx] {
    if ((ctx.exit_code = check_inputs_exist(opts->inputs))) return;
    if (opts->inputs.size() == 1 && serving::looks_like_log_path(opts->inputs.front())) {
      ctx.exit_code = import_log(opts->inputs.front(), opts->out);
      return;
    }
    auto run = load_for_cli(opts->inputs);
    if (!run) {
      ctx.exit_code = 1;
      return;
    }
    try {
      save_run(*run, opts->out);
    } catch (const std::exception& e) {
      std::cerr << "hotpath: " << e.what() << '\n';
      ctx.exit_code = 1;
      return;
    }
    std::cerr << "hotpath: wrote " << opts->out << " (" << run->slices.size() << " slices, "
              << run->tracks.size() << " tracks)\n";
  });
}

}  // namespace hp
