#include "core/analysis/kernel_table.h"

#include "core/util/percentile.h"

#include <algorithm>

#include <cmath>
#include <map>
#include <unordered_map>
#include "core/analysis/intervals.h"

namespace hp {
namespace {}  // namespace

KernelTable kernel_table(const Run& run, const SliceFilter& include, const CategoryFn& categorize,
                         const AnnotationCategories* overrides) {
  KernelTable t;
  const Slices& s = run.slices;
  const GpuOps& g = run.gpu;
  const bool forced_any = overrides && !overrides->forced.empty();
  // The name rules' category per name (node-based map: the strings stay where they are).
  std::unordered_map<StrId, std::string> by_rules;
  auto rules_category = [&](StrId name) -> std::string_view {
    auto [it, added] = by_rules.try_emplace(name);
    if (added && categorize) it->second = categorize(run.str(name));
    return it->second;
  };
  // Durations and forced launches per (name, category).
  struct Acc {
    std::vector<Ns> durs;
    uint64_t forced = 0;
  };
  std::map<std::pair<StrId, std::string_view>, Acc> acc;
  std::map<std::pair<uint32_t, int32_t>, std::vector<std::pair<Ns, Ns>>> by_device;  // (rank, device)
  uint32_t row = 0;  // Run::gpu is sorted by slice: a cursor finds each kernel's row
  for (uint32_t i = 0; i < s.size(); ++i) {
    if (s.kind[i] != SliceKind::Kernel || (include && !include(i))) continue;
    std::string_view forced;
    if (forced_any) {
      while (row < g.size() && g.slice[row] < i) ++row;
      if (row < g.size() && g.slice[row] == i) forced = overrides->of(row);
    }
    Acc& a = acc[{s.name[i], forced.empty() ? rules_category(s.name[i]) : forced}];
    a.durs.push_back(s.dur[i]);
    a.forced += !forced.empty();
    const Track& tr = run.tracks[s.track[i]];
    by_device[{tr.rank, tr.device >= 0 ? tr.device : static_cast<int32_t>(tr.pid)}].emplace_back(s.start[i],
                                                                                                 s.end(i));
    t.gpu_time += s.dur[i];
    ++t.launches;
  }
  for (auto& [dev, iv] : by_device) t.busy_time += union_length(iv);
  std::map<std::string, CategoryRow> cats;
  for (auto& [key, a] : acc) {
    std::vector<Ns>& v = a.durs;
    std::sort(v.begin(), v.end());
    KernelRow r;
    r.name = key.first;
    r.category = std::string(key.second);
    r.forced_launches = a.forced;
    for (Ns d : v) r.gpu_time += d;
    r.launches = v.size();
    r.avg = r.gpu_time / static_cast<Ns>(v.size());
    r.p50 = percentile_sorted(std::span<const Ns>(v), 0.5);
    r.p99 = percentile_sorted(std::span<const Ns>(v), 0.99);
    r.min = v.front();
    r.max = v.back();
    r.share_sum_pct = percent(r.gpu_time, t.gpu_time);
    r.share_busy_pct = percent(r.gpu_time, t.busy_time);
    CategoryRow& c = cats[r.category];
    c.category = r.category;
    c.gpu_time += r.gpu_time;
    c.launches += r.launches;
    ++c.kernels;
    t.rows.push_back(std::move(r));
  }
  std::sort(t.rows.begin(), t.rows.end(), [&](const KernelRow& a, const KernelRow& b) {
    if (a.gpu_time != b.gpu_time) return a.gpu_time > b.gpu_time;
    if (a.name != b.name) return run.str(a.name) < run.str(b.name);
    return a.category < b.category;
  });
  for (auto& [name, c] : cats) {
    c.share_sum_pct = percent(c.gpu_time, t.gpu_time);
    c.share_busy_pct = percent(c.gpu_time, t.busy_time);
    t.categories.push_back(c);
  }
  std::sort(t.categories.begin(), t.categories.end(),
            [](const CategoryRow& a, const CategoryRow& b) { return a.gpu_time > b.gpu_time; });
  return t;
}

std::vector<uint32_t> kernel_occurrences(const Run& run, StrId name) {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < run.slices.size(); ++i)
    if (run.slices.name[i] == name && run.slices.kind[i] == SliceKind::Kernel) out.push_back(i);
  return out;
}

}  // namespace hp
