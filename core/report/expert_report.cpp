#include "core/report/expert_report.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "core/analysis/expert_balance.h"

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
  if (!l.has_counts()) return j;
  const uint32_t ranks = o.ranks ? o.ranks : default_ranks(l.experts);
  if (l.experts % ranks)
    throw std::invalid_argument(
        fmt::format("{}: {} experts do not split evenly over {} ranks", l.source, l.experts, ranks));
  j["ranks"] = ranks;
  // The dump's own placement (physical slot -> logical expert) when it has one that splits over the ranks.
  std::vector<Placement> placement;
  if (!l.physical_to_logical.empty() && l.physical_to_logical.size() == l.layers() &&
      l.physical_to_logical[0].size() % ranks == 0)
    placement = l.physical_to_logical;
  j["placement"] = placement.empty() ? "contiguous" : "dump";
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
  if ((l.experts + o.redundant) % ranks == 0) {
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
    s += fmt::format("{} ({}): {} layers x {} experts", in["source"].get<std::string>(),
                     in["format"].get<std::string>(), in["layers"].get<size_t>(),
                     in["experts"].get<uint32_t>());
    if (!in["ranks"].is_null())
      s += fmt::format(", {} ranks ({}): balancedness mean {:.4f}, worst {:.4f}", in["ranks"].get<uint32_t>(),
                       in["placement"] == "dump" ? "the dump's placement" : "contiguous",
                       in["balancedness"]["mean"].get<double>(), in["balancedness"]["min"].get<double>());
    s += "\n";
    if (!in["layer"].empty())
      s += fmt::format("  {:>5} {:>12} {:>16} {:>14} {:>9} {:>7} {:>14} {:>8}\n", "layer", "tokens",
                       "max (expert)", "min (expert)", "max/mean", "CV", "hottest", "rank bal");
    for (const auto& x : in["layer"]) {
      std::string hot;
      for (const auto& h : x["hottest"]) hot += (hot.empty() ? "" : ",") + std::to_string(h.get<uint32_t>());
      s += fmt::format(
          "  {:>5} {:>12} {:>16} {:>14} {:>9.4f} {:>7.4f} {:>14} {:>8.4f}\n", x["layer"].get<int64_t>(),
          x["total"].get<int64_t>(),
          fmt::format("{} (e{})", x["max"]["count"].get<int64_t>(), x["max"]["expert"].get<uint32_t>()),
          fmt::format("{} (e{})", x["min"]["count"].get<int64_t>(), x["min"]["expert"].get<uint32_t>()),
          x["max_over_mean"].get<double>(), x["cv"].get<double>(), hot, x["balancedness"].get<double>());
    }
    if (!in["rebalance"].is_null()) {
      const auto& r = in["rebalance"];
      s += fmt::format(
          "  rebalance what-if (EPLB greedy packing, {} ranks, {} redundant slots): busiest rank -{:.1f} %\n",
          r["ranks"].get<uint32_t>(), r["redundant"].get<uint32_t>(), 100 * r["max_drop"].get<double>());
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
    for (const auto& w : in["warnings"]) s += "  warning: " + w.get<std::string>() + "\n";
  }
  return s;
}

}  // namespace hp
