#include "core/analysis/fusion_scan.h"

#include <algorithm>
#include <array>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace hp {
namespace {

// Between two steps: more blanks than any pattern's max_gap (<= 16), so no match spans them.
constexpr size_t kSeparator = 17;
constexpr std::string_view kBlank = "\x01";

}  // namespace

namespace {

// `dir` as a whole path component of a frame or file name ("…/site-packages/vllm/…", "vllm/…").
bool has_dir(std::string_view n, std::string_view dir) {
  for (size_t p = n.find(dir); p != n.npos; p = n.find(dir, p + 1))
    if (p == 0 || n[p - 1] == '/' || n[p - 1] == '\\' || n[p - 1] == ' ') return true;
  return false;
}

}  // namespace

// Only the framework's own markers count: its package in a Python frame's path, its operator
// namespace, SGLang's step marker. Anything else (a diffusion pipeline, a training loop) is "".
std::string detect_framework(const Run& run) {
  const Slices& s = run.slices;
  std::array<uint64_t, 3> py{}, other{};  // vllm, sglang, trtllm
  auto score = [](std::string_view n, std::array<uint64_t, 3>& v, uint64_t times) {
    if (has_dir(n, "sglang/") || n.find("sgl_kernel") != n.npos)
      v[1] += times;
    else if (has_dir(n, "vllm/") || n.substr(0, 6) == "vllm::")
      v[0] += times;
    else if (has_dir(n, "tensorrt_llm/") || n.substr(0, 8) == "trtllm::")
      v[2] += times;
  };
  // Count each name once per kind, then score the distinct names (millions of slices, few names).
  std::vector<uint64_t> py_names(run.strings.size()), cpu_names(run.strings.size());
  std::vector<bool> annotation(run.strings.size());
  for (uint32_t i = 0; i < s.size(); ++i) {
    SliceKind k = s.kind[i];
    if (k == SliceKind::PythonFunction) {
      ++py_names[s.name[i]];
    } else if (k == SliceKind::CpuOp || k == SliceKind::UserAnnotation) {
      ++cpu_names[s.name[i]];
      if (k == SliceKind::UserAnnotation) annotation[s.name[i]] = true;
    }
  }
  for (StrId id = 0; id < run.strings.size(); ++id) {
    std::string_view n = run.str(id);
    if (py_names[id]) score(n, py, py_names[id]);
    if (cpu_names[id]) score(n, other, cpu_names[id]);
    if (annotation[id] && n.substr(0, 5) == "step[") other[1] += 1000;  // SGLang's step marker
  }
  const auto& v = (py[0] + py[1] + py[2]) > 0 ? py : other;
  static constexpr std::array<const char*, 3> kNames{"vllm", "sglang", "trtllm"};
  size_t best = static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin());
  return v[best] > 0 ? kNames[best] : "";
}

std::string detect_model(const Run& run) {
  std::unordered_map<std::string_view, uint64_t> files;
  for (uint32_t k = 0; k < run.python.size(); ++k) {
    std::string_view n = run.str(run.slices.name[run.python.slice[k]]);
    // Only an engine's model directory names a model ("diffusers/models/resnet.py" is a module).
    if (n.find("model_executor/models/") == n.npos && n.find("srt/models/") == n.npos) continue;
    size_t m = n.find("/models/");
    size_t py = n.find(".py(");
    if (m == n.npos || py == n.npos || py < m) continue;
    std::string_view file = n.substr(m + 8, py - m - 8);
    if (file.find('/') != file.npos || file == "__init__" || file == "utils") continue;
    if (file.substr(0, 9) == "modeling_") file.remove_prefix(9);
    ++files[file];
  }
  std::string_view best;
  uint64_t most = 0;
  for (auto [f, c] : files)
    if (c > most || (c == most && f < best)) best = f, most = c;
  if (best.empty()) return "";
  std::string dashed(best);
  std::replace(dashed.begin(), dashed.end(), '_', '-');
  return std::string(best) + " " + dashed;
}

