#include "core/analysis/cuda_graphs.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

namespace hp {

bool is_graph_launch_name(std::string_view n) {
  // cudaGraphLaunch, cudaGraphLaunch_v10000, cudaGraphLaunch_ptsz, hipGraphLaunch, cuGraphLaunch.
  for (std::string_view p : {"cudaGraphLaunch", "hipGraphLaunch", "cuGraphLaunch"})
    if (n.substr(0, p.size()) == p && (n.size() == p.size() || n[p.size()] == '_')) return true;
  return false;
}

CudaGraphs find_cuda_graphs(const Run& run, const std::vector<uint32_t>& parents) {
  const Slices& s = run.slices;
  const GpuOps& g = run.gpu;
  CudaGraphs out;
  std::unordered_map<uint32_t, uint32_t> index;  // launch slice -> launches row
  std::vector<uint32_t> slices;
  for (uint32_t a = 0; a < run.api.size(); ++a) {
    uint32_t i = run.api.slice[a];
    if (!is_graph_launch_name(run.str(s.name[i]))) continue;
    index.emplace(i, static_cast<uint32_t>(out.launches.size()));
    out.launches.push_back({i});
    slices.push_back(i);
  }
  out.gpu_launch.assign(g.size(), kNone);
  if (out.launches.empty()) return out;
  for (uint32_t row = 0; row < g.size(); ++row) {
    if (g.launch_slice[row] == kNone) continue;
    auto it = index.find(g.launch_slice[row]);
    if (it == index.end()) continue;
    out.gpu_launch[row] = it->second;
    uint32_t i = g.slice[row];
    if (s.kind[i] != SliceKind::Kernel) continue;
    GraphLaunch& l = out.launches[it->second];
    l.first_start = l.kernels ? std::min(l.first_start, s.start[i]) : s.start[i];
    l.last_end = l.kernels ? std::max(l.last_end, s.end(i)) : s.end(i);
    ++l.kernels;
    l.gpu_time += s.dur[i];
  }
  std::vector<SiteRecord> sites = sites_of_slices(run, parents, slices);
  std::map<std::tuple<std::string, std::string, uint32_t>, uint32_t> groups;
  for (size_t k = 0; k < out.launches.size(); ++k) {
    GraphLaunch& l = out.launches[k];
    std::string name(run.str(s.name[l.slice]));
    auto [it, added] =
        groups.try_emplace({name, sites[k].site, l.kernels}, static_cast<uint32_t>(out.groups.size()));
    if (added) out.groups.push_back({name, sites[k].site, sites[k].cpu_op, l.kernels, 0, 0});
    l.group = it->second;
    ++out.groups[l.group].replays;
    out.groups[l.group].gpu_time += l.gpu_time;
  }
  // Order groups by time; remap launch group ids.
  std::vector<uint32_t> order(out.groups.size());
  for (uint32_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return out.groups[a].gpu_time > out.groups[b].gpu_time; });
  std::vector<uint32_t> rank(order.size());
  std::vector<GraphGroup> sorted;
  for (uint32_t k = 0; k < order.size(); ++k) rank[order[k]] = k, sorted.push_back(out.groups[order[k]]);
  out.groups = std::move(sorted);
  for (auto& l : out.launches) l.group = rank[l.group];
  return out;
}

GraphSummary summarize_graphs(const Run& run, const CudaGraphs& graphs, const GpuRowFilter& include,
                              size_t top) {
  const Slices& s = run.slices;
  const GpuOps& g = run.gpu;
  GraphSummary out;
  std::unordered_map<uint32_t, GraphGroupRow> rows;  // by group
  std::vector<uint8_t> seen(graphs.launches.size(), 0);
  for (uint32_t row = 0; row < g.size(); ++row) {
    uint32_t i = g.slice[row];
    if (s.kind[i] != SliceKind::Kernel || (include && !include(row))) continue;
    out.kernel_time += s.dur[i];
    ++out.kernels;
    uint32_t l = graphs.gpu_launch.empty() ? kNone : graphs.gpu_launch[row];
    if (l == kNone) continue;
    out.graph_time += s.dur[i];
    ++out.graph_kernels;
    uint32_t grp = graphs.launches[l].group;
    GraphGroupRow& r = rows[grp];
    r.gpu_time += s.dur[i];
    if (!seen[l]) {
      seen[l] = 1;
      ++out.launches;
      ++r.replays;
    }
  }
  out.coverage_pct = out.kernel_time > 0
                         ? 100.0 * static_cast<double>(out.graph_time) / static_cast<double>(out.kernel_time)
                         : 0;
  out.distinct = rows.size();
  for (auto& [grp, r] : rows) {
    const GraphGroup& gg = graphs.groups[grp];
    r.launch_name = gg.launch_name;
    r.site = gg.site;
    r.cpu_op = gg.cpu_op;
    r.kernels_per_replay = gg.kernels_per_replay;
    r.share_pct = out.kernel_time > 0
                      ? 100.0 * static_cast<double>(r.gpu_time) / static_cast<double>(out.kernel_time)
                      : 0;
    out.top.push_back(r);
  }
  std::sort(out.top.begin(), out.top.end(), [](const GraphGroupRow& a, const GraphGroupRow& b) {
    return a.gpu_time != b.gpu_time ? a.gpu_time > b.gpu_time : a.site < b.site;
  });
  if (out.top.size() > top) out.top.resize(top);
  return out;
}

}  // namespace hp
