#include "core/serving/rollouts.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

namespace hp::serving {
namespace {

// The client's in-flight count as a step function: +1 at each send, -1 at each end.
std::vector<Sample> in_flight(const std::vector<const RequestRecord*>& reqs) {
  std::vector<std::pair<int64_t, int>> ev;
  for (const auto* r : reqs)
    if (r->sent_ns && r->end_ns >= r->sent_ns) ev.push_back({r->sent_ns, 1}), ev.push_back({r->end_ns, -1});
  std::sort(ev.begin(), ev.end());
  std::vector<Sample> out;
  int level = 0;
  for (size_t i = 0; i < ev.size(); ++i) {
    level += ev[i].second;
    if (i + 1 < ev.size() && ev[i + 1].first == ev[i].first) continue;  // one step per instant
    out.push_back({ev[i].first, static_cast<double>(level)});
  }
  return out;
}

}  // namespace

uint64_t rollout_position(const RequestRecord& r) {
  std::string_view id = r.request_id;
  uint64_t choice = 0;
  if (size_t h = id.rfind('#'); h != std::string_view::npos) {
    const auto [p, ec] = std::from_chars(id.data() + h + 1, id.data() + id.size(), choice);
    if (ec != std::errc() || p != id.data() + id.size()) return r.index;
    id = id.substr(0, h);
  }
  size_t d = id.size();
  while (d > 0 && id[d - 1] >= '0' && id[d - 1] <= '9') --d;
  uint64_t number = 0;
  if (d == id.size() || id.size() - d > 18) return r.index;
  std::from_chars(id.data() + d, id.data() + id.size(), number);
  return number + choice;
}

std::vector<TrafficRequest> repeat_each(const std::vector<TrafficRequest>& requests, size_t n) {
  std::vector<TrafficRequest> out;
  out.reserve(requests.size() * n);
  for (const auto& r : requests)
    for (size_t k = 0; k < n; ++k) out.push_back(r);
  return out;
}

double seconds_few(const std::vector<Sample>& steps, int64_t from_ns, int64_t to_ns, double threshold) {
  int64_t total = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    const double v = steps[i].value;
    if (!(v > 0 && v <= threshold)) continue;
    const int64_t a = std::max(steps[i].ts_ns, from_ns);
    const int64_t b = std::min(i + 1 < steps.size() ? steps[i + 1].ts_ns : to_ns, to_ns);
    if (b > a) total += b - a;
  }
  return static_cast<double>(total) / 1e9;
}

RolloutStats rollout_stats(const std::vector<RequestRecord>& requests, int n,
                           const std::vector<Sample>& running) {
  RolloutStats s;
  s.n = n;
  if (n <= 0) return s;
  std::map<uint64_t, std::vector<const RequestRecord*>> by_group;
  std::vector<const RequestRecord*> measured;
  for (const auto& r : requests) {
    if (r.warmup || !r.purpose.empty()) continue;
    by_group[rollout_position(r) / static_cast<uint64_t>(n)].push_back(&r);
    measured.push_back(&r);
  }
  std::vector<double> to_last, spread;
  int64_t run_from = INT64_MAX, run_to = INT64_MIN;
  for (const auto& [id, reqs] : by_group) {
    RolloutGroup g;
    g.group = id;
    g.requests = reqs.size();
    g.partial = reqs.size() < static_cast<size_t>(n);
    int64_t first_sent = INT64_MAX, first_done = INT64_MAX, last_done = INT64_MIN;
    std::vector<double> lengths;
    std::vector<const RequestRecord*> ordered = reqs;
    std::stable_sort(ordered.begin(), ordered.end(), [](const RequestRecord* a, const RequestRecord* b) {
      return rollout_position(*a) < rollout_position(*b);
    });
    for (const auto* r : ordered) {
      g.request_ids.push_back(r->request_id);
      if (r->sent_ns)
        first_sent = std::min(first_sent, r->sent_ns), run_from = std::min(run_from, r->sent_ns);
      if (r->status != RequestStatus::Ok || !r->end_ns) continue;
      ++g.ok;
      first_done = std::min(first_done, r->end_ns);
      last_done = std::max(last_done, r->end_ns);
      run_to = std::max(run_to, r->end_ns);
      lengths.push_back(r->output_tokens);
    }
    g.output_tokens = distribution(lengths);
    g.lengths = lengths;
    if (first_sent != INT64_MAX) g.first_sent_ns = first_sent;
    if (g.ok) g.first_done_ns = first_done, g.last_done_ns = last_done;
    if (!lengths.empty()) g.output_min = *std::min_element(lengths.begin(), lengths.end());
    g.to_last_ms = g.ok && first_sent != INT64_MAX ? static_cast<double>(last_done - first_sent) / 1e6 : NAN;
    g.spread_ms = g.ok ? static_cast<double>(last_done - first_done) / 1e6 : NAN;
    if (!g.partial && g.ok) to_last.push_back(g.to_last_ms), spread.push_back(g.spread_ms);
    s.groups.push_back(std::move(g));
  }
  s.to_last_ms = distribution(to_last);
  s.spread_ms = distribution(spread);
  if (run_from >= run_to) return s;
  s.run_s = static_cast<double>(run_to - run_from) / 1e9;
  s.run_from_ns = run_from, s.run_to_ns = run_to;
  const bool use_series = running.size() >= 2;
  s.steps = use_series ? running : in_flight(measured);
  const std::vector<Sample>& steps = s.steps;
  s.straggler_source = use_series ? "requests_running series" : "client in-flight requests";
  double peak = 0;
  for (const auto& p : steps)
    if (p.ts_ns >= run_from && p.ts_ns <= run_to) peak = std::max(peak, p.value);
  s.few_threshold = std::max(1.0, std::floor(peak / 4));
  s.straggler_s = seconds_few(steps, run_from, run_to, s.few_threshold);
  s.straggler_share = s.straggler_s / s.run_s;
  return s;
}

}  // namespace hp::serving
