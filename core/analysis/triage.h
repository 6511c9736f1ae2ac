#pragma once
// Triage: per engine stage, which kernels take the GPU time, where they are launched from, which
// fusions apply and how much runs under CUDA graphs. Assembles stage_assign, kernel_table,
// kernel_sites, cuda_graphs and fusion_scan; the overlap analysis fills TriageStage::overlap later.
//
// Shares: share_sum_pct divides by the stage's summed kernel time (as the predecessor's "Share");
// share_busy_pct by the stage's GPU-busy time (union per device). Rows below min_share_pct of the
// stage's summed time are hidden and counted (hidden_kernels, hidden_time); 0 lists every kernel.
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
  double min_share_pct = 1.0;  // kernel-row cutoff; 0 lists every kernel
  const SitesByName* mapping_sites = nullptr;  // two-trace mode: sites from the mapping trace
  size_t top_graphs = 5;
};

struct Triage {
  std::vector<TriageStage> stages;
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
