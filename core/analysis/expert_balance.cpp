#include "core/analysis/expert_balance.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace hp {
namespace {

std::vector<double> row(const experts::ExpertLoad& load, size_t layer) {
  std::vector<double> w(load.experts);
  for (size_t e = 0; e < load.experts; ++e) w[e] = static_cast<double>(load.at(layer, e));
  return w;
}

Placement contiguous(uint32_t experts) {
  Placement p(experts);
  std::iota(p.begin(), p.end(), 0);
  return p;
}

double balancedness(const std::vector<double>& ranks) {
  if (ranks.empty()) return 1;
  const double mx = *std::max_element(ranks.begin(), ranks.end());
  if (mx <= 0) return 1;
  return std::accumulate(ranks.begin(), ranks.end(), 0.0) / static_cast<double>(ranks.size()) / mx;
}

// Indices of `w` by weight, descending; equal weights keep index order.
std::vector<size_t> by_weight(const std::vector<double>& w) {
  std::vector<size_t> idx(w.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return w[a] > w[b]; });
  return idx;
}

// EPLB balanced_packing: n items into `packs` packs of n / packs items each, heaviest first into
// the lightest pack that has room. Returns pack index and rank in pack per item.
void balanced_packing(const std::vector<double>& w, size_t packs, std::vector<size_t>& pack,
                      std::vector<size_t>& rank) {
  const size_t per = w.size() / packs;
  pack.assign(w.size(), 0);
  rank.assign(w.size(), 0);
  if (per == 1) {
    std::iota(pack.begin(), pack.end(), 0);
    return;
  }
  std::vector<double> load(packs, 0);
  std::vector<size_t> items(packs, 0);
  for (size_t i : by_weight(w)) {
    size_t best = packs;
    for (size_t p = 0; p < packs; ++p)
      if (items[p] < per && (best == packs || load[p] < load[best])) best = p;
    pack[i] = best;
    rank[i] = items[best]++;
    load[best] += w[i];
  }
}

// EPLB replicate_experts: each extra slot copies the expert with the highest load per replica.
void replicate(const std::vector<double>& w, size_t slots, std::vector<size_t>& phy2log,
               std::vector<size_t>& cnt) {
  phy2log.resize(slots);
  std::iota(phy2log.begin(), phy2log.begin() + static_cast<std::ptrdiff_t>(w.size()), 0);
  cnt.assign(w.size(), 1);
  for (size_t i = w.size(); i < slots; ++i) {
    size_t best = 0;
    for (size_t e = 1; e < w.size(); ++e)
      if (w[e] / static_cast<double>(cnt[e]) > w[best] / static_cast<double>(cnt[best])) best = e;
    phy2log[i] = best;
    ++cnt[best];
  }
}

std::vector<size_t> inverse(const std::vector<size_t>& perm) {
  std::vector<size_t> inv(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inv[perm[i]] = i;
  return inv;
}

}  // namespace

std::vector<double> layer_shares(const experts::ExpertLoad& load, size_t layer) {
  std::vector<double> w = row(load, layer);
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  for (double& x : w) x = total > 0 ? x / total : 0;
  return w;
}

std::vector<double> rank_loads(const std::vector<double>& weights, const Placement& placement,
                               uint32_t ranks) {
  if (ranks == 0 || placement.size() % ranks)
    throw std::invalid_argument(
        fmt::format("{} expert slots do not split evenly over {} ranks", placement.size(), ranks));
  std::vector<uint32_t> replicas(weights.size(), 0);
  for (int32_t e : placement) {
    if (e < 0 || static_cast<size_t>(e) >= weights.size())
      throw std::invalid_argument(
          fmt::format("placement names expert {}, outside 0..{}", e, weights.size() - 1));
    ++replicas[static_cast<size_t>(e)];
  }
  const size_t per = placement.size() / ranks;
  std::vector<double> out(ranks, 0);
  for (size_t s = 0; s < placement.size(); ++s) {
    const auto e = static_cast<size_t>(placement[s]);
    out[s / per] += weights[e] / replicas[e];
  }
  return out;
}

