#pragma once
// Pickled co-routing counts (the OLMoE repo's `expert_counts_crosslayer` files): a list of
// collections.Counter keyed by (expert in layer a, expert in layer b) tuples of ints or numpy int
// scalars: how often a token's k-th choice in layer a was e_a and its k-th choice in layer b was e_b.
// Read with the safe pickle subset; a pair missing from a Counter counts 0.
#include <string>

#include "core/experts/expert_load.h"
#include "core/experts/pickle_reader.h"

namespace hp::experts {

// `root` is the file's unpickled list; `file` names it in errors and gives the layer pairs when its
// name carries them ("_L0xL7_L7xL15"; else list positions). Throws ImportError.
ExpertLoad read_pair_counters(const PValue& root, const std::string& file);

struct PairCount {
  uint32_t a = 0, b = 0;
  int64_t count = 0;
  double lift = 0;  // count / (row_a x col_b / total): 1 = as often as independent choices would pair
};
// The `n` most frequent pairs, descending (ties: lower a, then lower b first).
std::vector<PairCount> top_pairs(const CoRouting& m, size_t n);
int64_t diagonal_sum(const CoRouting& m);

}  // namespace hp::experts
