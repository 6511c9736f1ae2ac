#include "core/report/serve_report.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/report/phase_split_json.h"
#include "core/serving/concept_series.h"
#include "core/serving/gpu_telemetry.h"
#include "core/serving/metric_math.h"
#include "core/session/engine_iterations.h"

namespace hp {

using namespace serving;

namespace {

constexpr int64_t kAllBegin = std::numeric_limits<int64_t>::min();
constexpr int64_t kAllEnd = std::numeric_limits<int64_t>::max();

bool ends_with(std::string_view s, std::string_view suf) {
  return s.size() >= suf.size() && s.substr(s.size() - suf.size()) == suf;
}

struct Group {
  std::string kind, unit;
  std::vector<ConceptSeries> parts;
  std::string family;  // histograms: the exposed family name
};

// Groups every stored series by canonical name; scraped series win over log series of the same concept.
std::map<std::string, Group> group_series(const ServingData& data, const MetricMap* map,
                                          const std::string& engine) {
  std::map<std::string, Group> groups;
  for (const auto& s : data.metrics) {
    const std::string& n = s.key.name;
    if (is_gpu_series(n)) continue;  // per-GPU telemetry: the measurement context, not summed here
    std::string name = n, kind, unit, family;
    double scale = 1;
    const MetricMapping* m = map ? map->lookup(n, engine) : nullptr;
    if (m && m->kind == "histogram") {
      if (!ends_with(n, "_bucket")) continue;  // _sum/_count/_created: the buckets carry it
      name = m->concept_name, kind = "histogram", unit = m->unit, family = n.substr(0, n.size() - 7);
    } else if (m && m->series == n) {
      if (m->kind == "info") continue;
      name = m->concept_name, kind = m->kind, unit = m->unit, scale = m->scale;
    } else if (ends_with(n, "_bucket")) {
      family = n.substr(0, n.size() - 7), name = family, kind = "histogram";
    } else if (ends_with(n, "_sum") || ends_with(n, "_count") || ends_with(n, "_created")) {
      continue;
    } else {
      kind = ends_with(n, "_total") ? "counter" : "gauge";
    }
    Group& g = groups[name];
    g.kind = kind, g.unit = unit, g.family = family;
    g.parts.push_back({&s, scale, false});
  }
  // A concept both scraped from the endpoint and read from Prometheus: the direct scrape is shown (the
  // same server counted twice would double the sums); run files keep both.
  for (auto& [name, g] : groups) {
    auto direct = [](const ConceptSeries& c) { return c.series->source.empty(); };
    if (std::any_of(g.parts.begin(), g.parts.end(), direct) &&
        !std::all_of(g.parts.begin(), g.parts.end(), direct))
      std::erase_if(g.parts, [&](const ConceptSeries& c) { return !direct(c); });
  }
  std::map<std::string, Group> logs;
  for (const auto& s : data.log_series) {
    if (groups.count(s.key.name)) continue;
    Group& g = logs[s.key.name];
    const std::string& n = s.key.name;
    g.kind =
        n == "preemptions" || n == "prefix_cache_hits" || n == "prefix_cache_queries" ? "counter" : "gauge";
    if (map)
      if (auto of = map->series_of(n); !of.empty()) g.unit = of.front()->unit;
    g.parts.push_back({&s, 1.0, true});
  }
  groups.merge(logs);
  return groups;
}

MetricSummary summarize(const std::string& name, const Group& g, const ServingData& data) {
  MetricSummary m;
  m.name = name;
  m.kind = g.kind;
  m.from_log = g.parts.front().from_log;
  m.source = series_source(g.parts.front());
  for (const auto& p : g.parts) m.samples += p.series->samples.size();
  if (g.kind == "histogram") {
    std::vector<MetricSeries> same_source;  // the family's buckets from the source this group shows
    for (const auto& s : data.metrics)
      if (s.source == g.parts.front().series->source && s.key.name.rfind(g.family, 0) == 0)
        same_source.push_back(s);
    auto b = histogram_window(same_source, g.family, kAllBegin, kAllEnd);
    m.count = b.empty() ? 0 : b.back().count;
    m.p50 = histogram_quantile(0.5, b);
    m.p90 = histogram_quantile(0.9, b);
    m.p99 = histogram_quantile(0.99, b);
    return m;
  }
  if (g.kind == "counter") {
    int64_t lo = kAllEnd, hi = kAllBegin;
    for (const auto& p : g.parts) {
      const auto& ss = p.series->samples;
      if (ss.empty()) continue;
      lo = std::min(lo, ss.front().ts_ns), hi = std::max(hi, ss.back().ts_ns);
      double inc = counter_increase(ss, kAllBegin, kAllEnd);
      if (!std::isnan(inc)) m.increase += inc * p.scale;
    }
    m.rate_s = hi > lo ? m.increase / (static_cast<double>(hi - lo) / 1e9) : 0;
    return m;
  }
  const bool fraction = g.unit == "fraction" || name.find("usage") != std::string::npos ||
                        name.find("hit_rate") != std::string::npos;
  std::vector<Sample> merged = merge_series(g.parts, fraction ? Merge::Max : Merge::Sum);
  if (name.rfind("iteration.", 0) == 0) {  // events, not a state: per-iteration mean
    double sum = 0, peak = -std::numeric_limits<double>::infinity();
    for (const auto& s : g.parts.front().series->samples) sum += s.value, peak = std::max(peak, s.value);
    const auto n = g.parts.front().series->samples.size();
    m.avg = n ? sum / static_cast<double>(n) : 0;
    m.peak = n ? peak : 0;
    return m;
  }
  GaugeStats gs = gauge_stats(std::move(merged));
  m.avg = gs.avg;
  m.peak = gs.peak;
  return m;
}

nlohmann::json num(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json dist_json(const Dist& d) {
  return {{"n", d.n},          {"mean", num(d.mean)}, {"p50", num(d.p50)},
          {"p90", num(d.p90)}, {"p99", num(d.p99)},   {"max", num(d.max)}};
}

nlohmann::json gauge_json(const GaugeStats& g) {
  if (!g.present) return nullptr;
  return {{"avg", g.avg},   {"p50", g.p50},         {"p99", g.p99},
          {"peak", g.peak}, {"samples", g.samples}, {"source", g.source}};
}

// --- text / markdown -----------------------------------------------------------------------------------

std::string fmt_ms(double v) {
  if (!std::isfinite(v)) return "-";
  if (std::fabs(v) < 1) return fmt::format("{:.3f}", v);
  if (std::fabs(v) < 10) return fmt::format("{:.2f}", v);
  return fmt::format("{:.1f}", v);
}
std::string fmt_num(double v) {
  if (!std::isfinite(v)) return "-";
  if (std::fabs(v) >= 1e6) return fmt::format("{:.3g}", v);
  if (v == std::floor(v) && std::fabs(v) < 1e6) return fmt::format("{:.0f}", v);
  return fmt::format("{:.3f}", v);
}
std::string pct(double v) {
  return std::isfinite(v) ? fmt::format("{:.1f}%", v * 100) : "-";
}

struct Table {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> notes;
};

// Where the series came from (the run's scrape, a Prometheus server, the log), one short note each.
std::vector<std::string> sources_notes(const ServeReport& r) {
  auto n = [&](const char* k) {
    auto it = r.series_by_source.find(k);
    return it == r.series_by_source.end() ? size_t{0} : it->second;
  };
  std::vector<std::string> out;
  std::string s = fmt::format("Series: {} from the endpoint's /metrics", n("metrics"));
  if (n("prometheus")) s += fmt::format(", {} from Prometheus (fleet query_range)", n("prometheus"));
  if (n("log")) s += fmt::format(", {} from the server log", n("log"));
  out.push_back(s + ".");
  if (n("nvml") || n("dcgm"))
    out.push_back(fmt::format("GPU series: {} from NVML, {} from dcgm-exporter (see Measurement context).",
                              n("nvml"), n("dcgm")));
  if (!r.prometheus_url.empty()) out.push_back("Prometheus server: " + r.prometheus_url);
  if (n("metrics") && n("prometheus"))
    out.push_back("Where a concept has both, the direct scrape is shown; the run file keeps both.");
  return out;
}

// Per group: time to its last completion, first-to-last spread, output lengths; then the straggler time.
Table rollouts_table(const RolloutStats& x, const std::string& note) {
  Table t{fmt::format("Rollouts ({} per prompt)", x.n),
          {"group", "requests", "ok", "to last ms", "spread ms", "out min", "out p50", "out max"},
          {},
          {}};
  constexpr size_t kRows = 20;
  for (size_t i = 0; i < x.groups.size() && i < kRows; ++i) {
    const auto& g = x.groups[i];
    t.rows.push_back({std::to_string(g.group) + (g.partial ? " (partial)" : ""), std::to_string(g.requests),
                      std::to_string(g.ok), fmt_ms(g.to_last_ms), fmt_ms(g.spread_ms), fmt_num(g.output_min),
                      fmt_num(g.output_tokens.p50), fmt_num(g.output_tokens.max)});
  }
  if (x.groups.size() > kRows)
    t.notes.push_back(fmt::format("{} more groups in --format json.", x.groups.size() - kRows));
  t.notes.push_back(fmt::format(
      "Complete groups: time to last completion p50 {} ms, max {} ms; spread p50 {} ms, "
      "max {} ms.",
      fmt_ms(x.to_last_ms.p50), fmt_ms(x.to_last_ms.max), fmt_ms(x.spread_ms.p50), fmt_ms(x.spread_ms.max)));
  t.notes.push_back(
      fmt::format("Stragglers: {:.2f} s of the {:.2f} s run ({}) with at most {} request(s) running "
                  "(from the {}).",
                  x.straggler_s, x.run_s, pct(x.straggler_share), fmt_num(x.few_threshold),
                  x.straggler_source.empty() ? "requests" : x.straggler_source));
  if (!note.empty()) t.notes.push_back("Sent as: " + note + ".");
  return t;
}

std::vector<Table> report_tables(const ServeReport& r) {
  std::vector<Table> t;
  const auto& L = r.latency;
  t.push_back({"Measurement context", {"", ""}, {}, measurement_context_lines(r.measurement)});
  {
    Table s{"Summary", {"", ""}, {}, {}};
    s.rows.push_back(
        {"Requests", fmt::format("{} total, {} ok, {} failed{}", L.total, L.ok, L.failed,
                                 L.warmup ? fmt::format(" ({} warm-up excluded)", L.warmup) : "")});
    if (!r.requests_from_log.empty()) s.rows.push_back({"Source", r.requests_from_log});
    s.rows.push_back({"Duration", fmt::format("{:.2f} s", L.duration_s)});
    s.rows.push_back({"Throughput", fmt::format("{:.2f} req/s, {:.1f} input tok/s, {:.1f} output tok/s",
                                                L.req_s, L.input_tok_s, L.output_tok_s)});
    if (!r.slo.empty())
      s.rows.push_back({"Goodput", fmt::format("{:.2f} req/s ({} of {} ok requests meet {})", L.goodput_req_s,
                                               L.good, L.ok, format_slo(r.slo))});
    s.rows.push_back({"Workload", r.workload.label()});
    t.push_back(std::move(s));
  }
  {
    Table lat{"Latency (ms)", {"metric", "n", "p50", "p90", "p99", "max"}, {}, {}};
    auto row = [&](const char* name, const Dist& d) {
      lat.rows.push_back(
          {name, std::to_string(d.n), fmt_ms(d.p50), fmt_ms(d.p90), fmt_ms(d.p99), fmt_ms(d.max)});
    };
    row("TTFT (client)", L.ttft_ms);
    row("TPOT (client)", L.tpot_ms);
    row("ITL (client, all gaps)", L.itl_ms);
    row("E2E (client)", L.e2e_ms);
    row("Queue (server)", L.queue_ms);
    row("Prefill (server)", L.prefill_ms);
    row("Decode (server)", L.decode_ms);
    if (r.correlation_method != "none")
      lat.notes.push_back(fmt::format(
          "Server times correlated by {} ({} by id, {} by time); clock offset {:+.0f} ms "
          "+- {:.0f} ms",
          r.correlation_method, r.by_id, r.by_time, r.clock_offset_ns / 1e6, r.offset_uncertainty_ns / 1e6));
    else
      lat.notes.push_back("No server-side request times (no correlated server log).");
    if (!r.phases_note.empty()) lat.notes.push_back(r.phases_note);
    t.push_back(std::move(lat));
  }
  {
    Table load{"Server load", {"series", "avg", "p50", "p99", "peak", "source"}, {}, {}};
    auto row = [&](const char* name, const GaugeStats& g, bool as_pct) {
      if (!g.present) return;
      auto f = [&](double v) { return as_pct ? pct(v) : fmt::format("{:.2f}", v); };
      load.rows.push_back({name, f(g.avg), f(g.p50), f(g.p99), f(g.peak), g.source});
    };
    row("Batch size (running)", r.load.batch, false);
    row("Queue depth (waiting)", r.load.queue, false);
    row("KV cache usage", r.load.kv, true);
    if (r.load.kv.present)
      load.notes.push_back(fmt::format("KV cache above 90% for {:.1f} s", r.load.kv_seconds_above_90));
    if (r.load.preemptions >= 0) load.notes.push_back(fmt::format("Preemptions: {:.0f}", r.load.preemptions));
    if (r.load.prefix.method != "none")
      load.notes.push_back(
          fmt::format("Prefix cache hit rate {} ({}{})", pct(r.load.prefix.hit_rate), r.load.prefix.method,
                      r.load.prefix.queries > 0
                          ? fmt::format(": {:.0f} / {:.0f} tokens", r.load.prefix.hits, r.load.prefix.queries)
                          : ""));
    if (load.rows.empty() && load.notes.empty()) load.notes.push_back("No server metrics or log series.");
    t.push_back(std::move(load));
  }
  if (r.phases.iterations) {
    const PhaseSplit& p = r.phases;
    Table ph{
        "Prefill / decode (engine iterations)",
        {"kind", "count", "time s", "prefill tok", "decode tok", "tok/s", p.timed ? "time %" : "count %"},
        {},
        {}};
    for (const auto& k : p.by_kind)
      if (k.count)
        ph.rows.push_back({to_string(k.kind), std::to_string(k.count),
                           p.timed ? fmt::format("{:.3f}", k.seconds) : "-", std::to_string(k.prefill_tokens),
                           std::to_string(k.decode_tokens),
                           p.timed ? fmt::format("{:.0f}", k.tokens_per_s) : "-", pct(k.share)});
    auto fit = [&](const char* what, const CostCurve& c, const char* per) {
      if (c.fit.valid())
        ph.notes.push_back(fmt::format("{} = {:.3f} ms + {:.5f} ms {} (R² {:.3f}, {} points, {})", what,
                                       c.fit.intercept, c.fit.slope, per, c.fit.r2, c.fit.n, c.source));
    };
    fit("Prefill step", p.prefill, "per prompt token");
    fit("Decode step", p.decode, "per running sequence");
    if (!p.timed)
      ph.notes.push_back("The log gives no step durations: shares are of iteration counts, no cost fit.");
    t.push_back(std::move(ph));
  }
  if (r.sharing) {
    const auto& p = *r.sharing;
    Table ps{"Prefix sharing", {"tokens", "prompts", "saved", "prefix"}, {}, {}};
    ps.notes.push_back(fmt::format("{}: {} of {} prompt tokens ({}) are shared prefixes over {} prompts",
                                   p.method, p.shared_tokens, p.prompt_tokens, pct(p.shared_fraction),
                                   p.prompts));
    for (const auto& g : p.top)
      ps.rows.push_back({std::to_string(g.tokens), std::to_string(g.prompts), std::to_string(g.tokens_saved),
                         g.preview.empty() ? fmt::format("(prompt #{})", g.first_prompt) : g.preview});
    t.push_back(std::move(ps));
  }
  if (r.rollouts) t.push_back(rollouts_table(*r.rollouts, r.rollouts_note));
  if (!r.metrics.empty()) {
    Table m{"Metrics", {"name", "kind", "avg/rate", "peak/p99", "samples", "source"}, {}, {}};
    for (const auto& x : r.metrics) {
      std::string a, b;
      if (x.kind == "counter")
        a = fmt::format("{}/s", fmt_num(x.rate_s)), b = fmt_num(x.increase) + " total";
      else if (x.kind == "histogram")
        a = "p50 " + fmt_num(x.p50), b = fmt_num(x.p99);
      else
        a = fmt_num(x.avg), b = fmt_num(x.peak);
      m.rows.push_back({x.name, x.kind, a, b, std::to_string(x.samples), x.source});
    }
    for (auto& n : sources_notes(r)) m.notes.push_back(std::move(n));
    t.push_back(std::move(m));
  }
  return t;
}

std::string clip(std::string s, size_t w) {
  if (s.size() <= w) return s;
  return s.substr(0, w - 3) + "...";
}

// Why queue / prefill / decode have no values: which server times the requests lack, and where the
// server-wide distributions are instead. Empty when every phase has values.
std::string phases_note(const ServeReport& r, const ServingData& data) {
  const auto& L = r.latency;
  if (L.queue_ms.n && L.prefill_ms.n && L.decode_ms.n) return {};
  std::vector<std::string> empty;
  if (!L.queue_ms.n) empty.push_back("queue");
  if (!L.prefill_ms.n) empty.push_back("prefill");
  if (!L.decode_ms.n) empty.push_back("decode");
  std::string what = fmt::format("{}", fmt::join(empty, "/"));
  std::string s;
  if (r.correlation_method == "none") {
    s = data.server_events.empty()
            ? fmt::format(
                  "Server {} empty: the run has no server request events (no --server-log, or a log "
                  "without per-request lines).",
                  what)
            : fmt::format("Server {} empty: {} server log events matched no request by id or time.", what,
                          data.server_events.size());
  } else {
    s = fmt::format(
        "Server {} empty: of {} measured requests, the log gave {} received, {} queued, {} scheduled, {} "
        "first-token and {} finished times (queue needs queued+scheduled, prefill scheduled+first token, "
        "decode first token+finished).",
        what, L.total, r.srv_received, r.srv_queued, r.srv_scheduled, r.srv_first_token, r.srv_finished);
    if (r.engine.rfind("vllm", 0) == 0 && r.srv_scheduled == 0 && r.srv_first_token == 0)
      s += " vLLM logs no per-request scheduling or first-token line, so its log cannot give them.";
  }
  std::vector<std::string> hists;
  for (const auto& m : r.metrics)
    if (m.kind == "histogram" &&
        (m.name == "queue_time" || m.name == "prefill_time" || m.name == "decode_time"))
      hists.push_back(m.name);
  if (!hists.empty())
    s += fmt::format(" Server-wide distributions (all requests, not per request): histograms {}.",
                     fmt::join(hists, ", "));
  return s;
}

}  // namespace

ServeReport build_serve_report(const ServingData& data, const MetricMap* map, const ServeReportOptions& opt) {
  ServeReport r;
  if (auto it = data.meta.find("engine"); it != data.meta.end()) r.engine = it->second;
  if (auto it = data.meta.find("model"); it != data.meta.end()) r.model = it->second;
  r.slo = opt.slo;
  r.latency = latency_stats(data.requests, opt.slo);
  r.load = load_stats(data, map);
  if (opt.prefix) r.sharing = analyze_prefix_sharing(*opt.prefix);
  r.workload = classify_workload(workload_input(data.requests));
  for (const auto& q : data.requests) {
    if (q.server.method == CorrelationMethod::RequestId) ++r.by_id;
    if (q.server.method == CorrelationMethod::TimeWindow) ++r.by_time;
    if (q.server.method != CorrelationMethod::None && !r.offset_uncertainty_ns) {
      r.clock_offset_ns = q.server.clock_offset_ns;
      r.offset_uncertainty_ns = q.server.offset_uncertainty_ns;
    }
  }
  r.correlation_method = r.by_id && r.by_time ? "request-id+time-window"
                         : r.by_id            ? "request-id"
                         : r.by_time          ? "time-window"
                                              : "none";
  for (const auto& [name, g] : group_series(data, map, r.engine))
    r.metrics.push_back(summarize(name, g, data));
  for (const auto& q : data.requests) {
    if (q.warmup || !q.purpose.empty()) continue;
    r.srv_received += q.server.received_ns != 0;
    r.srv_queued += q.server.queued_ns != 0;
    r.srv_scheduled += q.server.scheduled_ns != 0;
    r.srv_first_token += q.server.first_token_ns != 0;
    r.srv_finished += q.server.finished_ns != 0;
  }
  r.phases_note = phases_note(r, data);
  {
    IterationTable it;
    StringPool strings;
    for (const auto& row : engine_iterations(data.log_series).rows) append_iteration(it, row, 0, strings);
    r.phases = phase_split(it, nullptr, nullptr);
  }
  for (const auto& s : data.metrics) ++r.series_by_source[s.source.empty() ? "metrics" : s.source];
  r.measurement = measurement_context(data);
  if (auto it = data.meta.find("rollouts.n"); it != data.meta.end()) {
    const int n = std::atoi(it->second.c_str());
    if (n > 0) r.rollouts = rollout_stats(data.requests, n, r.load.batch.series);
    if (auto note = data.meta.find("rollouts.note"); note != data.meta.end()) r.rollouts_note = note->second;
    if (auto mode = data.meta.find("rollouts.mode"); mode != data.meta.end()) r.rollouts_mode = mode->second;
  }
  if (!data.log_series.empty()) r.series_by_source["log"] = data.log_series.size();
  if (auto it = data.meta.find("prometheus.url"); it != data.meta.end()) r.prometheus_url = it->second;
  if (auto it = data.meta.find("requests.from_log"); it != data.meta.end()) r.requests_from_log = it->second;
  return r;
}

namespace {
nlohmann::json rollouts_json(const RolloutStats& x, const std::string& note, const std::string& mode) {
  using nlohmann::json;
  auto dist = [](const Dist& d) { return dist_json(d); };
  json groups = json::array();
  for (const auto& g : x.groups)
    groups.push_back({{"group", g.group},
                      {"requests", g.requests},
                      {"ok", g.ok},
                      {"partial", g.partial},
                      {"to_last_ms", num(g.to_last_ms)},
                      {"spread_ms", num(g.spread_ms)},
                      {"output_tokens", dist(g.output_tokens)},
                      {"output_tokens_min", num(g.output_min)},
                      {"request_ids", g.request_ids}});
  return {{"n", x.n},
          {"mode", mode.empty() ? json(nullptr) : json(mode)},
          {"note", note.empty() ? json(nullptr) : json(note)},
          {"groups", groups},
          {"to_last_ms", dist(x.to_last_ms)},
          {"spread_ms", dist(x.spread_ms)},
          {"run_s", x.run_s},
          {"straggler",
           {{"seconds", x.straggler_s},
            {"share", x.straggler_share},
            {"few_threshold", x.few_threshold},
            {"source", x.straggler_source}}}};
}
}  // namespace

nlohmann::json serve_report_json(const ServeReport& r) {
  using nlohmann::json;
  const auto& L = r.latency;
  json j;
  j["engine"] = r.engine;
  j["model"] = r.model;
  j["requests"] = {{"total", L.total}, {"ok", L.ok}, {"failed", L.failed}, {"warmup", L.warmup}};
  if (!r.requests_from_log.empty()) j["requests"]["from_log"] = r.requests_from_log;
  j["duration_s"] = L.duration_s;
  j["latency_ms"] = {{"ttft", dist_json(L.ttft_ms)},    {"tpot", dist_json(L.tpot_ms)},
                     {"itl", dist_json(L.itl_ms)},      {"e2e", dist_json(L.e2e_ms)},
                     {"queue", dist_json(L.queue_ms)},  {"prefill", dist_json(L.prefill_ms)},
                     {"decode", dist_json(L.decode_ms)}};
  j["throughput"] = {{"req_s", L.req_s},
                     {"input_tok_s", L.input_tok_s},
                     {"output_tok_s", L.output_tok_s},
                     {"input_tokens", L.input_tokens},
                     {"output_tokens", L.output_tokens}};
  j["goodput"] = r.slo.empty()
                     ? json(nullptr)
                     : json{{"slo", format_slo(r.slo)}, {"good", L.good}, {"req_s", L.goodput_req_s}};
  json metrics = json::object(), counters = json::object(), hist = json::object();
  for (const auto& m : r.metrics) {
    const std::string& src = m.source;
    if (m.kind == "counter")
      counters[m.name] = {
          {"increase", num(m.increase)}, {"rate_s", num(m.rate_s)}, {"samples", m.samples}, {"source", src}};
    else if (m.kind == "histogram")
      hist[m.name] = {{"count", num(m.count)},
                      {"p50", num(m.p50)},
                      {"p90", num(m.p90)},
                      {"p99", num(m.p99)},
                      {"source", src}};
    else
      metrics[m.name] = {{"avg", num(m.avg)}, {"peak", num(m.peak)}, {"samples", m.samples}, {"source", src}};
  }
  j["metrics"] = metrics;
  j["series_sources"] = r.series_by_source;
  j["prometheus_url"] = r.prometheus_url.empty() ? json(nullptr) : json(r.prometheus_url);
  j["measurement"] = measurement_context_json(r.measurement);
  j["rollouts"] = r.rollouts ? rollouts_json(*r.rollouts, r.rollouts_note, r.rollouts_mode) : json(nullptr);
  j["counters"] = counters;
  j["histograms"] = hist;
  j["load"] = {{"batch", gauge_json(r.load.batch)},
               {"queue", gauge_json(r.load.queue)},
               {"preemptions", r.load.preemptions >= 0 ? json(r.load.preemptions) : json(nullptr)}};
  j["kv"] = r.load.kv.present ? json{{"avg", r.load.kv.avg},
                                     {"peak", r.load.kv.peak},
                                     {"seconds_above_90", r.load.kv_seconds_above_90},
                                     {"samples", r.load.kv.samples},
                                     {"source", r.load.kv.source}}
                              : json(nullptr);
  json prefix = {
      {"cache_hit_rate", r.load.prefix.method == "none" ? json(nullptr) : json(r.load.prefix.hit_rate)},
      {"hit_method", r.load.prefix.method},
      {"sharing", nullptr}};
  if (r.sharing) {
    const auto& p = *r.sharing;
    json top = json::array();
    for (const auto& g : p.top)
      top.push_back({{"tokens", g.tokens},
                     {"prompts", g.prompts},
                     {"tokens_saved", g.tokens_saved},
                     {"first_prompt", g.first_prompt},
                     {"preview", g.preview}});
    prefix["sharing"] = {{"method", p.method},
                         {"approximate", p.approximate},
                         {"prompts", p.prompts},
                         {"prompt_tokens", p.prompt_tokens},
                         {"shared_tokens", p.shared_tokens},
                         {"shared_fraction", p.shared_fraction},
                         {"top", top}};
  }
  j["prefix"] = prefix;
  const auto& w = r.workload;
  j["workload_class"] = {{"label", w.label()},
                         {"phase", w.phase},
                         {"long_context", w.long_context},
                         {"arrivals", w.arrivals},
                         {"median_input_tokens", w.median_input},
                         {"median_output_tokens", w.median_output},
                         {"p90_input_tokens", w.p90_input},
                         {"arrival_cv", w.arrival_cv >= 0 ? json(w.arrival_cv) : json(nullptr)}};
  j["phases"] = phase_split_json(r.phases);
  j["server_phases"] = {
      {"received", r.srv_received},   {"queued", r.srv_queued},
      {"scheduled", r.srv_scheduled}, {"first_token", r.srv_first_token},
      {"finished", r.srv_finished},   {"note", r.phases_note.empty() ? json(nullptr) : json(r.phases_note)}};
  j["correlation"] = {{"method", r.correlation_method},
                      {"matched", r.by_id + r.by_time},
                      {"by_id", r.by_id},
                      {"by_time", r.by_time},
                      {"clock_offset_ms", r.clock_offset_ns / 1e6},
                      {"uncertainty_ms", r.offset_uncertainty_ns / 1e6}};
  return j;
}

std::string serve_report_text(const ServeReport& r) {
  constexpr size_t kWidth = 100;
  std::string out =
      clip(fmt::format("hotpath serve-report - {} - {}", r.model.empty() ? "(model unknown)" : r.model,
                       r.engine.empty() ? "(engine unknown)" : r.engine),
           kWidth);
  out += "\n" + std::string(kWidth, '=') + "\n";
  for (const auto& t : report_tables(r)) {
    out += "\n" + t.title + "\n";
    const size_t cols = t.header.size();
    std::vector<size_t> w(cols, 0);
    const bool has_header = !t.header.front().empty() || cols > 2;
    for (size_t c = 0; c < cols; ++c) w[c] = has_header ? t.header[c].size() : 0;
    for (const auto& row : t.rows)
      for (size_t c = 0; c < cols; ++c) w[c] = std::max(w[c], row[c].size());
    // Columns after the first are right-aligned; the first (and a two-column summary's value) shrink to fit.
    size_t rest = 2;
    for (size_t c = 1; c < cols; ++c) rest += w[c] + 2;
    if (cols == 2)
      w[1] = std::min(w[1], kWidth - 2 - w[0] - 2);
    else
      w[0] = std::min(w[0], rest < kWidth ? kWidth - rest : size_t{8});
    auto line = [&](const std::vector<std::string>& row) {
      std::string s = "  " + fmt::format("{:<{}}", clip(row[0], w[0]), w[0]);
      for (size_t c = 1; c < cols; ++c)
        s += cols == 2 ? "  " + clip(row[c], w[c]) : "  " + fmt::format("{:>{}}", clip(row[c], w[c]), w[c]);
      while (!s.empty() && s.back() == ' ') s.pop_back();
      out += clip(s, kWidth) + "\n";
    };
    if (has_header && cols > 2) line(t.header);
    for (const auto& row : t.rows) line(row);
    for (const auto& n : t.notes) {
      std::string rest_text = n;
      while (!rest_text.empty()) {  // wrap notes at word boundaries
        size_t cut = rest_text.size() <= kWidth - 2 ? rest_text.size() : rest_text.rfind(' ', kWidth - 2);
        if (cut == std::string::npos || cut == 0) cut = std::min(rest_text.size(), kWidth - 2);
        out += "  " + rest_text.substr(0, cut) + "\n";
        rest_text = rest_text.substr(std::min(rest_text.size(), cut + 1));
      }
    }
  }
  return out;
}

std::string serve_report_md(const ServeReport& r) {
  auto esc = [](std::string s) {
    std::string o;
    for (char c : s) {
      if (c == '|')
        o += "\\|";
      else if (c == '\n')
        o += ' ';
      else
        o += c;
    }
    return o;
  };
  std::string out =
      fmt::format("# hotpath serve-report: {} ({})\n", esc(r.model.empty() ? "model unknown" : r.model),
                  esc(r.engine.empty() ? "engine unknown" : r.engine));
  for (const auto& t : report_tables(r)) {
    out += "\n## " + t.title + "\n\n";
    const size_t cols = t.header.size();
    if (!t.rows.empty()) {
      std::string head = "|", sep = "|";
      for (size_t c = 0; c < cols; ++c) {
        head += " " + esc(t.header[c].empty() ? (c ? "value" : "item") : t.header[c]) + " |";
        sep += c ? " ---: |" : " --- |";
      }
      out += head + "\n" + sep + "\n";
      for (const auto& row : t.rows) {
        std::string s = "|";
        for (const auto& cell : row) s += " " + esc(cell) + " |";
        out += s + "\n";
      }
      out += "\n";
    }
    for (const auto& n : t.notes) out += esc(n) + "\n\n";
  }
  return out;
}

}  // namespace hp
