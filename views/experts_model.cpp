#include "views/experts_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "core/experts/eplb_metrics.h"
#include "core/experts/placement.h"

namespace hp {
namespace {

PairMatrixView pair_view(const experts::CoRouting& c) {
  PairMatrixView v;
  v.layer_a = c.layer_a;
  v.layer_b = c.layer_b;
  v.rows = c.experts_a;
  v.cols = c.experts_b;
  const double total = c.total ? static_cast<double>(c.total) : 1.0;
  for (int64_t x : c.counts) {
    v.share.push_back(static_cast<double>(x) / total);
    v.share_max = std::max(v.share_max, v.share.back());
  }
  v.colors = plot::heatmap_colors(v.share, 0, v.share_max);
  const double expected = v.rows && v.cols ? 1.0 / static_cast<double>(v.rows * v.cols) : 0;
  v.legend = plot::heatmap_legend(0, v.share_max, plot::Unit::Fraction, 32, {{expected, "independent"}});
  v.top = experts::top_pairs(c, 8);
  v.title = fmt::format("layer {} x layer {}: {} choices, same expert id {:.2f} %", c.layer_a, c.layer_b,
                        c.total, 100.0 * static_cast<double>(experts::diagonal_sum(c)) / total);
  return v;
}

}  // namespace

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
  m.range_ns = o.range_ns;
  experts::ExpertLoad ranged;
  const bool use_range = o.range_ns && !loads[m.input].pass_ts_ns.empty();
  if (use_range) {
    ranged = experts::passes_in_range(loads[m.input], o.range_ns->first, o.range_ns->second);
    m.range_note = fmt::format("{} of {} scrape intervals in the selected range", ranged.pass_counts.size(),
                               loads[m.input].pass_counts.size());
  }
  const experts::ExpertLoad& l = use_range ? ranged : loads[m.input];
  m.layers = l.layers();
  m.experts = l.experts;
  m.layer_ids = l.layer_ids;
  m.title = fmt::format("{} ({}): {} layers x {} {}", l.source, l.format, m.layers, m.experts,
                        l.columns_are_ranks ? "GPU ranks" : "experts");
  if (!l.balance.empty()) {
    m.time_label = l.format == "sglang-eplb-metrics" ? "scrape (sglang:eplb_balancedness)" : "log line";
    for (const auto& b : l.balance) {
      m.time_x.push_back(static_cast<double>(b.step));
      m.time_balancedness.push_back(b.balancedness);
    }
  }
  for (const auto& c : l.pairs) m.pairs.push_back(pair_view(c));
  if (!l.has_counts() && !m.pairs.empty()) {
    m.title = fmt::format(
        "{} ({}): {} co-routing matrices (rows: expert in the first layer, columns: in the second)", l.source,
        l.format, m.pairs.size());
    return m;
  }
  if (!l.has_counts()) {
    m.note = l.format == "unreadable" && !l.warnings.empty()
                 ? l.warnings[0]
                 : "this input has balancedness over time only (no per-expert counts)";
    return m;
  }
  m.ranks = o.ranks && !l.columns_are_ranks ? o.ranks : experts::default_placement_ranks(l);
  m.columns_are_ranks = l.columns_are_ranks;
  std::vector<Placement> placement;
  try {
    placement = experts::placement_for(l, m.ranks);
  } catch (const std::invalid_argument& e) {
    m.note = std::string(e.what()) + "; contiguous instead";
  }
  try {
    m.balance = expert_balance(l, m.ranks, placement);
    if (!l.pass_counts.empty()) {
      m.time_label = l.pass_ts_ns.empty() ? "forward pass" : "scrape interval";
      m.time_x.assign(l.pass_ids.begin(), l.pass_ids.end());
      const bool same = previous && previous->input == m.input && previous->ranks == m.ranks &&
                        previous->time_label == m.time_label && previous->inputs == m.inputs &&
                        previous->range_ns == m.range_ns;
      m.time_balancedness = same ? previous->time_balancedness : pass_balancedness(l, m.ranks, placement);
    }
  } catch (const std::invalid_argument& e) {
    m.note = e.what();
    placement.clear();
    m.balance = expert_balance(l, 0);
  }
  m.title += !m.ranks ? ""
             : l.columns_are_ranks
                 ? fmt::format(", one column per rank")
                 : fmt::format(", {} ranks ({})", m.ranks, experts::placement_label(l, !placement.empty()));
  if (!placement.empty()) {
    m.placement_note = fmt::format("{} slots per layer; {}", placement[0].size(), experts::kReplicaNote);
    m.slots_per_rank = placement[0].size() / m.ranks;
  }
  if (!l.columns_are_ranks && (l.experts + o.redundant) % m.ranks == 0 && l.experts % m.ranks == 0)
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
