#include "core/session/session.h"

#include <algorithm>

namespace hp {

const char* to_string(SourceKind k) {
  switch (k) {
    case SourceKind::Trace:
      return "trace";
    case SourceKind::Capture:
      return "capture";
    case SourceKind::Log:
      return "log";
    case SourceKind::Prometheus:
      return "prometheus";
    case SourceKind::Predecessor:
      return "serve_profile.db";
    case SourceKind::Experts:
      return "expert load";
  }
  return "?";
}

const char* to_string(SeriesKind k) {
  switch (k) {
    case SeriesKind::Gauge:
      return "gauge";
    case SeriesKind::Counter:
      return "counter";
    case SeriesKind::Histogram:
      return "histogram";
  }
  return "?";
}

const char* to_string(SeriesOrigin o) {
  switch (o) {
    case SeriesOrigin::Scrape:
      return "scrape";
    case SeriesOrigin::Fleet:
      return "prometheus";
    case SeriesOrigin::Log:
      return "log";
    case SeriesOrigin::Dump:
      return "dump";
  }
  return "?";
}

const char* to_string(IterationKind k) {
  switch (k) {
    case IterationKind::Prefill:
      return "prefill";
    case IterationKind::Decode:
      return "decode";
    case IterationKind::Mixed:
      return "mixed";
    case IterationKind::Idle:
      return "idle";
  }
  return "?";
}

Ns RequestTable::start_of(size_t i) const {
  if (arrival[i] != kNoTime) return arrival[i];
  return sent[i] != kNoTime ? sent[i] : srv_received[i];
}

Ns RequestTable::end_of(size_t i) const {
  if (finish[i] != kNoTime) return finish[i];
  if (last_token[i] != kNoTime) return last_token[i];
  if (srv_finished[i] != kNoTime) return srv_finished[i];
  return start_of(i);
}

Ns RequestTable::first_token_of(size_t i) const {
  return first_token[i] != kNoTime ? first_token[i] : srv_prefill_end[i];
}

Ns RequestTable::scheduled_of(size_t i) const {
  if (srv_scheduled[i] != kNoTime) return srv_scheduled[i];
  return sent[i] != kNoTime ? sent[i] : start_of(i);
}

Session Session::share() const {
  Session s;
  s.run = run;
  s.epoch_base_ns = epoch_base_ns;
  s.sources = sources;
  s.strings = strings.share();
  s.requests = requests;
  s.series = series;
  s.iterations = iterations;
  s.events = events;
  s.kv_events = kv_events;
  s.meta = meta;
  s.warnings = warnings;
  s.experts = experts;
  return s;
}

std::pair<Ns, Ns> Session::span() const {
  auto [lo, hi] = run->span();
  bool any = hi > lo;
  auto add = [&](Ns a, Ns b) {
    if (a == kNoTime || b == kNoTime) return;
    lo = any ? std::min(lo, a) : a;
    hi = any ? std::max(hi, b) : b;
    any = true;
  };
  for (size_t i = 0; i < requests.size(); ++i) add(requests.start_of(i), requests.end_of(i));
  if (!series.ts.empty()) {
    for (const auto& s : series.info)
      if (s.end > s.begin) add(series.ts[s.begin], series.ts[s.end - 1] + 1);
  }
  for (size_t i = 0; i < iterations.size(); ++i)
    add(iterations.start[i], iterations.start[i] + iterations.dur[i] + 1);
  if (!events.ts.empty()) add(events.ts.front(), events.ts.back() + 1);
  if (!kv_events.empty()) add(kv_events.front().ts, kv_events.back().ts + 1);
  return any ? std::pair{lo, hi} : std::pair{Ns{0}, Ns{0}};
}

}  // namespace hp
