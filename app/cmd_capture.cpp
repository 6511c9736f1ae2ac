// `hotpath capture [-o RUN] [--duration S] [--start-after S] [--range nvtx:NAME] -- CMD ARGS...`:
// runs CMD with the CUPTI injection (capture/cupti/) and saves what its CUDA processes did as a run
// file (kernels, memcpys, memsets, syncs, runtime/driver calls, NVTX ranges), in the same tables as
// imported traces. Without a GPU driver it stops before starting CMD.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>

#include "app/commands.h"
#include "capture/cupti_capture.h"
#include "capture/gpu_probe.h"
#include "capture/gpu_sampler.h"
#include "core/capture/cupti_run.h"
#include "core/session/live_serving.h"
#include "core/store/run_file.h"
#include "core/store/serving_store.h"

namespace hp {

namespace {

std::atomic<bool> g_interrupted{false};
void on_sigint(int) {
  g_interrupted = true;
}

struct CaptureOpts {
  std::vector<std::string> command;
  std::string out = "capture.hotpath";
  double duration = 0, start_after = 0;
  std::string range;
  bool assume_gpu = false;  // test hook: skip the driver check (a stub program stands in for CUDA)
  bool no_gpu = false;      // no NVML tracks
};

// The NVML tracks and measurement meta sampled during the capture, into the run file beside the trace.
void store_gpu_context(const LiveServing& gpu, const std::string& out) {
  const ServingData d = gpu.copy();
  ServingWriter w(out);
  for (const auto& [k, v] : d.meta)
    if (k != "capture.live") w.set_meta(k, v);
  for (const auto& s : d.metrics) w.add_samples(s.key, s.samples, false, s.source);
  w.commit();
}

// Why capture cannot run on this machine or build, or "" when it can.
std::string capture_unavailable(const GpuProbe& gpu, const std::string& inject) {
  if (!gpu.driver_loaded)
    return fmt::format(
        "{}: capture needs an NVIDIA GPU and its driver ('hotpath doctor' checks this machine)", gpu.error);
  if (gpu.devices.empty()) return fmt::format("{}: nothing to capture on this machine", gpu.error);
  if (inject.empty()) return "this hotpath was built without CUPTI (no CUDA toolkit at build time)";
  if (std::error_code ec; !std::filesystem::exists(inject, ec))
    return fmt::format(
        "the injection library {} is missing (build the hotpath_inject target, or set "
        "HOTPATH_INJECT_LIBRARY)",
        inject);
  return "";
}

int run_capture_command(const CaptureOpts& o) {
  if (!o.range.empty() && (!o.range.starts_with("nvtx:") || o.range.size() == 5)) {
    std::cerr << "hotpath capture: --range " << o.range << ": expected nvtx:NAME\n";
    return 2;
  }
  const std::string inject = default_inject_library();
  GpuProbe gpu;
  if (o.assume_gpu)
    gpu.driver_loaded = true, gpu.devices = {"(assumed)"};
  else
    gpu = probe_gpu();
  if (std::string why = capture_unavailable(gpu, inject); !why.empty()) {
    std::cerr << "hotpath capture: " << why << '\n';
    return 1;
  }
  CaptureLaunch launch;
  launch.argv = o.command;
  launch.inject_library = inject;
  launch.cupti_library = default_cupti_library();
  launch.stop_after_s = o.duration > 0 ? o.start_after + o.duration : 0;
  launch.interrupted = &g_interrupted;
  g_interrupted = false;
  auto old_handler = std::signal(SIGINT, on_sigint);
  LiveServing gpu_tracks;  // NVML at 10 Hz while CMD runs (clocks, power, temperature, utilisation)
  std::unique_ptr<capture::GpuSampler> sampler;
  if (!o.no_gpu) {
    sampler = std::make_unique<capture::GpuSampler>(&gpu_tracks);
    if (!sampler->available()) std::cerr << "hotpath capture: " << sampler->note() << '\n';
    sampler->start();
  }
  CaptureOutcome got = run_capture(launch);
  if (sampler) sampler->stop();
  std::signal(SIGINT, old_handler);
  if (!got.error.empty()) {
    std::cerr << "hotpath capture: " << got.error << '\n';
    return 1;
  }
  for (const auto& s : got.streams)
    for (const auto& e : s.errors)
      std::cerr << "hotpath capture: " << s.source << ": CUPTI could not be set up: " << e.message << '\n';
  if (got.streams.empty()) {
    std::cerr << fmt::format(
        "hotpath capture: {} exited ({}) without initialising CUDA through the injection; "
        "nothing captured\n",
        o.command[0], got.exit_status);
    return 1;
  }
  cupti::CaptureOptions copt;
  copt.source_name = o.out;
  copt.window_begin = got.started_epoch_ns + static_cast<Ns>(o.start_after * 1e9);
  if (o.duration > 0) copt.window_end = copt.window_begin + static_cast<Ns>(o.duration * 1e9);
  if (!o.range.empty()) copt.nvtx_range = o.range.substr(5);
  cupti::CaptureCounts n;
  auto run = cupti::build_capture_run(got.streams, copt, &n);
  size_t shown = 0;
  for (const auto& e : run->log.entries())
    if (e.severity != Severity::Info && shown++ < 10) std::cerr << "hotpath capture: " << e.message << '\n';
  if (n.kernels + n.memcpys + n.memsets + n.api_calls == 0 && n.dropped == 0) {
    std::cerr
        << "hotpath capture: no CUDA activity captured (CUPTI could not be initialised, or CMD did no GPU "
           "work in the window)\n";
    return 1;
  }
  try {
    save_run(*run, o.out);
    if (sampler && sampler->readings()) store_gpu_context(gpu_tracks, o.out);
  } catch (const std::exception& e) {
    std::cerr << "hotpath capture: " << e.what() << '\n';
    return 1;
  }
  std::cerr << fmt::format(
      "hotpath: wrote {} ({} process{}, {} kernels ({} in CUDA graphs), {} memcpys, {} memsets, {} syncs, {} "
      "API "
      "calls, {} NVTX ranges, {} tracks; {} records lost in the target{}); {} exited with {}\n",
      o.out, n.processes, n.processes == 1 ? "" : "es", n.kernels, n.graph_kernels, n.memcpys, n.memsets,
      n.syncs, n.api_calls, n.nvtx_ranges, run->tracks.size(), n.dropped,
      n.outside ? fmt::format(", {} outside the window", n.outside) : "", o.command[0], got.exit_status);
  return 0;
}

}  // namespace

void add_capture_command(CLI::App& app, CliContext& ctx) {
  auto opts = std::make_shared<CaptureOpts>();
  CLI::App* sub = app.add_subcommand(
      "capture",
      "Run a CUDA program with CUPTI tracing and save its kernels, memcpys, API calls and NVTX ranges "
      "as a run file: hotpath capture [options] -- CMD ARGS...");
  sub->add_option("-o,--output", opts->out, "The run file to write (default capture.hotpath)");
  sub->add_option("--duration", opts->duration, "Stop CMD (SIGINT) after this many seconds of capture")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--start-after", opts->start_after, "Keep only activity from this many seconds after start")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--range", opts->range, "nvtx:NAME: keep only what happens inside NVTX ranges named NAME");
  sub->add_flag("--no-gpu", opts->no_gpu,
                "Do not sample the GPUs through NVML (clock, power, utilisation tracks)");
  sub->add_flag("--assume-gpu", opts->assume_gpu)->group("");  // test hook, hidden from --help
  sub->add_option("command", opts->command, "The program and its arguments, after --")->required();
  sub->callback([opts, &ctx] { ctx.exit_code = run_capture_command(*opts); });
}

}  // namespace hp