ExpertBalance expert_balance(const experts::ExpertLoad& load, uint32_t ranks,
                             const std::vector<Placement>& placement) {
  ExpertBalance out;
  out.ranks = ranks;
  const Placement identity = contiguous(load.experts);
  double bsum = 0;
  size_t busy = 0;
  for (size_t l = 0; l < load.layers(); ++l) {
    LayerBalance b;
    b.layer = load.layer_ids[l];
    std::vector<double> w = row(load, l);
    for (size_t e = 0; e < w.size(); ++e) {
      const int64_t c = load.at(l, e);
      b.total += c;
      if (e == 0 || c > b.max_count) b.max_count = c, b.max_expert = static_cast<uint32_t>(e);
      if (e == 0 || c < b.min_count) b.min_count = c, b.min_expert = static_cast<uint32_t>(e);
    }
    const double n = static_cast<double>(w.size());
    b.mean = n > 0 ? static_cast<double>(b.total) / n : 0;
    double var = 0;
    for (double x : w) var += (x - b.mean) * (x - b.mean);
    b.cv = b.mean > 0 ? std::sqrt(var / n) / b.mean : 0;
    b.max_over_mean = b.mean > 0 ? static_cast<double>(b.max_count) / b.mean : 0;
    std::vector<size_t> order = by_weight(w);
    for (size_t i = 0; i < std::min<size_t>(3, order.size()); ++i)
      b.hottest.push_back(static_cast<uint32_t>(order[i]));
    if (ranks > 0) {
      const Placement& p = placement.empty()       ? identity
                           : placement.size() == 1 ? placement[0]
                                                   : placement.at(l);
      b.rank_load = rank_loads(w, p, ranks);
      b.balancedness = balancedness(b.rank_load);
    }
    if (b.total > 0) {
      bsum += b.balancedness;
      ++busy;
      out.balancedness_min = std::min(out.balancedness_min, b.balancedness);
    }
    out.layers.push_back(std::move(b));
  }
  out.balancedness_mean = busy ? bsum / static_cast<double>(busy) : 1;
  return out;
}

std::vector<double> pass_balancedness(const experts::ExpertLoad& load, uint32_t ranks,
                                      const std::vector<Placement>& placement) {
  // Per layer, once: each slot's rank and expert, and each expert's replica count (validated by
  // rank_loads). The pass loop then only adds.
  const Placement identity = contiguous(load.experts);
  const size_t layers = load.layers(), experts = load.experts;
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> slots(layers);  // (rank, expert)
  std::vector<std::vector<double>> share(layers);                         // 1 / replicas per expert
  for (size_t l = 0; l < layers; ++l) {
    const Placement& p = placement.empty()       ? identity
                         : placement.size() == 1 ? placement[0]
                                                 : placement.at(l);
    rank_loads(std::vector<double>(experts, 0), p, ranks);  // throws on a bad placement
    share[l].assign(experts, 0);
    for (int32_t e : p) share[l][static_cast<size_t>(e)] += 1;
    for (double& x : share[l]) x = x > 0 ? 1 / x : 0;
    const size_t per = p.size() / ranks;
    for (size_t s = 0; s < p.size(); ++s)
      slots[l].emplace_back(static_cast<uint32_t>(s / per), static_cast<uint32_t>(p[s]));
  }
  std::vector<double> out;
  out.reserve(load.pass_counts.size());
  std::vector<double> rank(ranks);
  for (const auto& pass : load.pass_counts) {
    double sum = 0;
    size_t busy = 0;
    for (size_t l = 0; l < layers; ++l) {
      const int64_t* row = pass.data() + l * experts;
      std::fill(rank.begin(), rank.end(), 0.0);
      for (const auto& [r, e] : slots[l]) rank[r] += static_cast<double>(row[e]) * share[l][e];
      double total = 0, mx = 0;
      for (double x : rank) total += x, mx = std::max(mx, x);
      if (mx <= 0) continue;
      sum += total / static_cast<double>(ranks) / mx;
      ++busy;
    }
    out.push_back(busy ? sum / static_cast<double>(busy) : 1);
  }
  return out;
}

