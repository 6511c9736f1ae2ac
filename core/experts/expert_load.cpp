#include "core/experts/expert_load.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace hp::experts {
namespace {

bool dense_ids(const std::vector<int64_t>& ids) {
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] != static_cast<int64_t>(i)) return false;
  return true;
}

std::vector<int64_t> reshaped(const std::vector<int64_t>& m, size_t layers, uint32_t experts,
                              size_t to_layers, uint32_t to_experts) {
  std::vector<int64_t> out(to_layers * to_experts, 0);
  for (size_t l = 0; l < layers; ++l)
    for (size_t e = 0; e < experts; ++e) out[l * to_experts + e] = m[l * experts + e];
  return out;
}

// Grows `x` to `layers` x `experts` (layer ids 0..layers-1), padding with zeros.
void grow(ExpertLoad& x, size_t layers, uint32_t experts) {
  if (x.layers() == layers && x.experts == experts) return;
  x.counts = reshaped(x.counts, x.layers(), x.experts, layers, experts);
  for (auto& p : x.pass_counts) p = reshaped(p, x.layers(), x.experts, layers, experts);
  x.layer_ids.resize(layers);
  for (size_t i = 0; i < layers; ++i) x.layer_ids[i] = static_cast<int64_t>(i);
  x.experts = experts;
}

}  // namespace

void add_into(ExpertLoad& a, const ExpertLoad& b_in) {
  ExpertLoad b = b_in;
  if (a.layer_ids != b.layer_ids || a.experts != b.experts) {
    // Per-rank files only list what they saw: same layer numbering from 0, sizes may differ.
    if (!dense_ids(a.layer_ids) || !dense_ids(b.layer_ids))
      throw std::invalid_argument(
          fmt::format("{} has {} layers x {} experts but {} has {} x {}; cannot add them", b.source,
                      b.layers(), b.experts, a.source, a.layers(), a.experts));
    const size_t layers = std::max(a.layers(), b.layers());
    const uint32_t experts = std::max(a.experts, b.experts);
    grow(a, layers, experts);
    grow(b, layers, experts);
  }
  for (size_t i = 0; i < a.counts.size(); ++i)
    if (!add_count(a.counts[i], b.counts[i]))
      throw std::invalid_argument(fmt::format("{} + {}: a summed count passes 2^46", a.source, b.source));
  if (a.pass_ids == b.pass_ids) {
    for (size_t p = 0; p < a.pass_counts.size(); ++p)
      for (size_t i = 0; i < a.pass_counts[p].size(); ++i)
        if (!add_count(a.pass_counts[p][i], b.pass_counts[p][i]))
          throw std::invalid_argument(fmt::format("{} + {}: a summed count passes 2^46", a.source, b.source));
  } else if (!a.pass_ids.empty() || !b.pass_ids.empty()) {
    a.warnings.push_back(
        fmt::format("{} and {} cover different passes; per-pass rows dropped", a.source, b.source));
    a.pass_ids.clear();
    a.pass_counts.clear();
  }
  a.source += ", " + b.source;
  a.warnings.insert(a.warnings.end(), b.warnings.begin(), b.warnings.end());
}

}  // namespace hp::experts
