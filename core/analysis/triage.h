#pragma once
// Triage: per engine stage, which kernels take the GPU time, where they are launched from, which
// fusions apply and how much runs under CUDA graphs. Assembles stage_assign, kernel_table,
// kernel_sites, cuda_graphs and fusion_scan; the overlap analysis fills TriageStage::overlap later.
//
// Shares: share_sum_pct divides by the stage's summed kernel time (as the predecessor's "Share");
// share_busy_pct by the stage's GPU-busy time (union per device). Rows below min_share_pct of the
// stage's summed time are hidden and counted (hidden_kernels, hidden_time); 0 lists every kernel.
//
// Categories: the name rules, overridden per launch by an enclosing annotation
// (annotation_category.h); a kernel name whose launches fall in two categories has one row each.
//
// Ranks: with TriageOptions::rank = N only rank N's kernels make the stages. With several ranks and
// rank = -1, `stages` holds every rank together and `ranks` each rank's own stages (the same
// tables); `skew` compares the ranks (rank_skew.h) and names the straggler.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/analysis/cuda_graphs.h"
#include "core/analysis/fuse_catalog.h"
#include "core/analysis/fusion_scan.h"
#include "core/analysis/kernel_category.h"
#include "core/analysis/kernel_sites.h"
#include "core/analysis/kernel_table.h"
#include "core/analysis/rank_skew.h"
#include "core/analysis/stage_assign.h"
#include "core/model/run.h"

namespace hp {

struct TriageKernel {
  std::string name, category;
  Ns gpu_time = 0;
  uint64_t launches = 0;
  Ns avg = 0, p50 = 0, p99 = 0;
  double share_sum_pct = 0, share_busy_pct = 0;
  std::string site, cpu_op;      // the top site ("" when unknown)
  double site_share_pct = 0;     // of this kernel's time launched from `site`
  std::vector<SiteShare> sites;  // the top 2 sites
  double graph_pct = 0;          // of this kernel's time replayed by CUDA graphs
  uint64_t forced_launches = 0;  // launches whose category an enclosing annotation forced
  std::string rule_category;     // what the name rules say (differs from `category` only when forced)
};

// One ranked overlap opportunity of the stage (core/analysis/overlap_opportunities.h), with the
// kernel's exclusive/hidden split from the per-device sweep and its source site.
struct TriageOverlapRow {
  int priority = 3;
  std::string verdict, rule, kernel, category, site, cpu_op, evidence, dep_risk, recommendation;
  Ns time = 0;                               // the row's impact
  double share_pct = 0;                      // of share_of
  std::string share_of = "busy";             // "busy" (stage GPU-busy time) or "span" (the stream's span)
  double exclusive_pct = 0, hidden_pct = 0;  // of the kernel's time (kernel rows only)
};

struct TriageStage {
  std::string stage;  // "prefill", "extend", "mixed", "decode", "idle", "all" or "unassigned"
  Ns gpu_time = 0, busy_time = 0;
  uint64_t launches = 0;  // kernels in the stage
  uint64_t distinct_kernels = 0;
  uint64_t unassigned_kernels = 0;  // of them, kernels with no stage (only in "all"/"unassigned")
  uint64_t steps = 0;               // engine steps of this stage
  uint64_t hidden_kernels = 0;      // rows under the cutoff
  Ns hidden_time = 0;
  std::vector<TriageKernel> kernels;
  std::vector<CategoryRow> categories;
  std::vector<FusionRow> fusions;
  GraphSummary graphs;
  std::vector<TriageOverlapRow> overlap;
};

struct TriageOptions {
  std::string stage;           // keep only this stage ("prefill" also keeps "extend"); "" = all
  int64_t rank = -1;           // keep only this rank; -1 = all ranks
  bool per_rank = true;        // with >= 2 ranks and rank == -1, also fill Triage::ranks
  double min_share_pct = 1.0;  // kernel-row cutoff; 0 lists every kernel
  const SitesByName* mapping_sites = nullptr;  // two-trace mode: sites from the mapping trace
  size_t top_graphs = 5;
};

// One rank's own tables (multi-rank runs).
struct TriageRank {
  uint32_t rank = 0;
  std::vector<std::string> sources;  // its trace files
  uint64_t launches = 0;             // kernels of the rank
  Ns gpu_time = 0;                   // their summed time
  std::vector<TriageStage> stages;
};

// Kernels whose category an enclosing annotation forced (annotation_category.h).
struct TriageAnnotations {
  uint64_t annotations = 0;  // annotation slices whose name forces a category
  uint64_t kernels = 0;      // kernels given a category by one
  uint64_t changed = 0;      // of them, kernels the name rules put in another category
  uint64_t from_cpu = 0, from_gpu = 0;
};

struct Triage {
  std::vector<TriageStage> stages;
  uint32_t rank_count = 0;        // ranks in the run
  int64_t rank = -1;              // the rank selected, -1 = all
  std::vector<TriageRank> ranks;  // per-rank sections (see the header comment)
  RankSkew skew;                  // over every rank of the run (empty ranks with < 2)
  TriageAnnotations annotations;
  std::array<uint64_t, static_cast<size_t>(StageMethod::Count)> kernels_by{};  // stage methods
  std::vector<EngineStep> steps;
  std::string framework;                   // detected ("" when unknown)
  std::string model;                       // model file hint from Python frames ("" when unknown)
  std::string site_source;                 // "trace" or "mapping"
  uint64_t mapped_by_name[3] = {0, 0, 0};  // two-trace mode: kernel rows matched exact / base-name / prefix
  uint64_t unmapped = 0;
  double min_share_pct = 1.0;
};

Triage triage(const Run& run, const KernelCategorizer& categories, const FuseCatalog& fuses,
              const TriageOptions& opts = {});

// Sites of a mapping trace (graphs off) by kernel name, for TriageOptions::mapping_sites.
SitesByName mapping_sites(const Run& mapping);

}  // namespace hp
