#include "core/session/session_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <optional>

#include "core/session/engine_iterations.h"
#include "core/session/session_assembly.h"

namespace hp {
namespace {

constexpr Ns kSecond = 1'000'000'000;
constexpr Ns kEpoch1973 = 100'000'000 * kSecond;  // below this a trace time is not an epoch time

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// Epoch ns of Run time 0, or nullopt when the trace has no absolute base.
std::optional<Ns> trace_base(const Run& run) {
  for (const auto& src : run.sources)
    if (src.base_time_ns != 0) return src.base_time_ns;
  auto [lo, hi] = run.span();
  if (hi > lo && lo > kEpoch1973) return Ns{0};
  return std::nullopt;
}

}  // namespace

std::pair<Ns, Ns> serving_extent(const ServingData& d) {
  Ns lo = INT64_MAX, hi = INT64_MIN;
  auto add = [&](Ns t) {
    if (t <= 0) return;
    lo = std::min(lo, t);
    hi = std::max(hi, t);
  };
  const serving::RequestColumns& rq = d.request_columns;
  for (size_t i = 0; i < rq.size(); ++i) {
    add(rq.scheduled_ns[i] ? rq.scheduled_ns[i] : rq.sent_ns[i]);
    add(rq.end_ns[i]);
  }
  for (const auto* list : {&d.metrics, &d.log_series})
    for (const auto& s : *list)
      if (!s.samples.empty()) {
        add(s.samples.front().ts_ns);
        add(s.samples.back().ts_ns);
      }
  for (const auto& e : d.server_events) add(e.ts_ns);
  for (const auto& e : d.kv_events) add(e.ts);
  return lo <= hi ? std::pair{lo, hi} : std::pair{Ns{0}, Ns{0}};
}

namespace {
Ns floor_second(Ns t) {
  return t - ((t % kSecond) + kSecond) % kSecond;
}
}  // namespace

void append_requests(Session& s, const serving::RequestColumns& c, Ns off, StrId replica) {
  RequestTable& rq = s.requests;
  const size_t n = c.size();
  auto at = [off](Ns t) { return t > 0 ? t + off : kNoTime; };
  auto times = [&](RequestTable::Col<Ns>& dst, const std::vector<int64_t>& src) {
    dst.reserve(dst.size() + n);
    for (int64_t t : src) dst.push_back(at(t));
  };
  auto append = [](auto& dst, const auto& src) { dst.insert(dst.end(), src.begin(), src.end()); };
  for (size_t i = 0; i < n; ++i)  // unique: no hash table entry
    rq.id.push_back(s.strings.add_unindexed(c.request_id.at(i)));
  // Endpoints, purposes and errors repeat from row to row: intern each run of equal values once.
  for (auto [dst, src] : {std::pair{&rq.endpoint, &c.endpoint}, std::pair{&rq.purpose, &c.purpose},
                          std::pair{&rq.error, &c.error}}) {
    std::string_view last;
    StrId id = 0;
    dst->reserve(dst->size() + n);
    for (size_t i = 0; i < n; ++i) {
      std::string_view v = src->at(i);
      if (v != last || i == 0) id = v.empty() ? StrId{0} : s.strings.intern(v), last = v;
      dst->push_back(id);
    }
  }
  rq.replica.resize(rq.replica.size() + n, replica);
  append(rq.warmup, c.warmup);
  append(rq.status, c.status);
  for (int32_t h : c.http_status) rq.http_status.push_back(static_cast<int16_t>(std::clamp(h, -1, 999)));
  rq.arrival.reserve(rq.arrival.size() + n);
  for (size_t i = 0; i < n; ++i)
    rq.arrival.push_back(at(c.scheduled_ns[i] ? c.scheduled_ns[i] : c.sent_ns[i]));
  times(rq.sent, c.sent_ns);
  times(rq.first_token, c.first_token_ns);
  times(rq.finish, c.end_ns);
  rq.last_token.reserve(rq.last_token.size() + n);
  for (size_t i = 0; i < n; ++i)
    rq.last_token.push_back(c.chunks_end[i] > c.chunks_begin(i) ? at(c.chunk_ns[c.chunks_end[i] - 1])
                                                                : kNoTime);
  // Server times move onto the client clock by the estimated offset, when one was estimated.
  for (auto [dst, src] :
       {std::pair{&rq.srv_received, &c.srv_received_ns}, std::pair{&rq.srv_queued, &c.srv_queued_ns},
        std::pair{&rq.srv_scheduled, &c.srv_scheduled_ns},
        std::pair{&rq.srv_prefill_end, &c.srv_first_token_ns},
        std::pair{&rq.srv_finished, &c.srv_finished_ns}}) {
    dst->reserve(dst->size() + n);
    for (size_t i = 0; i < n; ++i) {
      const Ns shift = c.srv_method[i] == serving::CorrelationMethod::None ? 0 : -c.srv_clock_offset_ns[i];
      dst->push_back((*src)[i] > 0 ? at((*src)[i] + shift) : kNoTime);
    }
  }
  append(rq.prompt_tokens, c.prompt_tokens);
  append(rq.cached_tokens, c.cached_tokens);
  append(rq.output_tokens, c.output_tokens);
  rq.itl.reserve(rq.itl.size() + c.chunk_ns.size());
  rq.itl_begin.reserve(rq.itl_begin.size() + n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = c.chunks_begin(i) + 1; k < c.chunks_end[i]; ++k)
      rq.itl.push_back(c.chunk_ns[k] - c.chunk_ns[k - 1]);
    rq.itl_begin.push_back(static_cast<uint32_t>(rq.itl.size()));
  }
}