uint32_t default_ranks(uint32_t experts) {
  for (uint32_t r = 8; r > 1; --r)
    if (experts % r == 0) return r;
  return 1;
}

Placement eplb_placement(const std::vector<double>& w, const EplbOptions& o) {
  const size_t experts = w.size();
  size_t groups = o.groups, nodes = o.nodes;
  if (groups == 0 || nodes == 0 || groups % nodes) groups = 1, nodes = 1;  // EPLB's global policy
  const size_t gpus = o.gpus, slots = o.replicas;
  if (experts == 0 || experts % groups || slots < experts || slots % gpus || gpus % nodes || experts % nodes)
    throw std::invalid_argument(
        fmt::format("cannot place {} experts in {} slots over {} GPUs ({} groups, {} nodes)", experts, slots,
                    gpus, groups, nodes));
  const size_t group_size = experts / groups, groups_per_node = groups / nodes;
  const size_t per_gpu = slots / gpus, per_node_log = experts / nodes, per_node_phy = slots / nodes;
  // 1. groups onto nodes
  std::vector<double> group_w(groups, 0);
  for (size_t e = 0; e < experts; ++e) group_w[e / group_size] += w[e];
  std::vector<size_t> gpack, grank;
  balanced_packing(group_w, nodes, gpack, grank);
  std::vector<size_t> log2mlog(experts);
  for (size_t e = 0; e < experts; ++e) {
    const size_t g = e / group_size;
    log2mlog[e] = (gpack[g] * groups_per_node + grank[g]) * group_size + e % group_size;
  }
  const std::vector<size_t> mlog2log = inverse(log2mlog);
  Placement out(slots);
  for (size_t n = 0; n < nodes; ++n) {
    // 2. redundant experts within the node
    std::vector<double> mw(per_node_log);
    for (size_t m = 0; m < per_node_log; ++m) mw[m] = w[mlog2log[n * per_node_log + m]];
    std::vector<size_t> phy2mlog, cnt;
    replicate(mw, per_node_phy, phy2mlog, cnt);
    // 3. physical experts onto the node's GPUs
    std::vector<double> pw(per_node_phy);
    for (size_t i = 0; i < per_node_phy; ++i) pw[i] = mw[phy2mlog[i]] / static_cast<double>(cnt[phy2mlog[i]]);
    std::vector<size_t> pack, rank;
    balanced_packing(pw, gpus / nodes, pack, rank);
    std::vector<size_t> phy2pphy(per_node_phy);
    for (size_t i = 0; i < per_node_phy; ++i) phy2pphy[i] = pack[i] * per_gpu + rank[i];
    const std::vector<size_t> pphy2phy = inverse(phy2pphy);
    for (size_t k = 0; k < per_node_phy; ++k)
      out[n * per_node_phy + k] = static_cast<int32_t>(mlog2log[phy2mlog[pphy2phy[k]] + n * per_node_log]);
  }
  return out;
}

Rebalance rebalance_what_if(const experts::ExpertLoad& load, uint32_t ranks, uint32_t redundant) {
  Rebalance out;
  out.ranks = ranks;
  out.redundant = redundant;
  const Placement identity = contiguous(load.experts);
  EplbOptions o;
  o.replicas = load.experts + redundant;
  o.gpus = ranks;
  double drop = 0;
  size_t busy = 0;
  for (size_t l = 0; l < load.layers(); ++l) {
    RebalanceLayer r;
    r.layer = load.layer_ids[l];
    std::vector<double> w = row(load, l);
    r.placement = eplb_placement(w, o);
    r.before = rank_loads(w, identity, ranks);
    r.after = rank_loads(w, r.placement, ranks);
    r.max_before = *std::max_element(r.before.begin(), r.before.end());
    r.max_after = *std::max_element(r.after.begin(), r.after.end());
    r.balancedness_before = balancedness(r.before);
    r.balancedness_after = balancedness(r.after);
    if (r.max_before > 0) drop += 1 - r.max_after / r.max_before, ++busy;
    out.layers.push_back(std::move(r));
  }
  out.max_drop = busy ? drop / static_cast<double>(busy) : 0;
  return out;
}

}  // namespace hp
