#include "core/session/snapshot.h"

#include <algorithm>
#include <thread>

namespace hp {

std::vector<double> counter_rates(const Ns* ts, const double* v, size_t n) {
  std::vector<double> out(n, 0.0);
  for (size_t i = 1; i < n; ++i) {
    const double dt = static_cast<double>(ts[i] - ts[i - 1]) * 1e-9;
    if (dt <= 0) {
      out[i] = out[i - 1];
      continue;
    }
    const double d = v[i] >= v[i - 1] ? v[i] - v[i - 1] : v[i];
    out[i] = d / dt;
  }
  return out;
}

void derive_series(const Session& s, SessionDerived& derived) {
  SessionDerived* d = &derived;
  d->plotted.assign(s.series.size(), {});
  d->extent.assign(s.series.size(), {});
  for (size_t i = 0; i < s.series.size(); ++i) {
    const auto& info = s.series.info[i];
    const size_t n = info.end - info.begin;
    if (info.kind != SeriesKind::Gauge)
      d->plotted[i] = counter_rates(s.series.ts.data() + info.begin, s.series.value.data() + info.begin, n);
    const double* v = d->plotted[i].empty() ? s.series.value.data() + info.begin : d->plotted[i].data();
    if (n) {
      auto [lo, hi] = std::minmax_element(v, v + n);
      d->extent[i] = {*lo, *hi};
    }
  }
}

Snapshot make_snapshot(std::shared_ptr<const Session> session) {
  auto d = std::make_shared<SessionDerived>();
  const Session& s = *session;
  // The engine steps of a big trace take longest: in parallel with the serving-side work.
  std::thread stages([&] { d->stages = assign_stages(*s.run); });
  d->lanes = pack_request_lanes(s.requests);
  derive_series(s, *d);
  stages.join();
  return Snapshot{std::move(session), std::move(d)};
}

const double* Snapshot::plotted(size_t series) const {
  const auto& p = derived->plotted[series];
  return p.empty() ? session->series.value.data() + session->series.info[series].begin : p.data();
}

}  // namespace hp