SeriesKind series_kind_of(std::string_view name) {
  if (ends_with(name, "_bucket") || ends_with(name, "_sum") || ends_with(name, "_count"))
    return SeriesKind::Histogram;
  if (ends_with(name, "_total") || ends_with(name, "_created") || name == "preemptions" ||
      name == "prefix_cache_hits" || name == "prefix_cache_queries")
    return SeriesKind::Counter;
  return SeriesKind::Gauge;
}

std::string series_unit_of(std::string_view name) {
  if (name.rfind("gpu.", 0) == 0) {  // per-GPU telemetry (core/serving/gpu_telemetry.h): unit in the suffix
    if (name.rfind("gpu.prof.", 0) == 0) return "fraction";
    for (auto [suffix, unit] :
         {std::pair{"_mhz", "MHz"}, {"_w", "W"}, {"_c", "C"}, {"_pct", "%"}, {"_mib", "MiB"}})
      if (ends_with(name, suffix)) return unit;
    return "";
  }
  if (ends_with(name, "_ms")) return "ms";
  if (contains(name, "_seconds")) return "s";
  if (contains(name, "_bytes")) return "bytes";
  if (contains(name, "usage") || contains(name, "_perc") || contains(name, "hit_rate")) return "fraction";
  if (contains(name, "throughput")) return "tok/s";
  if (contains(name, "tokens") || contains(name, "token_usage")) return "tokens";
  if (contains(name, "requests") || contains(name, "reqs") || contains(name, "preempt")) return "requests";
  return "";
}

SessionBuilder::SessionBuilder() = default;

void SessionBuilder::set_run(std::shared_ptr<const Run> run, std::string name) {
  run_ = std::move(run);
  run_name_ = std::move(name);
}

void SessionBuilder::add_serving(ServingData data, SourceKind kind, std::string name, Ns resolution_ns) {
  if (!data.requests.empty()) {  // the builder reads columns only
    data.request_columns = serving::to_columns(data.requests);
    std::vector<serving::RequestRecord>().swap(data.requests);
  }
  pending_.push_back({std::move(data), kind, std::move(name), resolution_ns});
}

void SessionBuilder::add_experts(experts::ExpertLoad load, std::string name) {
  experts_.emplace_back(std::move(load), std::move(name));
}

