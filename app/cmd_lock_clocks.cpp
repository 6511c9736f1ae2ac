// `hotpath lock-clocks [--gpu I] [--sm MHz] [--mem MHz] | --reset`: locks GPU clocks through NVML (loaded
// at run time) so that timings are reproducible, or restores the default policy. Fails fast, with NVML's
// reason, without a driver, without permission, or where the GPU does not support it.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "app/commands.h"
#include "capture/nvml.h"

namespace hp {

namespace {

struct LockOpts {
  int gpu = -1;  // all
  unsigned sm = 0, mem = 0;
  bool reset = false;
};

int run_lock_clocks(const LockOpts& o) {
  std::string err;
  auto nvml = capture::Nvml::open(&err);
  if (!nvml) {
    std::cerr << "hotpath: lock-clocks: " << err << '\n';
    return 1;
  }
  const unsigned n = nvml->device_count();
  if (n == 0 || (o.gpu >= 0 && static_cast<unsigned>(o.gpu) >= n)) {
    std::cerr << fmt::format("hotpath: lock-clocks: {} (NVML sees {} GPU(s))\n",
                             n ? fmt::format("no GPU {}", o.gpu) : "no GPU", n);
    return 1;
  }
  const unsigned first = o.gpu >= 0 ? static_cast<unsigned>(o.gpu) : 0, last = o.gpu >= 0 ? first + 1 : n;
  for (unsigned i = first; i < last; ++i) {
    bool ok = false;
    std::string what;
    if (o.reset) {
      ok = nvml->reset_clocks(i, &err);
      what = "clocks reset to the default policy";
    } else {
      const unsigned sm = o.sm ? o.sm : nvml->max_sm_clock(i);
      if (!sm) {
        std::cerr << fmt::format("hotpath: lock-clocks: GPU {} reports no maximum SM clock; pass --sm\n", i);
        return 1;
      }
      ok = nvml->lock_clocks(i, sm, o.mem, &err);
      what = fmt::format("SM clock locked at {} MHz", sm) +
             (o.mem ? fmt::format(", memory at {} MHz", o.mem) : "");
    }
    if (!ok) {
      const bool perm = err.find("code 4)") != std::string::npos;
      std::cerr << "hotpath: lock-clocks: " << err
                << (perm ? "; changing clocks needs root (run with sudo)" : "")
                << (err.find("code 3)") != std::string::npos ? "; this GPU does not support it" : "") << '\n';
      return 1;
    }
    std::cout << fmt::format("GPU {} ({}): {}\n", i, nvml->name(i), what);
  }
  return 0;
}

}  // namespace

void add_lock_clocks_command(CLI::App& app, CliContext& ctx) {
  auto o = std::make_shared<LockOpts>();
  CLI::App* sub = app.add_subcommand(
      "lock-clocks", "Lock GPU clocks through NVML for reproducible timings (--reset restores the default)");
  sub->add_option("--gpu", o->gpu, "GPU index (default: every GPU)");
  auto* sm = sub->add_option("--sm", o->sm, "SM clock in MHz (default: the GPU's maximum SM clock)");
  auto* mem = sub->add_option("--mem", o->mem, "Memory clock in MHz (default: left as is)");
  sub->add_flag("--reset", o->reset, "Restore the default clock policy")->excludes(sm)->excludes(mem);
  sub->callback([o, &ctx] { ctx.exit_code = run_lock_clocks(*o); });
}

}  // namespace hp
