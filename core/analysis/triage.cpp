#include "core/analysis/triage.h"

#include <algorithm>
#include <unordered_map>

#include "core/analysis/gpu_activity.h"
#include "core/analysis/idle_gaps.h"
#include "core/analysis/launch_stats.h"
#include "core/analysis/overlap.h"
#include "core/analysis/overlap_opportunities.h"
#include "core/analysis/slice_parents.h"

namespace hp {
namespace {

// Report order of the stages; the last slot holds kernels without a stage.
constexpr std::array<Stage, 6> kOrder{Stage::Prefill, Stage::Extend, Stage::Mixed,
                                      Stage::Decode,  Stage::Idle,   Stage::Unknown};
uint8_t order_of(Stage s) {
  for (uint8_t k = 0; k < kOrder.size(); ++k)
    if (kOrder[k] == s) return k;
  return kOrder.size() - 1;
}

bool stage_selected(const std::string& want, const std::string& have) {
  if (want.empty() || want == have) return true;
  return (want == "prefill" && have == "extend") || (want == "extend" && have == "prefill");
}

}  // namespace

SitesByName mapping_sites(const Run& mapping) {
  return sites_by_name(mapping, resolve_kernel_sites(mapping, slice_parents(mapping)));
}

namespace {

// The ranked overlap opportunities of the ops selected by `include`, with each kernel row's
// exclusive/hidden split and source site.
std::vector<TriageOverlapRow> overlap_rows(const Run& run, const KernelCategorizer& categories,
                                           const SliceFilter& include, const SitesByName& sites) {
  CategoryCache cache(run, categories);
  auto devices = gpu_activity(run, cache, include);
  OverlapReport ov = overlap_analysis(run, cache, devices);
  IdleReport idle = idle_gaps(run, devices);
  LaunchStats launches = launch_stats(run, devices, idle);
  std::vector<TriageOverlapRow> rows;
  for (const OpportunityRow& o : overlap_opportunities(run, devices, ov, idle, launches)) {
    TriageOverlapRow r;
    r.priority = o.priority;
    r.verdict = o.verdict;
    r.rule = o.rule;
    r.kernel = o.kernel;
    r.cpu_op = o.cpu_op;
    r.evidence = o.evidence;
    r.dep_risk = o.dep_risk;
    r.recommendation = o.recommendation;
    r.time = o.impact;
    r.share_pct = o.share_pct;
    r.share_of = o.share_of;
    for (const OpOverlap& op : ov.ops)
      if (op.total > 0 && run.str(op.name) == o.kernel) {
        r.category = op.category;
        r.exclusive_pct = 100.0 * static_cast<double>(op.exclusive) / static_cast<double>(op.total);
        r.hidden_pct = 100.0 * static_cast<double>(op.hidden) / static_cast<double>(op.total);
        break;
      }
    SiteMatch m = match_sites(sites, o.kernel);
    if (m.sites && !m.sites->empty()) r.site = m.sites->front().site;
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace

Triage triage(const Run& run, const KernelCategorizer& categories, const FuseCatalog& fuses,
              const TriageOptions& opts) {
  Triage t;
  t.min_share_pct = opts.min_share_pct;
  t.site_source = opts.mapping_sites ? "mapping" : "trace";
  const Slices& s = run.slices;
  const GpuOps& g = run.gpu;
  std::vector<uint32_t> parents = slice_parents(run);
  StageAssignment st = assign_stages(run);
  t.kernels_by = st.kernels_by;
  t.steps = st.steps;
  KernelSites sites;
  if (!opts.mapping_sites) sites = resolve_kernel_sites(run, parents);
  CudaGraphs graphs = find_cuda_graphs(run, parents);
  t.framework = detect_framework(run);
  FuseContext ctx;
  ctx.framework = t.framework;
  ctx.model = t.model = detect_model(run);
  for (const auto& src : run.sources) ctx.tp_size = std::max(ctx.tp_size, src.world_size);

  // Stage slot per kernel slice (by GpuOps row and by slice id).
  uint64_t kernels = 0;
  for (size_t k = 1; k < st.kernels_by.size(); ++k) kernels += st.kernels_by[k];
  const bool any_stage = kernels > 0;
  std::vector<uint8_t> row_slot(g.size(), 0xff), slice_slot(s.size(), 0xff);
  std::array<uint64_t, kOrder.size()> present{};
  for (uint32_t row = 0; row < g.size(); ++row) {
    if (s.kind[g.slice[row]] != SliceKind::Kernel) continue;
    uint8_t slot = order_of(st.gpu_stage[row]);
    row_slot[row] = slice_slot[g.slice[row]] = slot;
    ++present[slot];
  }
  std::array<uint64_t, kOrder.size()> steps{};
  // Steps per stage: the CPU-side steps, or the GPU windows when the trace has no CPU-side marker.
  bool cpu_steps = std::any_of(st.steps.begin(), st.steps.end(), [](const EngineStep& x) { return !x.gpu; });
  for (const auto& step : st.steps)
    if (step.gpu != cpu_steps) ++steps[order_of(step.stage)];

  auto categorize = [&](std::string_view name) { return std::string(categories.categorize(name)); };

  for (uint8_t slot = 0; slot < kOrder.size(); ++slot) {
    if (!present[slot]) continue;
    TriageStage ts;
    ts.stage = kOrder[slot] != Stage::Unknown ? to_string(kOrder[slot]) : any_stage ? "unassigned" : "all";
    if (!stage_selected(opts.stage, ts.stage)) continue;
    auto in_slot = [&](uint32_t row) { return row_slot[row] == slot; };
    KernelTable kt = kernel_table(
        run, [&](uint32_t i) { return slice_slot[i] == slot; }, categorize);
    ts.gpu_time = kt.gpu_time;
    ts.busy_time = kt.busy_time;
    ts.launches = kt.launches;
    ts.distinct_kernels = kt.rows.size();
    ts.unassigned_kernels = kOrder[slot] == Stage::Unknown ? kt.launches : 0;
    ts.steps = kOrder[slot] == Stage::Unknown ? 0 : steps[slot];
    ts.categories = kt.categories;

    SitesByName local;
    const SitesByName* site_map = opts.mapping_sites;
    if (!site_map) local = sites_by_name(run, sites, in_slot), site_map = &local;
    // Graph share per kernel name.
    std::unordered_map<StrId, Ns> graph_time;
    for (uint32_t row = 0; row < g.size(); ++row)
      if (row_slot[row] == slot && graphs.gpu_launch[row] != kNone)
        graph_time[s.name[g.slice[row]]] += s.dur[g.slice[row]];

    for (const KernelRow& r : kt.rows) {
      if (r.share_sum_pct < opts.min_share_pct) {
        ++ts.hidden_kernels;
        ts.hidden_time += r.gpu_time;
        continue;
      }
      TriageKernel k;
      k.name = std::string(run.str(r.name));
      k.category = r.category;
      k.gpu_time = r.gpu_time;
      k.launches = r.launches;
      k.avg = r.avg, k.p50 = r.p50, k.p99 = r.p99;
      k.share_sum_pct = r.share_sum_pct;
      k.share_busy_pct = r.share_busy_pct;
      SiteMatch m = match_sites(*site_map, k.name);
      if (opts.mapping_sites) {
        std::string how = m.how;
        if (how == "exact")
          ++t.mapped_by_name[0];
        else if (how == "base-name")
          ++t.mapped_by_name[1];
        else if (how == "prefix")
          ++t.mapped_by_name[2];
        else
          ++t.unmapped;
      }
      if (m.sites && !m.sites->empty()) {
        const SiteShare& top = m.sites->front();
        k.site = top.site;
        k.cpu_op = top.cpu_op;
        k.site_share_pct = top.share_pct;
        for (size_t x = 0; x < m.sites->size() && x < 2; ++x) k.sites.push_back((*m.sites)[x]);
      }
      if (r.gpu_time > 0)
        k.graph_pct = 100.0 * static_cast<double>(graph_time[r.name]) / static_cast<double>(r.gpu_time);
      ts.kernels.push_back(std::move(k));
    }
    ts.fusions = fusion_scan(run, fuses, categories, st, in_slot, ctx);
    for (auto& f : ts.fusions) {
      if (f.evidence.empty()) continue;
      SiteMatch m = match_sites(*site_map, f.evidence.front().name);
      if (m.sites && !m.sites->empty()) f.site = m.sites->front().site;
    }
    ts.graphs = summarize_graphs(run, graphs, in_slot, opts.top_graphs);
    ts.overlap = overlap_rows(
        run, categories, [&](uint32_t i) { return slice_slot[i] == slot; }, *site_map);
    t.stages.push_back(std::move(ts));
  }
  return t;
}

}  // namespace hp
