#include "core/session/session_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <optional>

#include "core/session/engine_iterations.h"

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

std::pair<Ns, Ns> serving_extent(const ServingData& d) {
  Ns lo = INT64_MAX, hi = INT64_MIN;
  auto add = [&](Ns t) {
    if (t <= 0) return;
    lo = std::min(lo, t);
    hi = std::max(hi, t);
  };
  for (const auto& r : d.requests) {
    add(r.scheduled_ns ? r.scheduled_ns : r.sent_ns);
    add(r.end_ns);
  }
  for (const auto* list : {&d.metrics, &d.log_series})
    for (const auto& s : *list)
      if (!s.samples.empty()) {
        add(s.samples.front().ts_ns);
        add(s.samples.back().ts_ns);
      }
  for (const auto& e : d.server_events) add(e.ts_ns);
  return lo <= hi ? std::pair{lo, hi} : std::pair{Ns{0}, Ns{0}};
}

Ns floor_second(Ns t) {
  return t - ((t % kSecond) + kSecond) % kSecond;
}

void reserve_requests(RequestTable& rq, size_t n) {
  for (auto* c : {&rq.id, &rq.endpoint, &rq.error, &rq.replica, &rq.purpose}) c->reserve(n);
  for (auto* c : {&rq.arrival, &rq.sent, &rq.first_token, &rq.last_token, &rq.finish, &rq.srv_received,
                  &rq.srv_queued, &rq.srv_scheduled, &rq.srv_prefill_end, &rq.srv_finished})
    c->reserve(n);
  for (auto* c : {&rq.prompt_tokens, &rq.cached_tokens, &rq.output_tokens}) c->reserve(n);
  rq.warmup.reserve(n);
  rq.status.reserve(n);
  rq.http_status.reserve(n);
  rq.itl_begin.reserve(n + 1);
}

}  // namespace

SeriesKind series_kind_of(std::string_view name) {
  if (ends_with(name, "_bucket") || ends_with(name, "_sum") || ends_with(name, "_count"))
    return SeriesKind::Histogram;
  if (ends_with(name, "_total") || ends_with(name, "_created") || name == "preemptions" ||
      name == "prefix_cache_hits" || name == "prefix_cache_queries")
    return SeriesKind::Counter;
  return SeriesKind::Gauge;
}

std::string series_unit_of(std::string_view name) {
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
  pending_.push_back({std::move(data), kind, std::move(name), resolution_ns});
}