std::vector<FusionRow> fusion_scan(const Run& run, const FuseCatalog& catalog,
                                   const KernelCategorizer& categories, const StageAssignment& stages,
                                   const GpuRowFilter& include, const FuseContext& ctx) {
  const Slices& s = run.slices;
  const GpuOps& g = run.gpu;
  std::unordered_map<StrId, Ns> name_time;
  Ns total = 0;
  std::unordered_map<StrId, std::string_view> category;
  struct Acc {
    FuseStatus status = FuseStatus::Candidate;
    uint64_t occurrences = 0;
    std::unordered_set<StrId> confirmed, candidate;
  };
  std::map<std::string, Acc> acc;

  std::vector<std::string_view> names, cats;
  std::vector<StrId> ids;
  std::vector<uint32_t> rows;
  for (const Track& tr : run.tracks) {
    if (tr.kind != TrackKind::GpuStream) continue;
    auto b = std::lower_bound(g.slice.begin(), g.slice.end(), tr.slice_begin);
    auto e = std::lower_bound(b, g.slice.end(), tr.slice_end);
    rows.clear();
    for (auto it = b; it != e; ++it) {
      uint32_t row = static_cast<uint32_t>(it - g.slice.begin());
      if (s.kind[*it] == SliceKind::Kernel && (!include || include(row))) rows.push_back(row);
    }
    if (rows.empty()) continue;
    // Overflow lanes hold kernels too (PDL overlap): order the stream's kernels by start.
    std::stable_sort(rows.begin(), rows.end(),
                     [&](uint32_t a, uint32_t c) { return s.start[g.slice[a]] < s.start[g.slice[c]]; });
    names.clear(), cats.clear(), ids.clear();
    uint32_t step = rows.empty() ? kNone : stages.gpu_step[rows[0]];
    for (uint32_t row : rows) {
      uint32_t i = g.slice[row];
      StrId n = s.name[i];
      name_time[n] += s.dur[i];
      total += s.dur[i];
      if (stages.gpu_step[row] != step) {
        for (size_t k = 0; k < kSeparator; ++k) names.push_back(kBlank), cats.push_back(""), ids.push_back(0);
        step = stages.gpu_step[row];
      }
      auto [c, added] = category.try_emplace(n);
      if (added) c->second = categories.categorize(run.str(n));
      names.push_back(run.str(n));
      cats.push_back(c->second);
      ids.push_back(n);
    }
    for (const FuseDetection& d : catalog.detect(names, cats, ctx)) {
      Acc& a = acc[std::string(d.id)];
      if (d.status == FuseStatus::Confirmed) a.status = FuseStatus::Confirmed;
      a.occurrences += d.occurrences;
      auto& set = d.status == FuseStatus::Confirmed ? a.confirmed : a.candidate;
      for (uint32_t k : d.evidence) set.insert(ids[k]);
    }
  }

  std::vector<FusionRow> out;
  for (const auto& p : catalog.patterns()) {
    auto it = acc.find(p.id);
    if (it == acc.end()) continue;
    const Acc& a = it->second;
    FusionRow r;
    r.id = p.id;
    r.title = p.title;
    r.origin = p.origin;
    r.candidate = p.candidate;
    r.rationale = p.rationale;
    r.references = p.references;
    r.status = a.status;
    r.occurrences = a.occurrences;
    for (StrId n : a.status == FuseStatus::Confirmed ? a.confirmed : a.candidate) {
      FusionEvidence ev{std::string(run.str(n)), name_time[n], 0};
      ev.share_pct = total > 0 ? 100.0 * static_cast<double>(ev.time) / static_cast<double>(total) : 0;
      r.related_time += ev.time;
      r.evidence.push_back(std::move(ev));
    }
    std::sort(r.evidence.begin(), r.evidence.end(), [](const FusionEvidence& x, const FusionEvidence& y) {
      return x.time != y.time ? x.time > y.time : x.name < y.name;
    });
    r.share_pct = total > 0 ? 100.0 * static_cast<double>(r.related_time) / static_cast<double>(total) : 0;
    out.push_back(std::move(r));
  }
  std::stable_sort(out.begin(), out.end(), [](const FusionRow& x, const FusionRow& y) {
    if (x.status != y.status) return x.status == FuseStatus::Confirmed;
    return x.related_time > y.related_time;
  });
  return out;
}

}  // namespace hp
