#include "core/analysis/triage.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "core/analysis/annotation_category.h"
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
                                           const AnnotationCategories& overrides, const SliceFilter& include,
                                           const SitesByName& sites) {
  CategoryCache cache(run, categories, &overrides);
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
  t.rank = opts.rank;
  t.rank_count = run.rank_count();
  const Slices& s = run.slices;
  const GpuOps& g = run.gpu;
  std::vector<uint32_t> parents = slice_parents(run);
  StageAssignment st = assign_stages(run);
  t.kernels_by = st.kernels_by;
  t.steps = st.steps;
  KernelSites sites;
  if (!opts.mapping_sites) sites = resolve_kernel_sites(run, parents);
  CudaGraphs graphs = find_cuda_graphs(run, parents);
  AnnotationCategories overrides = annotation_categories(run, categories, parents);
  t.annotations = {overrides.annotations, overrides.kernels, overrides.changed, overrides.from_cpu,
                   overrides.from_gpu};
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
  for (uint32_t row = 0; row < g.size(); ++row) {
    if (s.kind[g.slice[row]] != SliceKind::Kernel) continue;
    row_slot[row] = slice_slot[g.slice[row]] = order_of(st.gpu_stage[row]);
  }
  // Steps of a rank count where the rank has CPU-side steps, else its GPU windows.
  auto rank_of_slice = [&](uint32_t i) { return run.tracks[s.track[i]].rank; };
  auto in_rank = [&](int64_t rank, uint32_t slice) { return rank < 0 || rank_of_slice(slice) == rank; };
  auto categorize = [&](std::string_view name) { return std::string(categories.categorize(name)); };

  // The stage tables of one rank (-1: all ranks together).
  auto build_stages = [&](int64_t rank, bool count_mapping) {
    std::vector<TriageStage> out;
    std::array<uint64_t, kOrder.size()> present{};
    for (uint32_t row = 0; row < g.size(); ++row)
      if (row_slot[row] != 0xff && in_rank(rank, g.slice[row])) ++present[row_slot[row]];
    std::array<uint64_t, kOrder.size()> steps{};
    bool cpu_steps = std::any_of(st.steps.begin(), st.steps.end(), [&](const EngineStep& x) {
      return !x.gpu && (rank < 0 || run.tracks[x.track].rank == rank);
    });
    for (const auto& step : st.steps)
      if (step.gpu != cpu_steps && (rank < 0 || run.tracks[step.track].rank == rank))
        ++steps[order_of(step.stage)];

    for (uint8_t slot = 0; slot < kOrder.size(); ++slot) {
      if (!present[slot]) continue;
      TriageStage ts;
      ts.stage = kOrder[slot] != Stage::Unknown ? to_string(kOrder[slot]) : any_stage ? "unassigned" : "all";
      if (!stage_selected(opts.stage, ts.stage)) continue;
      auto in_slot = [&](uint32_t row) { return row_slot[row] == slot && in_rank(rank, g.slice[row]); };
      auto slice_in_slot = [&](uint32_t i) { return slice_slot[i] == slot && in_rank(rank, i); };
      KernelTable kt = kernel_table(run, slice_in_slot, categorize, &overrides);
      ts.gpu_time = kt.gpu_time;
      ts.busy_time = kt.busy_time;
      ts.launches = kt.launches;
      std::unordered_set<StrId> names;  // a name may have one row per category
      for (const KernelRow& r : kt.rows) names.insert(r.name);
      ts.distinct_kernels = names.size();
      ts.unassigned_kernels = kOrder[slot] == Stage::Unknown ? kt.launches : 0;
      ts.steps = kOrder[slot] == Stage::Unknown ? 0 : steps[slot];
      ts.categories = kt.categories;

      SitesByName local;
      const SitesByName* site_map = opts.mapping_sites;
      if (!site_map) local = sites_by_name(run, sites, in_slot), site_map = &local;
      // Graph-replayed time per (kernel name, category).
      std::map<std::pair<StrId, std::string>, Ns> graph_time;
      for (uint32_t row = 0; row < g.size(); ++row)
        if (graphs.gpu_launch[row] != kNone && in_slot(row)) {
          StrId name = s.name[g.slice[row]];
          std::string_view forced = overrides.of(row);
          graph_time[{name, std::string(forced.empty() ? categories.categorize(run.str(name)) : forced)}] +=
              s.dur[g.slice[row]];
        }

      for (const KernelRow& r : kt.rows) {
        if (r.share_sum_pct < opts.min_share_pct) {
          ++ts.hidden_kernels;
          ts.hidden_time += r.gpu_time;
          continue;
        }
        TriageKernel k;
        k.name = std::string(run.str(r.name));
        k.category = r.category;
        k.forced_launches = r.forced_launches;
        k.rule_category = r.forced_launches ? std::string(categories.categorize(k.name)) : r.category;
        k.gpu_time = r.gpu_time;
        k.launches = r.launches;
        k.avg = r.avg, k.p50 = r.p50, k.p99 = r.p99;
        k.share_sum_pct = r.share_sum_pct;
        k.share_busy_pct = r.share_busy_pct;
        SiteMatch m = match_sites(*site_map, k.name);
        if (opts.mapping_sites && count_mapping) {
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
          if (auto it = graph_time.find({r.name, r.category}); it != graph_time.end())
            k.graph_pct = 100.0 * static_cast<double>(it->second) / static_cast<double>(r.gpu_time);
        ts.kernels.push_back(std::move(k));
      }
      ts.fusions = fusion_scan(run, fuses, categories, st, in_slot, ctx);
      for (auto& f : ts.fusions) {
        if (f.evidence.empty()) continue;
        SiteMatch m = match_sites(*site_map, f.evidence.front().name);
        if (m.sites && !m.sites->empty()) f.site = m.sites->front().site;
      }
      ts.graphs = summarize_graphs(run, graphs, in_slot, opts.top_graphs);
      ts.overlap = overlap_rows(run, categories, overrides, slice_in_slot, *site_map);
      out.push_back(std::move(ts));
    }
    return out;
  };

  t.stages = build_stages(opts.rank, true);
  if (t.rank_count >= 2) {
    CategoryCache cache(run, categories, &overrides);
    t.skew = rank_skew(gpu_activity(run, cache));
  }
  if (t.rank_count >= 2 && opts.rank < 0 && opts.per_rank) {
    std::vector<uint32_t> ranks;
    for (const auto& tr : run.tracks) ranks.push_back(tr.rank);
    for (const auto& src : run.sources) ranks.push_back(src.rank);
    std::sort(ranks.begin(), ranks.end());
    ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
    for (uint32_t rank : ranks) {
      TriageRank tr;
      tr.rank = rank;
      for (const auto& src : run.sources)
        if (src.rank == rank) tr.sources.push_back(src.path);
      tr.stages = build_stages(rank, false);
      for (const auto& stage : tr.stages) tr.launches += stage.launches, tr.gpu_time += stage.gpu_time;
      t.ranks.push_back(std::move(tr));
    }
  }
  return t;
}

}  // namespace hp
