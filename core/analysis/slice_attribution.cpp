#include "core/analysis/slice_attribution.h"

#include <algorithm>

#include "core/analysis/kernel_sites.h"

namespace hp {

SliceAttribution slice_attribution(const Run& run, const std::vector<uint32_t>& parents,
                                   const StageAssignment* stages, uint32_t slice) {
  SliceAttribution out;
  if (slice >= run.slices.size()) return out;
  const SliceSite site = slice_site(run, parents, slice);
  out.launch = site.launch;
  out.site = site.site;
  if (site.cpu_op != kNone) out.cpu_op = std::string(run.str(run.slices.name[site.cpu_op]));
  for (uint32_t f : site.frames) out.python_stack.emplace_back(run.str(run.slices.name[f]));
  auto g = std::lower_bound(run.gpu.slice.begin(), run.gpu.slice.end(), slice);
  if (stages && g != run.gpu.slice.end() && *g == slice) {
    const auto row = static_cast<size_t>(g - run.gpu.slice.begin());
    if (row < stages->gpu_stage.size() && stages->gpu_stage[row] != Stage::Unknown)
      out.stage = to_string(stages->gpu_stage[row]);
  }
  return out;
}

uint32_t find_slice_by_name(const Run& run, std::string_view name, size_t nth, size_t* matches) {
  const Slices& s = run.slices;
  std::vector<uint32_t> hits;
  for (uint32_t i = 0; i < s.size(); ++i)
    if (run.str(s.name[i]) == name) hits.push_back(i);
  if (hits.empty())
    for (uint32_t i = 0; i < s.size(); ++i)
      if (run.str(s.name[i]).find(name) != std::string_view::npos) hits.push_back(i);
  std::stable_sort(hits.begin(), hits.end(), [&](uint32_t a, uint32_t b) { return s.start[a] < s.start[b]; });
  if (matches) *matches = hits.size();
  return nth >= 1 && nth <= hits.size() ? hits[nth - 1] : kNone;
}

}  // namespace hp
