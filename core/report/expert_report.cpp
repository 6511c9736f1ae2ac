#include "core/report/expert_report.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "core/analysis/expert_balance.h"
#include "core/experts/pair_pkl.h"
#include "core/experts/placement.h"

namespace hp {
namespace {

nlohmann::json num(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json one(const experts::ExpertLoad& l, const ExpertReportOptions& o) {
  nlohmann::json j;
  j["source"] = l.source;
  j["format"] = l.format;
  j["layers"] = l.layers();
  j["experts"] = l.experts;
  j["columns"] = l.columns_are_ranks ? "ranks" : "experts";
  if (!l.pass_ts_ns.empty()) j["pass_ts_ns"] = l.pass_ts_ns;
  j["warnings"] = l.warnings;
  j["balance"] = nlohmann::json::array();
  for (const auto& b : l.balance)
    j["balance"].push_back({{"step", b.step},
                            {"ts_ns", b.ts_ns == experts::BalancePoint{}.ts_ns ? nlohmann::json(nullptr)
                                                                               : nlohmann::json(b.ts_ns)},
                            {"balancedness", num(b.balancedness)},
                            {"avg_tokens", num(b.avg_tokens)},
                            {"max_tokens", num(b.max_tokens)}});
  j["layer"] = nlohmann::json::array();
  j["passes"] = nlohmann::json::array();
  j["rebalance"] = nullptr;
  j["ranks"] = nullptr;
  j["placement"] = nullptr;
  j["balancedness"] = nullptr;
  j["pairs"] = nlohmann::json::array();
  for (const auto& m : l.pairs) {
    nlohmann::json top = nlohmann::json::array();
    for (const auto& p : experts::top_pairs(m, 10))
      top.push_back({{"a", p.a},
                     {"b", p.b},
                     {"count", p.count},
                     {"share", m.total ? static_cast<double>(p.count) / static_cast<double>(m.total) : 0.0},
                     {"lift", p.lift}});
    j["pairs"].push_back({{"layer_a", m.layer_a},
                          {"layer_b", m.layer_b},
                          {"experts_a", m.experts_a},
                          {"experts_b", m.experts_b},
                          {"total", m.total},
                          {"diagonal", experts::diagonal_sum(m)},
                          {"top", top},
                          {"counts", m.counts}});
  }
  if (!l.has_counts()) return j;
  // Columns that are GPU ranks already (eplb_gpu_physical_count) fold one to one.
  const uint32_t ranks = l.columns_are_ranks ? experts::default_placement_ranks(l)
                         : o.ranks           ? o.ranks
                                             : experts::default_placement_ranks(l);
  // The source's or the user's placement (physical slot -> logical expert) when it splits over the ranks.
  std::vector<Placement> placement = experts::placement_for(l, ranks);
  if (placement.empty() && l.experts % ranks)
    throw std::invalid_argument(
        fmt::format("{}: {} experts do not split evenly over {} ranks", l.source, l.experts, ranks));
  j["ranks"] = ranks;
  j["placement"] = placement.empty() ? "contiguous" : l.placement_source == "dump" ? "dump" : "map";
  j["placement_label"] = experts::placement_label(l, !placement.empty());
  j["slots"] = placement.empty() ? l.experts : placement[0].size();
  if (!placement.empty()) j["placement_note"] = experts::kReplicaNote;
  ExpertBalance b = expert_balance(l, ranks, placement);
  j["balancedness"] = {{"mean", b.balancedness_mean}, {"min", b.balancedness_min}};
  for (size_t i = 0; i < b.layers.size(); ++i) {
    const LayerBalance& x = b.layers[i];
    std::vector<int64_t> counts(l.counts.begin() + static_cast<std::ptrdiff_t>(i * l.experts),
                                l.counts.begin() + static_cast<std::ptrdiff_t>((i + 1) * l.experts));
    j["layer"].push_back({{"index", i},
                          {"layer", x.layer},
                          {"total", x.total},
                          {"max", {{"expert", x.max_expert}, {"count", x.max_count}}},
                          {"min", {{"expert", x.min_expert}, {"count", x.min_count}}},
                          {"max_over_mean", x.max_over_mean},
                          {"cv", x.cv},
                          {"hottest", x.hottest},
                          {"rank_load", x.rank_load},
                          {"balancedness", x.balancedness},
                          {"counts", counts}});
  }
  std::vector<double> pb = pass_balancedness(l, ranks, placement);
  for (size_t p = 0; p < pb.size(); ++p)
    j["passes"].push_back({{"id", l.pass_ids[p]}, {"balancedness", pb[p]}});
  if (!l.columns_are_ranks && (l.experts + o.redundant) % ranks == 0 && l.experts % ranks == 0) {
    Rebalance r = rebalance_what_if(l, ranks, o.redundant);
    nlohmann::json rl = nlohmann::json::array();
    for (const auto& x : r.layers)
      rl.push_back({{"layer", x.layer},
                    {"max_before", x.max_before},
                    {"max_after", x.max_after},
                    {"balancedness_before", x.balancedness_before},
                    {"balancedness_after", x.balancedness_after},
                    {"placement", x.placement}});
    j["rebalance"] = {{"ranks", ranks}, {"redundant", o.redundant}, {"max_drop", r.max_drop}, {"layers", rl}};
  }
  return j;
}

}  // namespace

nlohmann::json expert_report_json(const std::vector<experts::ExpertLoad>& loads,
                                  const ExpertReportOptions& o) {
  nlohmann::json j;
  j["inputs"] = nlohmann::json::array();
  for (const auto& l : loads) j["inputs"].push_back(one(l, o));
  return j;
}

std::string expert_report_text(const nlohmann::json& report) {
  std::string s;
  for (const auto& in : report["inputs"]) {
    if (in["layers"].get<size_t>() == 0 && !in["pairs"].empty())
      s += fmt::format("{} ({}): {} co-routing matrices", in["source"].get<std::string>(),
                       in["format"].get<std::string>(), in["pairs"].size());
    else
      s += fmt::format("{} ({}): {} layers x {} {}", in["source"].get<std::string>(),
                       in["format"].get<std::string>(), in["layers"].get<size_t>(),
                       in["experts"].get<uint32_t>(),
                       in["columns"] == "ranks" ? "GPU ranks (columns are ranks, not experts)" : "experts");
    if (!in["ranks"].is_null())
      s += fmt::format(", {} ranks ({}): balancedness mean {:.4f}, worst {:.4f}", in["ranks"].get<uint32_t>(),
                       in["placement_label"].get<std::string>(), in["balancedness"]["mean"].get<double>(),
                       in["balancedness"]["min"].get<double>());
    s += "\n";
    if (in.contains("placement_note"))
      s += fmt::format("  {} slots per layer; {}\n", in["slots"].get<size_t>(),
                       in["placement_note"].get<std::string>());
    if (!in["layer"].empty())
      s += fmt::format("  {:>5} {:>12} {:>16} {:>14} {:>9} {:>7} {:>14} {:>8}\n", "layer", "tokens",
                       "max (expert)", "min (expert)", "max/mean", "CV", "hottest", "rank bal");
    const char* col = in["columns"] == "ranks" ? "r" : "e";
    for (const auto& x : in["layer"]) {
      std::string hot;
      for (const auto& h : x["hottest"]) hot += (hot.empty() ? "" : ",") + std::to_string(h.get<uint32_t>());
      s += fmt::format(
          "  {:>5} {:>12} {:>16} {:>14} {:>9.4f} {:>7.4f} {:>14} {:>8.4f}\n", x["layer"].get<int64_t>(),
          x["total"].get<int64_t>(),
          fmt::format("{} ({}{})", x["max"]["count"].get<int64_t>(), col, x["max"]["expert"].get<uint32_t>()),
          fmt::format("{} ({}{})", x["min"]["count"].get<int64_t>(), col, x["min"]["expert"].get<uint32_t>()),
          x["max_over_mean"].get<double>(), x["cv"].get<double>(), hot, x["balancedness"].get<double>());
    }
    if (!in["rebalance"].is_null()) {
      const auto& r = in["rebalance"];
      s += fmt::format(
          "  rebalance what-if (EPLB greedy packing, {} ranks, {} redundant slots{}): busiest rank -{:.1f} "
          "%\n",
          r["ranks"].get<uint32_t>(), r["redundant"].get<uint32_t>(),
          in.contains("placement_note") ? "; from contiguous blocks, not the placement" : "",
          100 * r["max_drop"].get<double>());
      for (const auto& x : r["layers"])
        s += fmt::format("    layer {:>3}: busiest rank {:.0f} -> {:.0f}, balancedness {:.4f} -> {:.4f}\n",
                         x["layer"].get<int64_t>(), x["max_before"].get<double>(),
                         x["max_after"].get<double>(), x["balancedness_before"].get<double>(),
                         x["balancedness_after"].get<double>());
    }
    if (!in["passes"].empty()) {
      double lo = 1, sum = 0;
      for (const auto& p : in["passes"])
        lo = std::min(lo, p["balancedness"].get<double>()), sum += p["balancedness"].get<double>();
      s += fmt::format("  {} passes: balancedness mean {:.4f}, worst {:.4f}\n", in["passes"].size(),
                       sum / static_cast<double>(in["passes"].size()), lo);
    }
    if (!in["balance"].empty()) {
      double lo = 1, sum = 0;
      for (const auto& p : in["balance"])
        lo = std::min(lo, p["balancedness"].get<double>()), sum += p["balancedness"].get<double>();
      s += fmt::format("  {} balancedness lines: mean {:.4f}, worst {:.4f}, last {:.4f}\n",
                       in["balance"].size(), sum / static_cast<double>(in["balance"].size()), lo,
                       in["balance"].back()["balancedness"].get<double>());
    }
    for (const auto& m : in["pairs"]) {
      const auto total = m["total"].get<int64_t>();
      s += fmt::format(
          "  layer {} x layer {} ({} x {} experts): {} token choices, same expert id in both {} ({:.2f} %)\n",
          m["layer_a"].get<int64_t>(), m["layer_b"].get<int64_t>(), m["experts_a"].get<uint32_t>(),
          m["experts_b"].get<uint32_t>(), total, m["diagonal"].get<int64_t>(),
          total ? 100.0 * static_cast<double>(m["diagonal"].get<int64_t>()) / static_cast<double>(total)
                : 0.0);
      s += "    top pairs (expert in a, expert in b: count, share, lift over independent choice):\n";
      for (const auto& p : m["top"])
        s += fmt::format("      e{:<3} e{:<3} {:>10} {:>7.2f} % {:>6.2f}x\n", p["a"].get<uint32_t>(),
                         p["b"].get<uint32_t>(), p["count"].get<int64_t>(), 100 * p["share"].get<double>(),
                         p["lift"].get<double>());
    }
    for (const auto& w : in["warnings"]) s += "  warning: " + w.get<std::string>() + "\n";
  }
  return s;
}

}  // namespace hp
