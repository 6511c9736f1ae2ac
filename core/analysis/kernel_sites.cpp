#include "core/analysis/kernel_sites.h"

#include <algorithm>

#include <re2/re2.h>

#include "core/analysis/python_site.h"

namespace hp {
namespace {

struct PairHash {
  size_t operator()(const std::pair<uint32_t, int64_t>& k) const {
    return std::hash<int64_t>()(k.second) * 31 + k.first;
  }
};
using ExternalMap = std::unordered_map<std::pair<uint32_t, int64_t>, uint32_t, PairHash>;

ExternalMap cpu_ops_by_external_id(const Run& run) {
  const Slices& s = run.slices;
  ExternalMap m;
  for (uint32_t i = 0; i < s.size(); ++i)
    if (s.kind[i] == SliceKind::CpuOp && s.external_id[i] != 0)
      m.try_emplace({run.tracks[s.track[i]].rank, s.external_id[i]}, i);
  return m;
}

uint32_t nearest_ancestor(const Run& run, const std::vector<uint32_t>& parents, uint32_t i, SliceKind kind) {
  for (uint32_t p = parents[i]; p != kNone; p = parents[p])
    if (run.slices.kind[p] == kind) return p;
  return kNone;
}

// Site and stack from the Python frames starting at the innermost frame `py`.
void python_site(const Run& run, const std::vector<uint32_t>& parents, uint32_t py, SiteRecord& rec) {
  std::vector<std::string_view> frames;
  for (uint32_t p = py; p != kNone; p = parents[p])
    if (run.slices.kind[p] == SliceKind::PythonFunction) frames.push_back(run.str(run.slices.name[p]));
  std::reverse(frames.begin(), frames.end());  // outermost first
  SourceSite site = choose_source_site(frames);
  if (site.frame >= 0) rec.site = std::string(frames[static_cast<size_t>(site.frame)]);
  rec.stack = site_stack(frames);
}

class Resolver {
 public:
  Resolver(const Run& run, const std::vector<uint32_t>& parents)
      : run_(run), parents_(parents), ext_(cpu_ops_by_external_id(run)) {}

  // The cpu_op of a launch: by External id on the same rank, else the nearest enclosing one.
  uint32_t cpu_op_of(uint32_t slice) const {
    const Slices& s = run_.slices;
    if (s.kind[slice] == SliceKind::CpuOp) return slice;
    if (s.external_id[slice] != 0) {
      auto it = ext_.find({run_.tracks[s.track[slice]].rank, s.external_id[slice]});
      if (it != ext_.end()) return it->second;
    }
    return nearest_ancestor(run_, parents_, slice, SliceKind::CpuOp);
  }

  SiteRecord record(uint32_t anchor, uint32_t cpu_op) {
    SiteRecord rec;
    const Slices& s = run_.slices;
    rec.cpu_op = std::string(run_.str(s.name[cpu_op != kNone ? cpu_op : anchor]));
    uint32_t py = s.kind[anchor] == SliceKind::PythonFunction
                      ? anchor
                      : nearest_ancestor(run_, parents_, anchor, SliceKind::PythonFunction);
    if (py == kNone && cpu_op != kNone)
      py = nearest_ancestor(run_, parents_, cpu_op, SliceKind::PythonFunction);
    if (py != kNone) {
      auto [it, added] = py_memo_.try_emplace(py);
      if (added) {
        // The site depends only on the frames' names: score each distinct chain once (a long
        // trace repeats the same few chains across millions of frames).
        std::string chain;
        for (uint32_t p = py; p != kNone; p = parents_[p])
          if (s.kind[p] == SliceKind::PythonFunction) {
            StrId n = s.name[p];
            chain.append(reinterpret_cast<const char*>(&n), sizeof(n));
          }
        auto [c, fresh] = chain_memo_.try_emplace(std::move(chain));
        if (fresh) python_site(run_, parents_, py, c->second);
        it->second = c->second;
      }
      rec.site = it->second.site;
      rec.stack = it->second.stack;
    }
    return rec;
  }

