#include "views/experts_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace hp {

ExpertsModel experts_model(const std::vector<experts::ExpertLoad>& loads, const ExpertsOptions& o,
                           const ExpertsModel* previous) {
  ExpertsModel m;
  for (const auto& l : loads) m.inputs.push_back(l.source);
  if (loads.empty()) {
    m.note =
        "no expert-load input: open a pickled Counter list, an SGLang .pt or CSV dump, TensorRT-LLM "
        "expert statistics or a log with EPLB / Expert Balancedness lines";
    return m;
  }
  m.input = std::min(o.input, loads.size() - 1);
  const experts::ExpertLoad& l = loads[m.input];
  m.layers = l.layers();
  m.experts = l.experts;
  m.layer_ids = l.layer_ids;
  m.title = fmt::format("{} ({}): {} layers x {} experts", l.source, l.format, m.layers, m.experts);
  if (!l.balance.empty()) {
    m.time_label = "log line";
    for (const auto& b : l.balance) {
      m.time_x.push_back(static_cast<double>(b.step));
      m.time_balancedness.push_back(b.balancedness);
    }
  }
  if (!l.has_counts()) {
    m.note = "this input has balancedness over time only (no per-expert counts)";
    return m;
  }
  m.ranks = o.ranks ? o.ranks : default_ranks(l.experts);
  std::vector<Placement> placement;
  if (!l.physical_to_logical.empty() && l.physical_to_logical.size() == l.layers() &&
      l.physical_to_logical[0].size() % m.ranks == 0)
    placement = l.physical_to_logical;
  try {
    m.balance = expert_balance(l, m.ranks, placement);
    if (!l.pass_counts.empty()) {
      m.time_label = "forward pass";
      m.time_x.assign(l.pass_ids.begin(), l.pass_ids.end());
      const bool same = previous && previous->input == m.input && previous->ranks == m.ranks &&
                        previous->time_label == m.time_label && previous->inputs == m.inputs;
      m.time_balancedness = same ? previous->time_balancedness : pass_balancedness(l, m.ranks, placement);
    }
  } catch (const std::invalid_argument& e) {
    m.note = e.what();
    m.balance = expert_balance(l, 0);
  }
  m.title +=
      m.ranks ? fmt::format(", {} ranks ({})", m.ranks, placement.empty() ? "contiguous" : "dump placement")
              : "";
  if ((l.experts + o.redundant) % m.ranks == 0 && l.experts % m.ranks == 0)
    m.rebalance = rebalance_what_if(l, m.ranks, o.redundant);
  m.expected = m.experts ? 1.0 / static_cast<double>(m.experts) : 0;
  m.share.resize(m.layers * m.experts);
  m.expert_at.resize(m.layers * m.experts);
  for (size_t r = 0; r < m.layers; ++r) {
    std::vector<double> s = layer_shares(l, r);
    std::vector<uint32_t> order(m.experts);
    std::iota(order.begin(), order.end(), 0u);
    if (o.sort_by_load)
      std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return s[a] > s[b]; });
    for (size_t c = 0; c < m.experts; ++c) {
      m.share[r * m.experts + c] = s[order[c]];
      m.expert_at[r * m.experts + c] = order[c];
      m.share_max = std::max(m.share_max, s[order[c]]);
    }
  }
  m.colors = plot::heatmap_colors(m.share, 0, m.share_max);
  m.legend = plot::heatmap_legend(0, m.share_max, plot::Unit::Fraction, 32, {{m.expected, "1/E"}});
  m.layer = std::min(o.layer, m.layers ? m.layers - 1 : 0);
  return m;
}

}  // namespace hp
