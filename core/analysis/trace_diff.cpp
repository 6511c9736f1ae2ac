#include "core/analysis/trace_diff.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <unordered_map>

namespace hp {

double DiffRow::delta_pct() const {
  if (time_a == 0) return std::numeric_limits<double>::quiet_NaN();
  return 100.0 * static_cast<double>(delta()) / static_cast<double>(time_a);
}

namespace {

struct Side {
  uint64_t count = 0;
  Ns time = 0;
};

// Name -> (count, time) over the selected GPU ops of one Run; categories are filled per name.
std::map<std::string, Side> collect(const Run& run, const DiffOptions& opt,
                                    std::map<std::string, std::string>& category,
                                    const KernelCategorizer& categorizer) {
  std::unordered_map<StrId, Side> by_id;
  const Slices& s = run.slices;
  for (uint32_t op = 0; op < run.gpu.size(); ++op) {
    uint32_t i = run.gpu.slice[op];
    SliceKind k = s.kind[i];
    if (k != SliceKind::Kernel && k != SliceKind::Memcpy && k != SliceKind::Memset) continue;
    if (opt.stage_of && !opt.stage.empty() && opt.stage_of(run, i) != opt.stage) continue;
    Side& x = by_id[s.name[i]];
    ++x.count;
    x.time += s.dur[i];
  }
  std::map<std::string, Side> out;
  for (auto& [id, x] : by_id) {
    std::string name(run.str(id));
    out[name] = x;
    if (!category.count(name)) category[name] = std::string(categorizer.categorize(name));
  }
  return out;
}

void sort_rows(std::vector<DiffRow>& rows) {
  std::sort(rows.begin(), rows.end(), [](const DiffRow& x, const DiffRow& y) {
    Ns dx = std::llabs(x.delta()), dy = std::llabs(y.delta());
    return dx != dy ? dx > dy : x.key < y.key;
  });
}

}  // namespace

TraceDiff trace_diff(const Run& a, const Run& b, const KernelCategorizer& categorizer,
                     const DiffOptions& options) {
  TraceDiff d;
  d.stage = options.stage;
  std::map<std::string, std::string> category;
  auto na = collect(a, options, category, categorizer);
  auto nb = collect(b, options, category, categorizer);
  std::map<std::string, DiffRow> names, cats;
  for (auto& [name, x] : na) {
    DiffRow& r = names[name];
    r.count_a = x.count, r.time_a = x.time;
  }
  for (auto& [name, x] : nb) {
    DiffRow& r = names[name];
    r.count_b = x.count, r.time_b = x.time;
  }
  for (auto& [name, r] : names) {
    r.key = name;
    r.category = category[name];
    DiffRow& c = cats[r.category];
    c.key = r.category;
    c.count_a += r.count_a, c.count_b += r.count_b;
    c.time_a += r.time_a, c.time_b += r.time_b;
    d.count_a += r.count_a, d.count_b += r.count_b;
    d.time_a += r.time_a, d.time_b += r.time_b;
    if (r.count_a == 0) d.new_in_b.push_back(name);
    if (r.count_b == 0) d.gone_from_b.push_back(name);
    d.names.push_back(r);
  }
  for (auto& [k, c] : cats) d.categories.push_back(c);
  sort_rows(d.names);
  sort_rows(d.categories);
  return d;
}

}  // namespace hp