 private:
  const Run& run_;
  const std::vector<uint32_t>& parents_;
  ExternalMap ext_;
  std::unordered_map<uint32_t, SiteRecord> py_memo_;
  std::unordered_map<std::string, SiteRecord> chain_memo_;  // frame-name chain -> site
};

}  // namespace

std::vector<uint32_t> python_frames(const Run& run, const std::vector<uint32_t>& parents, uint32_t anchor,
                                    uint32_t cpu_op) {
  std::vector<uint32_t> frames;
  auto collect = [&](uint32_t from) {
    for (uint32_t p = from; p != kNone; p = parents[p])
      if (run.slices.kind[p] == SliceKind::PythonFunction) frames.push_back(p);
  };
  if (anchor != kNone) collect(anchor);
  if (frames.empty() && cpu_op != kNone) collect(cpu_op);
  std::reverse(frames.begin(), frames.end());
  return frames;
}

SliceSite slice_site(const Run& run, const std::vector<uint32_t>& parents, uint32_t slice) {
  SliceSite out;
  if (slice >= run.slices.size()) return out;
  const Slices& s = run.slices;
  uint32_t anchor = slice;
  auto g = std::lower_bound(run.gpu.slice.begin(), run.gpu.slice.end(), slice);
  if (g != run.gpu.slice.end() && *g == slice) {
    out.launch = anchor = run.gpu.launch_slice[static_cast<size_t>(g - run.gpu.slice.begin())];
    if (anchor == kNone && s.external_id[slice] == 0) return out;
  }
  // The cpu_op: by External id on the same rank (one scan: this is for one selection), else around.
  const uint32_t key = anchor != kNone ? anchor : slice;
  if (s.kind[key] == SliceKind::CpuOp) {
    out.cpu_op = key;
  } else if (s.external_id[key] != 0) {
    const uint32_t rank = run.tracks[s.track[key]].rank;
    for (uint32_t i = 0; i < s.size() && out.cpu_op == kNone; ++i)
      if (s.kind[i] == SliceKind::CpuOp && s.external_id[i] == s.external_id[key] &&
          run.tracks[s.track[i]].rank == rank)
        out.cpu_op = i;
  }
  if (out.cpu_op == kNone) out.cpu_op = nearest_ancestor(run, parents, key, SliceKind::CpuOp);
  if (anchor == kNone) anchor = out.cpu_op;  // a kernel known only by its External id
  out.frames = python_frames(run, parents, anchor, out.cpu_op);
  std::vector<std::string_view> names;
  for (uint32_t f : out.frames) names.push_back(run.str(s.name[f]));
  SourceSite site = choose_source_site(names);
  if (site.frame >= 0) out.site = std::string(names[static_cast<size_t>(site.frame)]);
  return out;
}

std::vector<SiteRecord> sites_of_slices(const Run& run, const std::vector<uint32_t>& parents,
                                        const std::vector<uint32_t>& slices) {
  Resolver r(run, parents);
  std::vector<SiteRecord> out;
  out.reserve(slices.size());
  for (uint32_t i : slices) out.push_back(r.record(i, r.cpu_op_of(i)));
  return out;
}

KernelSites resolve_kernel_sites(const Run& run, const std::vector<uint32_t>& parents) {
  KernelSites out;
  Resolver r(run, parents);
  const GpuOps& g = run.gpu;
  const Slices& s = run.slices;
  out.gpu_record.assign(g.size(), kNone);
  std::unordered_map<std::string, uint32_t> ids;
  std::unordered_map<uint64_t, uint32_t> by_anchor;  // (anchor, cpu_op) -> record
  for (uint32_t row = 0; row < g.size(); ++row) {
    uint32_t anchor = g.launch_slice[row], cpu = kNone;
    if (anchor != kNone) {
      cpu = r.cpu_op_of(anchor);
    } else if (s.external_id[g.slice[row]] != 0) {
      cpu = r.cpu_op_of(g.slice[row]);  // by the kernel's own External id
      anchor = cpu;
    }
    if (anchor == kNone) continue;
    uint64_t key = (static_cast<uint64_t>(anchor) << 32) | cpu;
    auto [hit, added] = by_anchor.try_emplace(key, 0);
    if (added) {
      SiteRecord rec = r.record(anchor, cpu);
      // The stack is part of the key: launches with one site and cpu_op can come from different
      // call paths, and each kernel must show its own.
      std::string k = rec.site + '\x1f' + rec.cpu_op + '\x1f' + rec.stack;
      auto [it, fresh] = ids.try_emplace(k, static_cast<uint32_t>(out.records.size()));
      if (fresh) out.records.push_back(std::move(rec));
      hit->second = it->second;
    }
    out.gpu_record[row] = hit->second;
  }
  return out;
}

SitesByName sites_by_name(const Run& run, const KernelSites& sites, const GpuRowFilter& include) {
  const GpuOps& g = run.gpu;
  const Slices& s = run.slices;
  // Per name, one share per (site, cpu_op): records that differ only in their stack add up.
  std::unordered_map<StrId, std::unordered_map<std::string, SiteShare>> acc;
  for (uint32_t row = 0; row < g.size(); ++row) {
    uint32_t i = g.slice[row];
    if (s.kind[i] != SliceKind::Kernel || (include && !include(row))) continue;
    uint32_t rec = sites.gpu_record[row];
    std::string key =
        rec == kNone ? std::string("\x1e") : sites.records[rec].site + '\x1f' + sites.records[rec].cpu_op;
    SiteShare& sh = acc[s.name[i]][key];
    if (sh.launches == 0 && rec != kNone) {
      sh.site = sites.records[rec].site;
      sh.cpu_op = sites.records[rec].cpu_op;
      sh.stack = sites.records[rec].stack;
    }
    sh.time += s.dur[i];
    ++sh.launches;
  }
  SitesByName out;
  for (auto& [name, m] : acc) {
    auto& v = out[std::string(run.str(name))];
    Ns total = 0;
    uint64_t launches = 0;
    for (auto& [key, sh] : m) total += sh.time, launches += sh.launches, v.push_back(std::move(sh));
    for (auto& sh : v)  // zero-duration kernels: share by launches
      sh.share_pct = total > 0 ? 100.0 * static_cast<double>(sh.time) / static_cast<double>(total)
                               : 100.0 * static_cast<double>(sh.launches) / static_cast<double>(launches);
    std::sort(v.begin(), v.end(), [](const SiteShare& a, const SiteShare& b) {
      if (a.site.empty() != b.site.empty()) return b.site.empty();
      if (a.time != b.time) return a.time > b.time;
      if (a.launches != b.launches) return a.launches > b.launches;
      return std::tie(a.site, a.cpu_op) < std::tie(b.site, b.cpu_op);
    });
  }
  return out;
}

std::string kernel_base_name(std::string_view name) {
  static const re2::RE2 addr("0x[0-9a-fA-F]+");
  std::string out(name);
  re2::RE2::GlobalReplace(&out, addr, "0xADDR");
  // Drop a trailing balanced "(...)" parameter list.
  if (!out.empty() && out.back() == ')') {
    int depth = 0;
    for (size_t i = out.size(); i-- > 0;) {
      if (out[i] == ')') ++depth;
      if (out[i] == '(' && --depth == 0) {
        if (i > 0) out.resize(i);
        break;
      }
    }
  }
  return out;
}

SiteMatch match_sites(const SitesByName& map, std::string_view kernel_name) {
  if (auto it = map.find(std::string(kernel_name)); it != map.end()) return {&it->second, "exact"};
  std::string base = kernel_base_name(kernel_name);
  const std::vector<SiteShare>* best = nullptr;
  size_t best_len = 0;
  for (const auto& [name, v] : map)
    if (kernel_base_name(name) == base) return {&v, "base-name"};
  for (const auto& [name, v] : map) {
    size_t n = std::min(name.size(), kernel_name.size());
    if (n < 32 || n <= best_len) continue;
    if (name.compare(0, n, kernel_name.substr(0, n)) == 0) best = &v, best_len = n;
  }
  if (best) return {best, "prefix"};
  return {};
}

}  // namespace hp
