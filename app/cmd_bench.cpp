// `hotpath bench`: compares implementations of silu_and_mul, fused_add_rms_norm and rotary_embedding (vLLM
// custom op, torch.compile, eager) through the bundled Python harness assets/bench/bench_ops.py, which times
// them with CUDA events and writes JSON. Needs python3 ($HOTPATH_PYTHON) with PyTorch and a CUDA GPU; without
// them the harness says so and the command exits 1.
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/commands.h"
#include "core/util/assets.h"

extern char** environ;

namespace hp {

namespace {

struct BenchOpts {
  std::string ops = "silu_and_mul,fused_add_rms_norm,rotary_embedding", shapes = "64x4096,256x4096",
              dtype = "bf16", output = "bench.json";
  int warmup = 20, iters = 200, repeats = 5;
  bool cuda_graph = false;
};

int run_bench(const BenchOpts& o) {
  const std::filesystem::path harness = assets_dir() / "bench" / "bench_ops.py";
  std::error_code ec;
  if (!std::filesystem::exists(harness, ec)) {
    std::cerr << "hotpath: bench: the harness " << harness.string() << " is missing\n";
    return 1;
  }
  const char* env = std::getenv("HOTPATH_PYTHON");
  const std::string python = env && *env ? env : "python3";
  std::vector<std::string> args = {python,      harness.string(),
                                   "--ops",     o.ops,
                                   "--shapes",  o.shapes,
                                   "--dtype",   o.dtype,
                                   "--warmup",  std::to_string(o.warmup),
                                   "--iters",   std::to_string(o.iters),
                                   "--repeats", std::to_string(o.repeats),
                                   "--out",     o.output};
  if (o.cuda_graph) args.push_back("--cuda-graph");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (int rc = posix_spawnp(&pid, python.c_str(), nullptr, nullptr, argv.data(), environ); rc != 0) {
    std::cerr << fmt::format(
        "hotpath: bench: cannot run {} ({}); bench needs python3 with PyTorch and a GPU\n", python,
        std::strerror(rc));
    return 1;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  if (code == 0 && o.output != "-") std::cerr << "hotpath: bench: wrote " << o.output << '\n';
  return code == 2 ? 2 : (code ? 1 : 0);
}

}  // namespace

void add_bench_command(CLI::App& app, CliContext& ctx) {
  auto o = std::make_shared<BenchOpts>();
  CLI::App* sub = app.add_subcommand(
      "bench",
      "Time silu_and_mul, fused_add_rms_norm and rotary_embedding (vLLM op, torch.compile, eager) with CUDA "
      "events; needs PyTorch and a GPU");
  sub->add_option("--ops", o->ops, "Comma-separated operations")->capture_default_str();
  sub->add_option("--shapes", o->shapes, "Comma-separated ROWSxCOLS")->capture_default_str();
  sub->add_option("--dtype", o->dtype, "bf16, fp16 or fp32")
      ->check(CLI::IsMember({"bf16", "fp16", "fp32"}))
      ->capture_default_str();
  sub->add_option("--warmup", o->warmup, "Calls before timing")->capture_default_str();
  sub->add_option("--iters", o->iters, "Calls per timed repeat")->capture_default_str();
  sub->add_option("--repeats", o->repeats, "Timed repeats (their spread gives the CV)")
      ->capture_default_str();
  sub->add_flag("--cuda-graph", o->cuda_graph, "Time CUDA-graph replay of each call");
  sub->add_option("-o,--output", o->output, "JSON file to write ('-' for stdout)")->capture_default_str();
  sub->callback([o, &ctx] { ctx.exit_code = run_bench(*o); });
}

}  // namespace hp
