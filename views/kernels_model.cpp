#include "views/kernels_model.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <unordered_set>

#include "core/analysis/intervals.h"

namespace hp {
namespace {

bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  return it != hay.end();
}

}  // namespace

std::vector<uint32_t> sort_filter_rows(const Run& run, const KernelTable& t, std::string_view filter,
                                       KernelColumn col, bool ascending) {
  std::vector<uint32_t> idx;
  for (uint32_t i = 0; i < t.rows.size(); ++i)
    if (icontains(run.str(t.rows[i].name), filter) || icontains(t.rows[i].category, filter)) idx.push_back(i);
  auto key_less = [&](const KernelRow& a, const KernelRow& b) {
    switch (col) {
      case KernelColumn::Name:
        return run.str(a.name) < run.str(b.name);
      case KernelColumn::Category:
        return a.category < b.category;
      case KernelColumn::Launches:
        return a.launches < b.launches;
      case KernelColumn::Avg:
        return a.avg < b.avg;
      case KernelColumn::P50:
        return a.p50 < b.p50;
      case KernelColumn::P99:
        return a.p99 < b.p99;
      case KernelColumn::ShareSum:
        return a.share_sum_pct < b.share_sum_pct;
      case KernelColumn::ShareBusy:
        return a.share_busy_pct < b.share_busy_pct;
      default:
        return a.gpu_time < b.gpu_time;
    }
  };
  std::stable_sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) {
    return ascending ? key_less(t.rows[a], t.rows[b]) : key_less(t.rows[b], t.rows[a]);
  });
  return idx;
}

KernelTotals shown_totals(const Run& run, const KernelTable& t, const std::vector<uint32_t>& rows,
                          const std::function<bool(uint32_t)>& include) {
  KernelTotals out;
  std::unordered_set<StrId> names;
  for (uint32_t r : rows) {
    const KernelRow& k = t.rows[r];
    out.launches += k.launches;
    out.gpu_time += k.gpu_time;
    names.insert(k.name);
  }
  out.kernels = names.size();
  if (rows.size() == t.rows.size()) {  // everything shown: the table's own busy time
    out.busy_time = t.busy_time;
    return out;
  }
  std::map<int32_t, std::vector<std::pair<Ns, Ns>>> by_device;
  const Slices& s = run.slices;
  for (size_t g = 0; g < run.gpu.size(); ++g) {
    const uint32_t i = run.gpu.slice[g];
    if (s.kind[i] != SliceKind::Kernel || !names.count(s.name[i]) || (include && !include(i))) continue;
    by_device[run.gpu.device[g]].emplace_back(s.start[i], s.end(i));
  }
  for (auto& [dev, iv] : by_device) out.busy_time += union_length(iv);
  return out;
}

}  // namespace hp
