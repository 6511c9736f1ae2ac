#pragma once
// `hotpath experts`: the expert-balance figures of each expert-load input, as text or JSON.
// JSON: {inputs: [{source, format, layers, experts, ranks, placement ("contiguous" or "dump": the
//   source's physical-to-logical map), balancedness{mean, min}, warnings[],
//   layer: [{index, layer, total, max{expert, count}, min{expert, count}, max_over_mean, cv, hottest[],
//            rank_load[], balancedness, counts[]}],
//   rebalance{ranks, redundant, max_drop, layers: [{layer, max_before, max_after, balancedness_before,
//            balancedness_after, placement[]}]} (null when the experts do not split over the ranks),
//   pairs: [{layer_a, layer_b, experts_a, experts_b, total, diagonal, top: [{a, b, count, share, lift}]
//            (10 most frequent), counts[]}] (co-routing files),
//   passes: [{id, balancedness}], balance: [{step, ts_ns, balancedness, avg_tokens, max_tokens}]}]}.
// Missing values are null.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/experts/expert_load.h"

namespace hp {

struct ExpertReportOptions {
  uint32_t ranks = 0;      // 0: default_ranks(E)
  uint32_t redundant = 0;  // extra slots for the rebalance what-if
};

// Throws std::invalid_argument when the ranks do not split an input's experts.
nlohmann::json expert_report_json(const std::vector<experts::ExpertLoad>& loads,
                                  const ExpertReportOptions& o);
std::string expert_report_text(const nlohmann::json& report);

}  // namespace hp