std::shared_ptr<const Session> SessionBuilder::finish() {
  auto s = std::make_shared<Session>();
  s->run = run_ ? run_ : std::make_shared<const Run>();
  const Run& run = *s->run;
  auto [run_lo, run_hi] = run.span();
  const bool has_trace = run_hi > run_lo;

  Ns serving_lo = INT64_MAX;
  for (const auto& p : pending_) {
    auto [lo, hi] = serving_extent(p.data);
    if (hi > 0) serving_lo = std::min(serving_lo, lo);
    for (const auto& [k, v] : p.data.meta) s->meta.emplace(k, v);
  }
  const bool has_serving_times = serving_lo != INT64_MAX;

  // The clock: session ns = epoch ns - epoch_base_ns.
  SessionSource trace_src;
  trace_src.name = run_name_;
  trace_src.kind = SourceKind::Trace;
  trace_src.begin = run_lo;
  trace_src.end = run_hi;
  if (auto base = has_trace ? trace_base(run) : std::nullopt) {
    s->epoch_base_ns = *base;
    trace_src.alignment = *base ? "baseTimeNanoseconds / session start" : "epoch timestamps";
  } else if (has_trace && has_serving_times) {
    trace_src.absolute = false;
    auto started = s->meta.find("profile.started_ns");
    Ns anchor = serving_lo;
    trace_src.alignment = "no absolute time base: placed at the start of the serving data";
    if (started != s->meta.end()) {
      anchor = std::stoll(started->second);
      trace_src.alignment = "no absolute time base: placed at the recorded profiler start";
    }
    s->epoch_base_ns = anchor - run_lo;
  } else if (has_trace) {
    trace_src.alignment = "trace clock";
  } else if (has_serving_times) {
    s->epoch_base_ns = floor_second(serving_lo);
  }
  if (has_trace) s->sources.push_back(trace_src);

  std::vector<IterationRow> iter_rows;
  std::vector<uint32_t> iter_src;
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
    const Ns off = src.offset_ns;
    auto at = [off](Ns t) { return t > 0 ? t + off : kNoTime; };

    RequestTable& rq = s->requests;
    reserve_requests(rq, rq.size() + p.data.requests.size());
    // Endpoints and purposes repeat from row to row: intern each run of equal values once.
    std::string_view last_endpoint, last_purpose;
    StrId endpoint_id = 0, purpose_id = 0;
    auto intern = [&](const std::string& v) { return v.empty() ? StrId{0} : s->strings.intern(v); };
    for (const auto& r : p.data.requests) {
      rq.id.push_back(s->strings.add_unindexed(r.request_id));  // unique: no hash table entry
      if (r.endpoint != last_endpoint) endpoint_id = intern(r.endpoint), last_endpoint = r.endpoint;
      if (r.purpose != last_purpose) purpose_id = intern(r.purpose), last_purpose = r.purpose;
      rq.endpoint.push_back(endpoint_id);
      rq.error.push_back(intern(r.error));
      rq.replica.push_back(0);
      rq.purpose.push_back(purpose_id);
      rq.warmup.push_back(r.warmup);
      rq.status.push_back(r.status);
      rq.http_status.push_back(static_cast<int16_t>(std::clamp(r.http_status, -1, 999)));
      rq.arrival.push_back(at(r.scheduled_ns ? r.scheduled_ns : r.sent_ns));
      rq.sent.push_back(at(r.sent_ns));
      rq.first_token.push_back(at(r.first_token_ns));
      rq.last_token.push_back(at(r.token_chunk_ns.empty() ? 0 : r.token_chunk_ns.back()));
      rq.finish.push_back(at(r.end_ns));
      const Ns srv = r.server.method == serving::CorrelationMethod::None ? 0 : -r.server.clock_offset_ns;
      auto at_srv = [&](Ns t) { return t > 0 ? at(t + srv) : kNoTime; };
      rq.srv_received.push_back(at_srv(r.server.received_ns));
      rq.srv_queued.push_back(at_srv(r.server.queued_ns));
      rq.srv_scheduled.push_back(at_srv(r.server.scheduled_ns));
      rq.srv_prefill_end.push_back(at_srv(r.server.first_token_ns));
      rq.srv_finished.push_back(at_srv(r.server.finished_ns));
      rq.prompt_tokens.push_back(r.prompt_tokens);
      rq.cached_tokens.push_back(r.cached_tokens);
      rq.output_tokens.push_back(r.output_tokens);
      if (rq.itl.capacity() < rq.itl.size() + r.token_chunk_ns.size())
        rq.itl.reserve(std::max(rq.itl.capacity() * 2, rq.itl.size() + r.token_chunk_ns.size()));
      for (size_t k = 1; k < r.token_chunk_ns.size(); ++k)
        rq.itl.push_back(r.token_chunk_ns[k] - r.token_chunk_ns[k - 1]);
      rq.itl_begin.push_back(static_cast<uint32_t>(rq.itl.size()));
    }

    SeriesTable& st = s->series;
    auto add_series = [&](const serving::MetricSeries& ms, SeriesOrigin origin) {
      SeriesTable::Info info;
      info.name = s->strings.intern(ms.key.name);
      std::string labels = serving::format_series({"", ms.key.labels});
      if (labels.size() >= 2 && labels.front() == '{') labels = labels.substr(1, labels.size() - 2);
      info.labels = s->strings.intern(labels);
      info.unit = s->strings.intern(series_unit_of(ms.key.name));
      info.kind = series_kind_of(ms.key.name);
      info.origin = ms.source == "prometheus" ? SeriesOrigin::Fleet : origin;
      info.source = src_index;
      info.begin = static_cast<uint32_t>(st.ts.size());
      for (const auto& smp : ms.samples) {
        st.ts.push_back(smp.ts_ns + off);
        st.value.push_back(smp.value);
      }
      info.end = static_cast<uint32_t>(st.ts.size());
      st.info.push_back(info);
    };
    const SeriesOrigin scraped = p.kind == SourceKind::Prometheus ? SeriesOrigin::Dump : SeriesOrigin::Scrape;
    for (const auto& ms : p.data.metrics) add_series(ms, scraped);
    for (const auto& ms : p.data.log_series)
      if (ms.key.name.rfind("iteration.", 0) != 0) add_series(ms, SeriesOrigin::Log);

    EngineIterations it = engine_iterations(p.data.log_series);
    if (it.coarse && !src.resolution_ns) src.resolution_ns = kSecond;
    for (auto& row : it.rows) {
      row.start += off;
      iter_rows.push_back(std::move(row));
      iter_src.push_back(src_index);
    }

    ServerEventTable& ev = s->events;
    for (const auto& e : p.data.server_events) {
      ev.ts.push_back(e.ts_ns + off);
      ev.kind.push_back(s->strings.intern(e.kind));
      ev.request_id.push_back(s->strings.intern(e.request_id));
      ev.value.push_back(e.value);
    }
    s->sources.push_back(std::move(src));
  }

  // Iterations sorted by (source, replica, start); events by time.
  std::vector<size_t> order(iter_rows.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::tie(iter_src[a], iter_rows[a].replica, iter_rows[a].start) <
           std::tie(iter_src[b], iter_rows[b].replica, iter_rows[b].start);
  });
  IterationTable& itab = s->iterations;
  for (size_t i : order) {
    const IterationRow& r = iter_rows[i];
    itab.start.push_back(r.start);
    itab.dur.push_back(r.dur);
    itab.kind.push_back(r.kind);
    itab.ctx_reqs.push_back(r.ctx_reqs);
    itab.ctx_tokens.push_back(r.ctx_tokens);
    itab.gen_reqs.push_back(r.gen_reqs);
    itab.gen_tokens.push_back(r.gen_tokens);
    itab.replica.push_back(s->strings.intern(r.replica));
    itab.source.push_back(iter_src[i]);
  }
  if (!std::is_sorted(s->events.ts.begin(), s->events.ts.end())) {
    ServerEventTable& ev = s->events;
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

  // Sources that hold data but overlap no other source in time.
  for (size_t i = 0; i < s->sources.size() && s->sources.size() > 1; ++i) {
    const auto& a = s->sources[i];
    if (a.end <= a.begin) continue;
    bool overlaps = false;
    for (size_t j = 0; j < s->sources.size(); ++j) {
      const auto& b = s->sources[j];
      if (j != i && b.end > b.begin && a.begin < b.end && b.begin < a.end) overlaps = true;
    }
    if (!overlaps)
      s->warnings.push_back(fmt::format("{} does not overlap the other sources in time", a.name));
  }
  return s;
}

}  // namespace hp
