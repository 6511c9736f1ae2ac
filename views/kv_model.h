#pragma once
// The KV panel's model: a heatmap of KV usage over time x replica (one row per replica and pool, the
// same 0..1 colour scale for every engine; a bin without a sample is missing, grey, never 0), preemption
// markers per column, the capacity, the prefix hit rate per bin (Δhits/Δqueries summed across replicas)
// or the engine's own rolling rate, the residency distributions with quantiles, and the verdict. Pure;
// drawn by kv_panel.h.
#include <string>
#include <vector>

#include "core/kv/kv_events.h"
#include "core/kv/kv_series.h"
#include "core/kv/kv_verdict.h"
#include "views/plot/heatmap.h"

namespace hp {

struct KvModel {
  Ns t0 = 0, t1 = 1;  // the heatmap's span (session time)
  int bins = 0;
  kv::KvSeries series;
  kv::KvVerdict verdict;
  std::vector<std::string> rows;    // "engine=\"0\"", "swa pool", "(one replica)"
  std::vector<double> cells;        // rows x bins, NaN = no sample
  std::vector<plot::Rgba> colors;   // rows x bins
  plot::Legend legend;              // 0..1
  std::vector<uint32_t> preempted;  // per bin: preemptions in it
  std::string capacity;             // "185,897 tokens (log)" or ""
  std::vector<double> hit_rate;     // per bin, NaN when no queries; empty without counters
  std::vector<double> queries;      // per bin
  std::string prefix_title;
  std::string note;  // why something is missing
  // vLLM KV events (--kv-events): blocks alive, stored/removed per second and lifetimes per bin.
  kv::KvBlockView blocks;
  std::string blocks_title;  // "" without events
};

// bins 0: one bin per typical sampling interval (the median gap between a line's samples), at most
// max_bins, so a log printed every 10 s does not show as mostly missing bins.
KvModel kv_model(const Session& s, const serving::MetricMap* map, Ns begin = INT64_MIN, Ns end = INT64_MAX,
                 int bins = 0, int max_bins = 120);

}  // namespace hp
