#include "core/kv/kv_report.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace hp::kv {

nlohmann::json kv_report_json(const KvSeries& s, const KvVerdict& v, int bins) {
  using nlohmann::json;
  json j;
  j["engine"] = s.engine;
  j["span_s"] = v.span_s;
  j["usage_source"] = s.usage_source;
  json usage = json::array();
  for (const auto& l : s.usage) {
    json u;
    u["replica"] = l.replica;
    u["pool"] = l.pool.empty() ? "full" : l.pool;
    u["samples"] = l.ts.size();
    u["peak"] = l.usage.empty() ? 0.0 : *std::max_element(l.usage.begin(), l.usage.end());
    u["mean"] = step_mean(l.ts, l.usage);
    u["seconds_above_90"] = step_seconds_above(l.ts, l.usage, 0.9);
    usage.push_back(u);
  }
  j["usage"] = usage;
  j["capacity"] = {{"tokens", s.capacity.tokens},
                   {"num_gpu_blocks", s.capacity.num_gpu_blocks},
                   {"block_size", s.capacity.block_size},
                   {"source", s.capacity.source}};
  j["preemptions"] = s.preemptions;
  json prefix = {{"method", s.prefix_method}};
  if (!s.prefix_steps.empty()) {
    prefix["hits"] = s.prefix_hits;
    prefix["queries"] = s.prefix_queries;
    prefix["hit_rate"] = s.prefix_queries > 0 ? s.prefix_hits / s.prefix_queries : 0.0;
    json series = json::array();
    const auto pb = prefix_bins(s, s.t0, s.t1, bins);
    const double width = static_cast<double>(s.t1 - s.t0) / bins / 1e9;
    for (size_t c = 0; c < pb.size(); ++c) {
      const double r = pb[c].rate();
      series.push_back({{"t_s", width * static_cast<double>(c)},
                        {"hits", pb[c].hits},
                        {"queries", pb[c].queries},
                        {"rate", std::isnan(r) ? json(nullptr) : json(r)}});
    }
    prefix["bins"] = series;
  } else if (!s.prefix_gauge.empty()) {
    double peak = 0, last = 0;
    for (const auto& l : s.prefix_gauge)
      if (!l.usage.empty()) {
        peak = std::max(peak, *std::max_element(l.usage.begin(), l.usage.end()));
        last = std::max(last, l.usage.back());
      }
    prefix["engine_rate_peak"] = peak;
    prefix["engine_rate_last"] = last;
  }
  j["prefix"] = prefix;
  json res = json::array();
  for (const auto& r : s.residency) {
    auto q = [](double x, bool over) { return over ? json(fmt::format("> {:g}", x)) : json(x); };
    res.push_back({{"name", r.name},
                   {"family", r.family},
                   {"observations", r.total},
                   {"p50_s", q(r.p50, r.p50_over)},
                   {"p90_s", q(r.p90, r.p90_over)},
                   {"p99_s", q(r.p99, r.p99_over)}});
  }
  j["residency"] = res;
  j["verdict"] = {{"regime", to_string(v.regime)},  {"headline", v.headline},
                  {"evidence", v.evidence},         {"usage_peak", v.usage_peak},
                  {"usage_mean", v.usage_mean},     {"seconds_above_90", v.seconds_above_90},
                  {"queue_peak", v.queue_peak},     {"queue_seconds", v.queue_seconds},
                  {"running_peak", v.running_peak}, {"usage_peak_while_queued", v.usage_peak_while_queued},
                  {"hit_rate", v.hit_rate}};
  j["warnings"] = s.warnings;
  return j;
}

std::string kv_report_text(const nlohmann::json& j) {
  std::string out = fmt::format("KV cache ({}, {:.0f} s, usage from {})\n", j["engine"].get<std::string>(),
                                j["span_s"].get<double>(), j["usage_source"].get<std::string>());
  for (const auto& u : j["usage"])
    out += fmt::format(
        "  {:<24} {:<4} {:>5} samples  peak {:5.1f} %  mean {:5.1f} %  {:.0f} s > 90 %\n",
        u["replica"].get<std::string>().empty() ? "(one replica)" : u["replica"].get<std::string>(),
        u["pool"].get<std::string>(), u["samples"].get<size_t>(), 100 * u["peak"].get<double>(),
        100 * u["mean"].get<double>(), u["seconds_above_90"].get<double>());
  const auto& c = j["capacity"];
  if (c["tokens"].get<int64_t>() > 0)
    out +=
        fmt::format("capacity: {} tokens ({})\n", c["tokens"].get<int64_t>(), c["source"].get<std::string>());
  if (j["preemptions"].get<double>() >= 0)
    out += fmt::format("preemptions: {:.0f}\n", j["preemptions"].get<double>());
  const auto& p = j["prefix"];
  if (p.contains("hit_rate"))
    out += fmt::format("prefix hit rate: {:.2f} % ({:.0f} hits / {:.0f} queries, {})\n",
                       100 * p["hit_rate"].get<double>(), p["hits"].get<double>(), p["queries"].get<double>(),
                       p["method"].get<std::string>());
  else if (p.contains("engine_rate_peak"))
    out += fmt::format("prefix hit rate: engine rolling rate, peak {:.1f} %, last {:.1f} %\n",
                       100 * p["engine_rate_peak"].get<double>(), 100 * p["engine_rate_last"].get<double>());
  for (const auto& r : j["residency"]) {
    auto q = [](const nlohmann::json& x) {
      return x.is_string() ? x.get<std::string>() + " s" : fmt::format("{:.3g} s", x.get<double>());
    };
    out += fmt::format("{}: {:.0f} blocks, p50 {}, p90 {}, p99 {}\n", r["name"].get<std::string>(),
                       r["observations"].get<double>(), q(r["p50_s"]), q(r["p90_s"]), q(r["p99_s"]));
  }
  const auto& v = j["verdict"];
  out += fmt::format("verdict: {}\n  {}\n", v["regime"].get<std::string>(), v["headline"].get<std::string>());
  for (const auto& e : v["evidence"]) out += "  - " + e.get<std::string>() + "\n";
  for (const auto& w : j["warnings"]) out += "warning: " + w.get<std::string>() + "\n";
  return out;
}

}  // namespace hp::kv
