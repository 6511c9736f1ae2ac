#pragma once
// `hotpath report`: the one-screen timing overview of a Run: GPU time by category, top ops,
// idle-gap breakdown, launch statistics, stream overlap, overlap opportunities and, with
// several ranks, rank skew. Text fits 100 columns; markdown and JSON carry the same numbers.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/analysis/idle_gaps.h"
#include "core/analysis/kernel_category.h"
#include "core/analysis/launch_stats.h"
#include "core/analysis/overlap.h"
#include "core/analysis/overlap_opportunities.h"
#include "core/analysis/rank_skew.h"

namespace hp {

struct CategoryTime {
  std::string category;
  Ns time = 0;  // sum of op durations
  uint64_t ops = 0, names = 0;
};

struct TimingReport {
  std::string title;  // the inputs
  uint32_t ranks = 0, devices = 0, streams = 0;
  Ns span = 0;  // Run::span()
  uint64_t ops = 0, kernels = 0;
  Ns op_time = 0;                        // sum of op durations (> busy when streams overlap)
  std::vector<CategoryTime> categories;  // by time, descending; per op (annotation overrides count)
  uint64_t annotation_kernels = 0;       // kernels whose category an enclosing annotation forced
  uint64_t annotation_changed = 0;       // of them, kernels the name rules put elsewhere
  OverlapReport overlap;
  IdleReport idle;
  LaunchStats launches;
  std::vector<OpportunityRow> opportunities;
  RankSkew ranks_skew;
  std::string graph_coverage;  // filled by the CUDA-graph analysis; "" = not computed
};

TimingReport timing_report(const Run& run, const KernelCategorizer& categorizer, std::string title);

std::string timing_report_text(const Run& run, const TimingReport& r, size_t top = 10);
std::string timing_report_markdown(const Run& run, const TimingReport& r, size_t top = 10);
nlohmann::json timing_report_json(const Run& run, const TimingReport& r, size_t top = 25);

}  // namespace hp
