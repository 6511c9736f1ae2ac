#pragma once
// The Experts panel's model over the session's expert-load inputs: a layers x experts heatmap of
// each expert's share of its layer's routed tokens (expected share 1/E marked on the legend;
// columns by expert id or each row sorted by load), the per-layer imbalance table, rank loads of the
// selected layer under the placement and after the EPLB rebalance what-if, and balancedness over
// time (passes or log lines). Pure; drawn by experts_panel.h.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/analysis/expert_balance.h"
#include "core/experts/expert_load.h"
#include "core/experts/pair_pkl.h"
#include "views/plot/heatmap.h"

namespace hp {

struct ExpertsOptions {
  size_t input = 0;        // which expert input
  uint32_t ranks = 0;      // 0: default_ranks(E)
  uint32_t redundant = 0;  // what-if slots
  bool sort_by_load = false;
  size_t layer = 0;  // selected row
  // The selected time range in epoch ns: a source whose passes have times (eplb scrapes) shows only
  // the passes in it; others show everything.
  std::optional<std::pair<int64_t, int64_t>> range_ns;
};

// One co-routing matrix (expert in layer a x expert in layer b) as a heatmap of shares of all pairs.
struct PairMatrixView {
  std::string title;  // "layer 0 x layer 7: 417792 choices, same expert 12.40 %"
  int64_t layer_a = 0, layer_b = 0;
  size_t rows = 0, cols = 0;
  std::vector<double> share;  // rows x cols: count / total
  std::vector<plot::Rgba> colors;
  double share_max = 0;
  plot::Legend legend;  // with the independent-choice share 1/(rows x cols) marked
  std::vector<experts::PairCount> top;
};

struct ExpertsModel {
  std::vector<std::string> inputs;  // source names, for the input picker
  size_t input = 0;                 // the one shown
  std::string title;                // "olmoe...pkl (counter-pkl): 3 layers x 64 experts, 8 ranks"
  std::string note;                 // why something is missing (empty when all is shown)
  std::optional<std::pair<int64_t, int64_t>> range_ns;  // what the model was built for
  std::string range_note;      // "3 of 10 scrape intervals in the selected range" (empty: no range applied)
  std::string placement_note;  // slots and how replicas share load, when a placement map is used
  size_t slots_per_rank = 0;   // under a placement map (0: contiguous)
  bool columns_are_ranks = false;  // heatmap columns are GPU ranks (eplb metrics), not experts
  size_t layers = 0, experts = 0;
  uint32_t ranks = 0;
  std::vector<int64_t> layer_ids;
  std::vector<double> share;           // layers x experts in display order
  std::vector<uint32_t> expert_at;     // layers x experts: the expert shown in each cell
  std::vector<plot::Rgba> colors;      // layers x experts
  double share_max = 0, expected = 0;  // colour scale top; 1/E
  plot::Legend legend;
  ExpertBalance balance;
  std::optional<Rebalance> rebalance;             // null when E + redundant does not split over the ranks
  size_t layer = 0;                               // selected row, clamped
  std::vector<double> time_x, time_balancedness;  // pass ids or log steps
  std::string time_label;                         // "forward pass", "log line", ...
  std::vector<PairMatrixView> pairs;              // co-routing matrices, when the input has them
};

// `previous` (the model this one replaces) lends its per-pass balancedness when the input and the
// ranks are the same: that is the costly part (passes x layers x experts) and sorting, picking a
// layer or changing the what-if slots do not change it.
ExpertsModel experts_model(const std::vector<experts::ExpertLoad>& loads, const ExpertsOptions& o,
                           const ExpertsModel* previous = nullptr);

}  // namespace hp
