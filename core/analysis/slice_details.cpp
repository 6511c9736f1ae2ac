#include "core/analysis/slice_details.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/util/time_format.h"

namespace hp {
namespace {

template <class Col>
size_t row_of(const Col& slice_col, uint32_t slice) {
  auto it = std::lower_bound(slice_col.begin(), slice_col.end(), slice);
  return it != slice_col.end() && *it == slice ? static_cast<size_t>(it - slice_col.begin()) : SIZE_MAX;
}

}  // namespace

SliceDetails slice_details(const Run& run, uint32_t i) {
  SliceDetails d;
  if (i >= run.slices.size()) return d;
  const Slices& s = run.slices;
  const Track& t = run.tracks[s.track[i]];
  Ns origin = run.span().first;
  auto add = [&](std::string k, std::string v) { d.fields.push_back({std::move(k), std::move(v)}); };
  add("name", std::string(run.str(s.name[i])));
  add("category", std::string(run.str(s.cat[i])));
  add("kind", to_string(s.kind[i]));
  add("start", format_duration(s.start[i] - origin, 3) + " from trace start");
  add("duration", fmt::format("{} ({} ns)", format_duration(s.dur[i], 3), s.dur[i]));
  add("rank", std::to_string(t.rank));
  add("pid / tid", fmt::format("{} / {}", t.pid, t.tid));
  add("depth", std::to_string(s.depth[i]));
  if (s.lane[i] > 0) add("lane", fmt::format("overflow {} (overlaps its neighbours)", s.lane[i]));
  if (s.external_id[i]) add("External id", std::to_string(s.external_id[i]));
  for (const auto& src : run.sources)
    if (src.rank == t.rank && !src.stage.empty()) add("stage (from source)", src.stage);

  if (size_t g = row_of(run.gpu.slice, i); g != SIZE_MAX) {
    const GpuOps& o = run.gpu;
    if (o.correlation[g]) add("correlation", std::to_string(o.correlation[g]));
    add("device / stream", fmt::format("{} / {}", o.device[g], o.stream[g]));
    const GpuLaunch& l = o.launch[g];
    if (l.grid[0]) add("grid", fmt::format("[{}, {}, {}]", l.grid[0], l.grid[1], l.grid[2]));
    if (l.block[0]) add("block", fmt::format("[{}, {}, {}]", l.block[0], l.block[1], l.block[2]));
    if (l.registers_per_thread) add("registers per thread", std::to_string(l.registers_per_thread));
    if (l.shared_memory) add("shared memory", fmt::format("{} B", l.shared_memory));
    if (l.bytes) add("bytes", std::to_string(l.bytes));
    if (!std::isnan(l.occupancy_pct)) add("est. achieved occupancy", fmt::format("{:.1f}%", l.occupancy_pct));
    d.launched_by = o.launch_slice[g];
  }
  if (size_t a = row_of(run.api.slice, i); a != SIZE_MAX) {
    add("correlation", std::to_string(run.api.correlation[a]));
    for (size_t g = 0; g < run.gpu.size(); ++g)
      if (run.gpu.launch_slice[g] == i) d.launches.push_back(run.gpu.slice[g]);
  }
  if (size_t p = row_of(run.python.slice, i); p != SIZE_MAX) {
    add("Python id", std::to_string(run.python.python_id[p]));
    if (run.python.parent_id[p] >= 0) add("Python parent id", std::to_string(run.python.parent_id[p]));
  }
  // Enclosing slice: the nearest earlier slice of the same lane one level up that covers this one.
  if (s.depth[i] > 0)
    for (uint32_t j = i; j-- > t.slice_begin;)
      if (s.lane[j] == s.lane[i] && s.depth[j] + 1 == s.depth[i] && s.end(j) >= s.end(i)) {
        d.parent = j;
        break;
      }

  if (!s.args[i].empty()) {
    auto j = nlohmann::json::parse(run.args_text(s.args[i]), nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      d.args_error = "args are not a JSON object";
    } else {
      for (auto& [k, v] : j.items()) d.args.push_back({k, v.is_string() ? v.get<std::string>() : v.dump()});
    }
  }
  return d;
}

}  // namespace hp