ClockPlacement place_clock(const Run& run, const std::string& run_name, Ns serving_lo,
                           const std::map<std::string, std::string>& meta) {
  ClockPlacement out;
  auto [run_lo, run_hi] = run.span();
  const bool has_trace = run_hi > run_lo;
  const bool has_serving_times = serving_lo != INT64_MAX;
  // The clock: session ns = epoch ns - epoch_base_ns.
  SessionSource trace_src;
  trace_src.name = run_name;
  trace_src.kind = SourceKind::Trace;
  trace_src.begin = run_lo;
  trace_src.end = run_hi;
  if (auto base = has_trace ? trace_base(run) : std::nullopt) {
    out.epoch_base_ns = *base;
    trace_src.alignment = *base ? "baseTimeNanoseconds / session start" : "epoch timestamps";
  } else if (has_trace && has_serving_times) {
    trace_src.absolute = false;
    auto started = meta.find("profile.started_ns");
    Ns anchor = serving_lo;
    trace_src.alignment = "no absolute time base: placed at the start of the serving data";
    if (started != meta.end()) {
      anchor = std::stoll(started->second);
      trace_src.alignment = "no absolute time base: placed at the recorded profiler start";
    }
    out.epoch_base_ns = anchor - run_lo;
  } else if (has_trace) {
    trace_src.alignment = "trace clock";
  } else if (has_serving_times) {
    out.epoch_base_ns = floor_second(serving_lo);
  }
  if (has_trace) out.trace = std::move(trace_src);
  return out;
}

void append_source_tables(Session& s, const ServingData& d, SourceKind kind, uint32_t source_index, Ns off,
                          SessionSource& src, PendingIterations& iterations) {
  SeriesTable& st = s.series;
  auto add_series = [&](const serving::MetricSeries& ms, SeriesOrigin origin) {
    SeriesTable::Info info;
    info.name = s.strings.intern(ms.key.name);
    std::string labels = serving::format_series({"", ms.key.labels});
    if (labels.size() >= 2 && labels.front() == '{') labels = labels.substr(1, labels.size() - 2);
    info.labels = s.strings.intern(labels);
    info.unit = s.strings.intern(series_unit_of(ms.key.name));
    info.kind = series_kind_of(ms.key.name);
    info.origin = ms.source == "prometheus" ? SeriesOrigin::Fleet : origin;
    info.source = source_index;
    info.begin = static_cast<uint32_t>(st.ts.size());
    for (const auto& smp : ms.samples) {
      st.ts.push_back(smp.ts_ns + off);
      st.value.push_back(smp.value);
    }
    info.end = static_cast<uint32_t>(st.ts.size());
    st.info.push_back(info);
  };
  const SeriesOrigin scraped = kind == SourceKind::Prometheus ? SeriesOrigin::Dump : SeriesOrigin::Scrape;
  for (const auto& ms : d.metrics) add_series(ms, scraped);
  for (const auto& ms : d.log_series)
    if (ms.key.name.rfind("iteration.", 0) != 0) add_series(ms, SeriesOrigin::Log);

  EngineIterations it = engine_iterations(d.log_series);
  if (it.coarse && !src.resolution_ns) src.resolution_ns = kSecond;
  for (auto& row : it.rows) {
    row.start += off;
    iterations.rows.push_back(std::move(row));
    iterations.source.push_back(source_index);
  }

  ServerEventTable& ev = s.events;
  for (const auto& e : d.server_events) {
    ev.ts.push_back(e.ts_ns + off);
    ev.kind.push_back(s.strings.intern(e.kind));
    ev.request_id.push_back(s.strings.intern(e.request_id));
    ev.value.push_back(e.value);
  }
  for (kv::KvBlockEvent e : d.kv_events) {
    e.ts += off;
    s.kv_events.push_back(e);
  }
}

void finish_tables(Session& s, PendingIterations& iterations) {
  // KV events by time (stable: a batch's events keep their order).
  std::stable_sort(s.kv_events.begin(), s.kv_events.end(),
                   [](const kv::KvBlockEvent& a, const kv::KvBlockEvent& b) { return a.ts < b.ts; });

  // Iterations sorted by (source, replica, start); events by time.
  const auto& rows = iterations.rows;
  const auto& src = iterations.source;
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::tie(src[a], rows[a].replica, rows[a].start) <
           std::tie(src[b], rows[b].replica, rows[b].start);
  });
  for (size_t i : order) append_iteration(s.iterations, rows[i], src[i], s.strings);
  if (!std::is_sorted(s.events.ts.begin(), s.events.ts.end())) {
    ServerEventTable& ev = s.events;
    std::vector<size_t> eo(ev.size());
    std::iota(eo.begin(), eo.end(), size_t{0});
    std::stable_sort(eo.begin(), eo.end(), [&](size_t a, size_t b) { return ev.ts[a] < ev.ts[b]; });
    ServerEventTable sorted;
    for (size_t i : eo) {
      sorted.ts.push_back(ev.ts[i]);
      sorted.kind.push_back(ev.kind[i]);
      sorted.request_id.push_back(ev.request_id[i]);
      sorted.value.push_back(ev.value[i]);
    }
    ev = std::move(sorted);
  }
}

