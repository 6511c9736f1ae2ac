#pragma once
// MoE expert balance over an ExpertLoad (core/experts/expert_load.h), pure maths:
//  - per layer: total routed token-slots, share per expert (count / layer total; expected 1/E),
//    max/mean (the hottest expert's straggler factor), coefficient of variation, hottest experts;
//  - per rank under a placement (contiguous blocks of E/ranks experts unless a physical-to-logical
//    map is given; a replicated expert's load is split evenly over its replicas): rank loads and
//    balancedness = mean/max in [1/ranks, 1];
//  - the rebalance what-if: DeepSeek EPLB's greedy balanced packing (groups -> nodes, replicate the
//    heaviest expert per redundant slot, pack physical experts onto GPUs) and its rank loads.
#include <cstdint>
#include <vector>

#include "core/experts/expert_load.h"

namespace hp {

// Physical slot -> logical expert of one layer; slots / ranks slots per rank, in order.
using Placement = std::vector<int32_t>;

struct LayerBalance {
  int64_t layer = 0;  // model layer id
  int64_t total = 0;  // routed token-slots
  double mean = 0, max_over_mean = 0, cv = 0;
  uint32_t max_expert = 0, min_expert = 0;  // lowest id on ties
  int64_t max_count = 0, min_count = 0;
  std::vector<uint32_t> hottest;  // up to 3 experts by count, descending (ties: lower id first)
  std::vector<double> rank_load;  // per rank
  double balancedness = 1;        // mean / max of rank_load (1 when idle)
};

struct ExpertBalance {
  uint32_t ranks = 0;
  std::vector<LayerBalance> layers;
  double balancedness_mean = 1, balancedness_min = 1;  // over layers with load
};

// Share of each expert of `layer` in its layer's total (0 when the layer is idle).
std::vector<double> layer_shares(const experts::ExpertLoad& load, size_t layer);

// `placement` per layer (empty: contiguous; one entry: the same for every layer). Throws
// std::invalid_argument when the experts (or slots) do not split evenly over `ranks`, or a map names
// an expert outside 0..E-1.
ExpertBalance expert_balance(const experts::ExpertLoad& load, uint32_t ranks,
                             const std::vector<Placement>& placement = {});

// Balancedness of each forward pass (load.pass_counts): mean over layers with load of the layer's
// rank mean/max, as SGLang logs it.
std::vector<double> pass_balancedness(const experts::ExpertLoad& load, uint32_t ranks,
                                      const std::vector<Placement>& placement = {});

// A rank count for `experts` when the user gives none: 8 when it divides E, else the largest
// divisor of E below 8 (1 for E = 0).
uint32_t default_ranks(uint32_t experts);

// Rank loads of one layer's `weights` under `placement` with `ranks` ranks.
std::vector<double> rank_loads(const std::vector<double>& weights, const Placement& placement,
                               uint32_t ranks);

struct EplbOptions {
  uint32_t replicas = 0;  // physical slots per layer (E + redundant)
  uint32_t groups = 1, nodes = 1, gpus = 1;
};
// DeepSeek EPLB's placement for one layer (hierarchical when groups % nodes == 0, else global).
Placement eplb_placement(const std::vector<double>& weights, const EplbOptions& o);

struct RebalanceLayer {
  int64_t layer = 0;
  Placement placement;
  std::vector<double> before, after;  // rank loads, contiguous vs rebalanced
  double max_before = 0, max_after = 0;
  double balancedness_before = 1, balancedness_after = 1;
};
struct Rebalance {
  uint32_t ranks = 0, redundant = 0;
  std::vector<RebalanceLayer> layers;
  double max_drop = 0;  // mean over layers of 1 - max_after / max_before
};
// What-if for every layer: `ranks` GPUs, `redundant` extra slots in all (E + redundant must split
// evenly over ranks; E must too, for the contiguous baseline).
Rebalance rebalance_what_if(const experts::ExpertLoad& load, uint32_t ranks, uint32_t redundant);

}  // namespace hp
