#pragma once
// Source sites of kernels: kernel -> launching runtime/driver call (correlation) -> enclosing cpu_op
// (the launch's External id, else the nearest cpu_op around the launch) -> Python frames around the
// launch (python_function slices on the launch thread, innermost out) -> choose_source_site.
//
// Two-trace mode: sites come from a "mapping" trace (CUDA graphs off, so launches are visible) and
// are matched to the kernels of the timed "formal" trace by kernel name (match_sites).
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/model/run.h"

namespace hp {

struct SiteRecord {
  std::string site;    // chosen Python frame ("vllm/.../linear.py(234): apply"), "" when none
  std::string stack;   // up to 4 positive-score frames, outermost first, " -> "
  std::string cpu_op;  // enclosing cpu_op, else the launch call's name, "" when neither
};

struct KernelSites {
  std::vector<SiteRecord> records;   // distinct (site, cpu_op)
  std::vector<uint32_t> gpu_record;  // per GpuOps row, kNone when nothing is known
};

// parents: slice_parents(run).
KernelSites resolve_kernel_sites(const Run& run, const std::vector<uint32_t>& parents);

// The Python frames (slice ids, outermost first) that enclose `anchor` on its own thread and lane:
// its python_function ancestors; when it has none, those around `cpu_op`. Either may be kNone.
std::vector<uint32_t> python_frames(const Run& run, const std::vector<uint32_t>& parents, uint32_t anchor,
                                    uint32_t cpu_op);

// One slice's attribution, for the details pane and `hotpath details`: for a kernel, its launching
// call (kNone when the trace has none) and the frames around that call on its thread; for a CPU
// slice, the frames around itself. cpu_op as resolve_kernel_sites finds it.
struct SliceSite {
  uint32_t launch = kNone, cpu_op = kNone;
  std::vector<uint32_t> frames;  // outermost first
  std::string site;              // choose_source_site over frames
};
SliceSite slice_site(const Run& run, const std::vector<uint32_t>& parents, uint32_t slice);

// The sites of CPU slices themselves (graph launches, cpu_ops), in the order given.
std::vector<SiteRecord> sites_of_slices(const Run& run, const std::vector<uint32_t>& parents,
                                        const std::vector<uint32_t>& slices);

// Sites of one kernel name in a selection, by GPU time, descending (sites with a Python frame first).
struct SiteShare {
  std::string site, cpu_op, stack;
  Ns time = 0;
  uint64_t launches = 0;
  double share_pct = 0;  // of the kernel name's time in the selection
};
using SitesByName = std::unordered_map<std::string, std::vector<SiteShare>>;
using GpuRowFilter = std::function<bool(uint32_t gpu_row)>;

SitesByName sites_by_name(const Run& run, const KernelSites& sites, const GpuRowFilter& include = {});

// Looks a kernel name up: exact, then the same name with addresses and the parameter list dropped,
// then the longest stored name that is a prefix of it or that it is a prefix of (>= 32 chars).
struct SiteMatch {
  const std::vector<SiteShare>* sites = nullptr;
  const char* how = "none";  // "exact", "base-name", "prefix", "none"
};
SiteMatch match_sites(const SitesByName& map, std::string_view kernel_name);

// "void foo<int>(float*, int)" -> "void foo<int>"; 0x7f.. -> 0xADDR.
std::string kernel_base_name(std::string_view name);

}  // namespace hp