void warn_lone_sources(Session& s) {
  for (size_t i = 0; i < s.sources.size() && s.sources.size() > 1; ++i) {
    const auto& a = s.sources[i];
    if (a.end <= a.begin) continue;
    bool overlaps = false;
    for (size_t j = 0; j < s.sources.size(); ++j) {
      const auto& b = s.sources[j];
      if (j != i && b.end > b.begin && a.begin < b.end && b.begin < a.end) overlaps = true;
    }
    if (!overlaps) s.warnings.push_back(fmt::format("{} does not overlap the other sources in time", a.name));
  }
}

std::shared_ptr<const Session> SessionBuilder::finish() {
  auto s = std::make_shared<Session>();
  s->run = run_ ? run_ : std::make_shared<const Run>();

  Ns serving_lo = INT64_MAX;
  for (const auto& p : pending_) {
    auto [lo, hi] = serving_extent(p.data);
    if (hi > 0) serving_lo = std::min(serving_lo, lo);
    for (const auto& [k, v] : p.data.meta) s->meta.emplace(k, v);
    // A capture writes finished_ns when it ends; a file without it was killed or is still written.
    const auto& m = p.data.meta;
    if (m.count("started_ns") && !m.count("finished_ns") && !m.count("capture.live"))
      s->warnings.push_back(fmt::format(
          "{}: the capture did not end cleanly (killed, or still being written): it holds what was committed",
          p.name));
  }
  ClockPlacement clock = place_clock(*s->run, run_name_, serving_lo, s->meta);
  s->epoch_base_ns = clock.epoch_base_ns;
  if (clock.trace) s->sources.push_back(std::move(*clock.trace));

  PendingIterations iterations;
  for (const auto& p : pending_) {
    SessionSource src;
    src.name = p.name;
    src.kind = p.kind;
    src.resolution_ns = p.resolution_ns;
    auto shift = shifts_.find(p.name);
    src.shift_ns = shift == shifts_.end() ? 0 : shift->second;
    src.offset_ns = src.shift_ns - s->epoch_base_ns;
    src.alignment = src.shift_ns ? fmt::format("epoch clock, shifted by {} ns", src.shift_ns) : "epoch clock";
    auto [lo, hi] = serving_extent(p.data);
    src.begin = hi > 0 ? lo + src.offset_ns : 0;
    src.end = hi > 0 ? hi + src.offset_ns + 1 : 0;
    const auto src_index = static_cast<uint32_t>(s->sources.size());

    // A server log's requests were handled by that server: the replica column names its log, so the
    // logs of several replicas opened together tell their requests apart. A client's requests do not say.
    StrId replica = 0;
    if (p.data.meta.count("requests.from_log") && p.data.request_columns.size()) {
      auto file = p.data.meta.find("log.file");
      replica = s->strings.intern(file != p.data.meta.end() ? file->second : p.name);
    }
    append_requests(*s, p.data.request_columns, src.offset_ns, replica);
    append_source_tables(*s, p.data, p.kind, src_index, src.offset_ns, src, iterations);
    s->sources.push_back(std::move(src));
  }
  finish_tables(*s, iterations);

  for (auto& [load, name] : experts_) {
    SessionSource src;
    src.name = name;
    src.kind = SourceKind::Experts;
    src.absolute = false;
    src.alignment = "no time axis: expert counts";
    s->sources.push_back(std::move(src));
    s->experts.push_back(std::move(load));
  }
  experts_.clear();
  warn_lone_sources(*s);
  return s;
}

}  // namespace hp
