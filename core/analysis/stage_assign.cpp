#include "core/analysis/stage_assign.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "core/analysis/cuda_graphs.h"

namespace hp {
namespace {

struct Marker {
  uint32_t slice;
  StepMarker m;
};

// Markers of one track (or device), sorted by (start, -dur), folded into steps.
void fold_steps(const Run& run, std::vector<Marker>& ms, uint32_t track, bool gpu,
                std::vector<EngineStep>& out) {
  const Slices& s = run.slices;
  std::stable_sort(ms.begin(), ms.end(), [&](const Marker& a, const Marker& b) {
    return s.start[a.slice] != s.start[b.slice] ? s.start[a.slice] < s.start[b.slice]
                                                : s.dur[a.slice] > s.dur[b.slice];
  });
  auto is_engine = [](const Marker& x) { return x.m.kind != MarkerKind::ProfilerStep; };
  bool any_engine = std::any_of(ms.begin(), ms.end(), is_engine);
  size_t first = out.size();
  for (const Marker& x : ms) {
    // ProfilerStep wraps engine steps when both exist; then only the engine markers count.
    if (any_engine && !is_engine(x)) continue;
    if (out.size() > first && s.start[x.slice] < out.back().end) {
      EngineStep& st = out.back();
      st.end = std::max(st.end, s.end(x.slice));
      ++st.markers;
      if (st.stage == Stage::Unknown) st.stage = x.m.stage, st.kind = x.m.kind;
      if (!st.batch) st.batch = x.m.batch_size;
      if (!st.tokens) st.tokens = x.m.tokens;
      continue;
    }
    EngineStep st;
    st.slice = x.slice;
    st.track = track;
    st.start = s.start[x.slice];
    st.end = s.end(x.slice);
    st.stage = x.m.stage;
    st.kind = x.m.kind;
    st.gpu = gpu;
    st.batch = x.m.batch_size;
    st.tokens = x.m.tokens;
    out.push_back(st);
  }
}

// Index of the step in [b, e) of `steps` (sorted by start, disjoint) that contains t, or kNone.
uint32_t find_step(const std::vector<EngineStep>& steps, uint32_t b, uint32_t e, Ns t) {
  auto it = std::upper_bound(steps.begin() + b, steps.begin() + e, t,
                             [](Ns v, const EngineStep& st) { return v < st.start; });
  if (it == steps.begin() + b) return kNone;
  --it;
  return t < it->end ? static_cast<uint32_t>(it - steps.begin()) : kNone;
}

}  // namespace

const char* to_string(StageMethod m) {
  switch (m) {
    case StageMethod::CpuStep:
      return "cpu_step";
    case StageMethod::GpuWindow:
      return "gpu_window";
    case StageMethod::Source:
      return "source";
    default:
      return "unassigned";
  }
}

Stage source_stage(const TraceSource& src) {
  if (src.stage == "prefill") return Stage::Prefill;
  if (src.stage == "extend") return Stage::Extend;
  if (src.stage == "decode") return Stage::Decode;
  if (src.stage == "mixed") return Stage::Mixed;
  return stage_from_path(src.path);
}

StageAssignment assign_stages(const Run& run) {
  const Slices& s = run.slices;
  StageAssignment out;

  // Parse each distinct annotation name once.
  std::unordered_map<StrId, std::optional<StepMarker>> parsed;
  auto marker = [&](uint32_t i) -> const std::optional<StepMarker>& {
    auto [it, added] = parsed.try_emplace(s.name[i]);
    if (added) {
      it->second = parse_step_marker(run.str(s.name[i]));
      if (it->second && it->second->kind == MarkerKind::VllmGraphCapture) it->second.reset();
    }
    return it->second;
  };

  // CPU steps per track.
  std::unordered_map<uint32_t, std::pair<uint32_t, uint32_t>> cpu_range;
  std::vector<Marker> ms;
  for (uint32_t t = 0; t < run.tracks.size(); ++t) {
    const Track& tr = run.tracks[t];
    if (tr.kind == TrackKind::GpuStream) continue;
    ms.clear();
    for (uint32_t i = tr.slice_begin; i < tr.slice_end; ++i)
      if (s.kind[i] == SliceKind::UserAnnotation || s.kind[i] == SliceKind::Nvtx)
        if (const auto& m = marker(i)) ms.push_back({i, *m});
    if (ms.empty()) continue;
    uint32_t b = static_cast<uint32_t>(out.steps.size());
    fold_steps(run, ms, t, false, out.steps);
    cpu_range[t] = {b, static_cast<uint32_t>(out.steps.size())};
  }
  // GPU windows per (rank, device).
  std::map<std::pair<uint32_t, int32_t>, std::vector<Marker>> by_device;
  std::map<std::pair<uint32_t, int32_t>, uint32_t> device_track;
  for (uint32_t t = 0; t < run.tracks.size(); ++t) {
    const Track& tr = run.tracks[t];
    if (tr.kind != TrackKind::GpuStream) continue;
    for (uint32_t i = tr.slice_begin; i < tr.slice_end; ++i)
      if (s.kind[i] == SliceKind::GpuAnnotation || s.kind[i] == SliceKind::Nvtx)
        if (const auto& m = marker(i)) {
          by_device[{tr.rank, tr.device}].push_back({i, *m});
          device_track.try_emplace({tr.rank, tr.device}, t);
        }
  }
  std::map<std::pair<uint32_t, int32_t>, std::pair<uint32_t, uint32_t>> gpu_range;
  for (auto& [dev, list] : by_device) {
    uint32_t b = static_cast<uint32_t>(out.steps.size());
    fold_steps(run, list, device_track[dev], true, out.steps);
    gpu_range[dev] = {b, static_cast<uint32_t>(out.steps.size())};
  }

  // Source stage per rank (Unknown when sources of one rank disagree).
  std::unordered_map<uint32_t, Stage> rank_stage;
  for (const auto& src : run.sources) {
    Stage st = source_stage(src);
    auto [it, added] = rank_stage.try_emplace(src.rank, st);
    if (!added && it->second != st) it->second = Stage::Unknown;
  }

  const GpuOps& g = run.gpu;
  out.gpu_stage.assign(g.size(), Stage::Unknown);
  out.gpu_method.assign(g.size(), StageMethod::Unassigned);
  out.gpu_step.assign(g.size(), kNone);
  std::unordered_map<StrId, bool> graph_name;
  for (uint32_t r = 0; r < g.size(); ++r) {
    uint32_t i = g.slice[r];
    const Track& tr = run.tracks[s.track[i]];
    uint32_t launch = g.launch_slice[r];
    uint32_t cpu = kNone, win = kNone;
    bool graph = false;
    if (launch != kNone) {
      auto [it, added] = graph_name.try_emplace(s.name[launch]);
      if (added) it->second = is_graph_launch_name(run.str(s.name[launch]));
      graph = it->second;
      if (auto c = cpu_range.find(s.track[launch]); c != cpu_range.end())
        cpu = find_step(out.steps, c->second.first, c->second.second, s.start[launch]);
    }
    int32_t device = g.device[r] >= 0 ? g.device[r] : tr.device;
    if (auto w = gpu_range.find({tr.rank, device}); w != gpu_range.end())
      win = find_step(out.steps, w->second.first, w->second.second, s.start[i]);
    std::array<std::pair<uint32_t, StageMethod>, 2> order{
        {{cpu, StageMethod::CpuStep}, {win, StageMethod::GpuWindow}}};
    if (graph) std::swap(order[0], order[1]);
    for (auto [step, method] : order) {
      if (step == kNone) continue;
      if (out.gpu_step[r] == kNone) out.gpu_step[r] = step;
      if (out.steps[step].stage != Stage::Unknown) {
        out.gpu_stage[r] = out.steps[step].stage;
        out.gpu_method[r] = method;
        out.gpu_step[r] = step;
        break;
      }
    }
    if (out.gpu_method[r] == StageMethod::Unassigned) {
      auto it = rank_stage.find(tr.rank);
      if (it != rank_stage.end() && it->second != Stage::Unknown) {
        out.gpu_stage[r] = it->second;
        out.gpu_method[r] = StageMethod::Source;
      }
    }
    if (s.kind[i] == SliceKind::Kernel) ++out.kernels_by[static_cast<size_t>(out.gpu_method[r])];
  }
  return out;
}

}  // namespace hp
