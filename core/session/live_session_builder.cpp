#include "core/session/live_session_builder.h"

#include <algorithm>
#include <utility>

#include "core/session/session_assembly.h"

namespace hp {
namespace {

template <class F>
void for_each_column(RequestTable& rq, F&& f) {
  f(rq.id), f(rq.endpoint), f(rq.error), f(rq.replica), f(rq.purpose);
  f(rq.warmup), f(rq.status), f(rq.http_status);
  f(rq.arrival), f(rq.sent), f(rq.first_token), f(rq.last_token), f(rq.finish);
  f(rq.srv_received), f(rq.srv_queued), f(rq.srv_scheduled), f(rq.srv_prefill_end), f(rq.srv_finished);
  f(rq.prompt_tokens), f(rq.cached_tokens), f(rq.output_tokens), f(rq.itl_begin), f(rq.itl);
}

// The request columns fill up together: moving them all into larger buffers during one snapshot
// would make it cost a copy of the whole table. Columns three quarters full move a few at a time.
void grow_ahead(RequestTable& rq, int budget) {
  for_each_column(rq, [&budget](auto& col) {
    if (budget > 0 && col.size() >= 1024 && col.size() * 4 >= col.capacity() * 3) {
      col.reserve(col.capacity() * 2);
      --budget;
    }
  });
}

}  // namespace

Snapshot LiveSessionBuilder::update(const LiveServing& live, std::shared_ptr<const Run> run) {
  if (!run) run = run_ ? run_ : std::make_shared<const Run>();
  ServingData rest = live.copy_rest();
  ServingData fresh;
  fresh.request_columns = serving::to_columns(live.requests_from(rows_));

  auto widen = [this](const ServingData& d) {
    auto [lo, hi] = serving_extent(d);
    if (hi > 0) req_lo_ = std::min(req_lo_, lo), req_hi_ = std::max(req_hi_, hi);
  };
  widen(fresh);
  auto [rest_lo, rest_hi] = serving_extent(rest);
  const bool any_requests = req_hi_ >= req_lo_;
  Ns lo = any_requests ? req_lo_ : INT64_MAX, hi = any_requests ? req_hi_ : INT64_MIN;
  if (rest_hi > 0) lo = std::min(lo, rest_lo), hi = std::max(hi, rest_hi);
  ClockPlacement clock = place_clock(*run, "torch profiler", lo, rest.meta);

  rebuilt_ = !last_ || run != run_ || clock.epoch_base_ns != base_;
  if (rebuilt_) {  // every request again, on the new clock
    work_ = Session{};
    rows_ = 0;
    fresh.request_columns = serving::to_columns(live.requests_from(0));
  }
  const Ns off = -clock.epoch_base_ns;
  append_requests(work_, fresh.request_columns, off, 0);
  rows_ += fresh.request_columns.size();
  if (rebuilt_)  // room to grow, which the rebuilt columns (reserved to size) have none of
    for_each_column(work_.requests, [](auto& col) { col.reserve(col.size() * 2); });
  grow_ahead(work_.requests, 2);

  // The rest, rebuilt in work_ so that new strings land in the pool the snapshots share.
  work_.run = run;
  work_.epoch_base_ns = clock.epoch_base_ns;
  work_.sources.clear();
  work_.series = {};  // the last snapshot took them: rebuilt below
  work_.iterations = {};
  work_.events = {};
  work_.kv_events.clear();
  work_.warnings.clear();
  work_.meta = rest.meta;
  if (clock.trace) work_.sources.push_back(std::move(*clock.trace));
  SessionSource src;
  src.name = name_;
  src.kind = SourceKind::Capture;
  src.offset_ns = off;
  src.alignment = "epoch clock";
  if (hi >= lo) src.begin = lo + off, src.end = hi + off + 1;
  PendingIterations iterations;
  append_source_tables(work_, rest, SourceKind::Capture, static_cast<uint32_t>(work_.sources.size()), off,
                       src, iterations);
  work_.sources.push_back(std::move(src));
  finish_tables(work_, iterations);
  warn_lone_sources(work_);

  // The rebuilt tables move into the snapshot (the next update rebuilds them): only the request
  // columns and strings are shared.
  SeriesTable series = std::move(work_.series);
  IterationTable iteration_rows = std::move(work_.iterations);
  ServerEventTable events = std::move(work_.events);
  std::vector<kv::KvBlockEvent> kv_events = std::move(work_.kv_events);
  Session snap = work_.share();
  snap.series = std::move(series);
  snap.iterations = std::move(iteration_rows);
  snap.events = std::move(events);
  snap.kv_events = std::move(kv_events);
  auto session = std::make_shared<const Session>(std::move(snap));
  auto derived = std::make_shared<SessionDerived>();
  derived->lanes = rebuilt_ ? pack_request_lanes(session->requests)
                            : extend_request_lanes(last_.derived->lanes, session->requests);
  derived->stages = run == run_ && last_ ? last_.derived->stages : assign_stages(*run);
  derive_series(*session, *derived);
  run_ = std::move(run);
  base_ = clock.epoch_base_ns;
  last_ = Snapshot{std::move(session), std::move(derived)};
  return last_;
}

}  // namespace hp
