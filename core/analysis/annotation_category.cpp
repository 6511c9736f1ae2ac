#include "core/analysis/annotation_category.h"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>

#include "core/analysis/cuda_graphs.h"

namespace hp {
namespace {

bool cpu_annotation(SliceKind k) {
  return k == SliceKind::UserAnnotation || k == SliceKind::Nvtx;
}
bool gpu_annotation(SliceKind k) {
  return k == SliceKind::GpuAnnotation || k == SliceKind::Nvtx;
}

struct Window {
  Ns start, end;
  uint32_t slice;
};

// Windows of one device sorted by (start, -length), with the running maximum of their ends.
struct DeviceWindows {
  std::vector<Window> w;
  std::vector<Ns> max_end;

  void finish() {
    std::sort(w.begin(), w.end(), [](const Window& a, const Window& b) {
      return a.start != b.start ? a.start < b.start : a.end > b.end;
    });
    max_end.resize(w.size());
    Ns m = 0;
    for (size_t i = 0; i < w.size(); ++i) max_end[i] = m = i ? std::max(m, w[i].end) : w[i].end;
  }
  // The innermost window containing t (the latest start; among equal starts the shortest).
  uint32_t find(Ns t) const {
    auto it = std::upper_bound(w.begin(), w.end(), t, [](Ns v, const Window& x) { return v < x.start; });
    for (size_t j = static_cast<size_t>(it - w.begin()); j-- > 0 && max_end[j] > t;)
      if (w[j].end > t) return w[j].slice;
    return kNone;
  }
};

}  // namespace

AnnotationCategories annotation_categories(const Run& run, const KernelCategorizer& categorizer,
                                           const std::vector<uint32_t>& parents) {
  AnnotationCategories out;
  const Slices& s = run.slices;
  const GpuOps& g = run.gpu;

  // The category each annotation name forces, asked once per distinct name.
  std::unordered_map<StrId, std::optional<std::string_view>> by_name;
  auto forced_by = [&](uint32_t slice) -> std::optional<std::string_view> {
    auto [it, added] = by_name.try_emplace(s.name[slice]);
    if (added) it->second = categorizer.category_from_annotation(run.str(s.name[slice]));
    return it->second;
  };

  // Annotation slices that force a category: a flag per slice (CPU side), windows per device (GPU).
  std::vector<uint8_t> forcing;
  std::map<std::pair<uint32_t, int32_t>, DeviceWindows> windows;
  for (const Track& tr : run.tracks) {
    const bool gpu = tr.kind == TrackKind::GpuStream;
    for (uint32_t i = tr.slice_begin; i < tr.slice_end; ++i) {
      if (!(gpu ? gpu_annotation(s.kind[i]) : cpu_annotation(s.kind[i])) || !forced_by(i)) continue;
      ++out.annotations;
      if (gpu) {
        windows[{tr.rank, tr.device}].w.push_back({s.start[i], s.end(i), i});
      } else {
        if (forcing.empty()) forcing.assign(s.size(), 0);
        forcing[i] = 1;
      }
    }
  }
  if (out.annotations == 0) return out;
  for (auto& [dev, dw] : windows) dw.finish();

  out.forced.assign(g.size(), std::string_view());
  out.annotation.assign(g.size(), kNone);
  std::unordered_map<StrId, bool> graph_launch;
  std::unordered_map<StrId, std::string_view> rule_category;
  for (uint32_t r = 0; r < g.size(); ++r) {
    const uint32_t i = g.slice[r];
    if (s.kind[i] != SliceKind::Kernel) continue;
    uint32_t cpu = kNone, win = kNone;
    bool graph = false;
    if (const uint32_t launch = g.launch_slice[r]; launch != kNone) {
      auto [it, added] = graph_launch.try_emplace(s.name[launch]);
      if (added) it->second = is_graph_launch_name(run.str(s.name[launch]));
      graph = it->second;
      if (!forcing.empty())
        for (uint32_t p = parents[launch]; p != kNone; p = parents[p])
          if (forcing[p]) {
            cpu = p;
            break;
          }
    }
    if (!windows.empty()) {
      const Track& tr = run.tracks[s.track[i]];
      const int32_t device = g.device[r] >= 0 ? g.device[r] : tr.device;
      if (auto w = windows.find({tr.rank, device}); w != windows.end()) win = w->second.find(s.start[i]);
    }
    uint32_t first = graph ? win : cpu, second = graph ? cpu : win;
    uint32_t a = first != kNone ? first : second;
    if (a == kNone) continue;
    out.forced[r] = *forced_by(a);
    out.annotation[r] = a;
    ++out.kernels;
    ++(run.tracks[s.track[a]].kind == TrackKind::GpuStream ? out.from_gpu : out.from_cpu);
    auto [rc, added] = rule_category.try_emplace(s.name[i]);
    if (added) rc->second = categorizer.categorize(run.str(s.name[i]));
    if (rc->second != out.forced[r]) ++out.changed;
  }
  return out;
}

}  // namespace hp
