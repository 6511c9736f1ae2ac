#include "views/rollouts_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/serving/concept_series.h"
#include "core/session/session_concepts.h"

namespace hp {
namespace {

std::string meta_of(const Session& s, const char* key) {
  auto it = s.meta.find(key);
  return it == s.meta.end() ? std::string() : it->second;
}

double sec(int64_t ns, int64_t from) {
  return static_cast<double>(ns - from) / 1e9;
}

}  // namespace

std::vector<serving::RequestRecord> session_request_records(const Session& s) {
  const RequestTable& t = s.requests;
  std::vector<serving::RequestRecord> out(t.size());
  auto epoch = [&](Ns v) { return v == kNoTime ? int64_t{0} : v + s.epoch_base_ns; };
  for (size_t i = 0; i < t.size(); ++i) {
    serving::RequestRecord& r = out[i];
    r.index = i;
    r.request_id = std::string(s.str(t.id[i]));
    r.purpose = std::string(s.str(t.purpose[i]));
    r.warmup = t.warmup[i] != 0;
    r.status = t.status[i];
    r.sent_ns = epoch(t.sent[i]);
    r.end_ns = epoch(t.finish[i] != kNoTime ? t.finish[i] : t.last_token[i]);
    r.output_tokens = t.output_tokens[i];
    r.prompt_tokens = t.prompt_tokens[i];
  }
  return out;
}

std::vector<serving::Sample> session_running_series(const Session& s, const serving::MetricMap* map) {
  const std::string engine = meta_of(s, "engine");
  const auto found = session_concept_series(s, map, "requests_running", engine);
  std::vector<serving::MetricSeries> series(found.size());
  std::vector<serving::ConceptSeries> parts;
  for (size_t k = 0; k < found.size(); ++k) {
    const auto& info = s.series.info[found[k].first];
    for (uint32_t j = info.begin; j < info.end; ++j)
      series[k].samples.push_back({s.series.ts[j] + s.epoch_base_ns, s.series.value[j]});
    parts.push_back({&series[k], found[k].second, info.origin == SeriesOrigin::Log});
  }
  return parts.empty() ? std::vector<serving::Sample>{} : serving::merge_series(parts, serving::Merge::Sum);
}

RolloutsModel rollouts_model(const Session& s, const serving::MetricMap* map) {
  RolloutsModel m;
  const std::string n_text = meta_of(s, "rollouts.n");
  const int n = std::atoi(n_text.c_str());
  if (n <= 0) {
    m.note = "No rollout groups in this session: record a run with serve-profile --rollouts N.";
    return m;
  }
  m.mode = meta_of(s, "rollouts.mode");
  const std::string reason = meta_of(s, "rollouts.reason");
  m.how = m.mode == "n"
              ? fmt::format("{} rollouts per prompt through the API's n (one request, {} choices)", n, n)
          : m.mode.empty() ? fmt::format("{} rollouts per prompt", n)
                           : fmt::format("{} rollouts per prompt as {} requests in a row", n, n);
  if (!reason.empty()) m.how += " - " + reason;
  m.stats = serving::rollout_stats(session_request_records(s), n, session_running_series(s, map));
  const serving::RolloutStats& st = m.stats;
  if (st.groups.empty()) {
    m.note = "rollouts.n is " + n_text + " but the session has no measured requests.";
    return m;
  }
  m.n = n;
  m.run_s = st.run_s;
  const int64_t t0 = st.run_from_ns;
  for (const auto& g : st.groups) {
    RolloutBar b;
    b.group = g.group;
    b.partial = g.partial;
    b.requests = g.requests;
    b.ok = g.ok;
    b.sent_s = g.first_sent_ns ? sec(g.first_sent_ns, t0) : NAN;
    b.first_done_s = g.ok ? sec(g.first_done_ns, t0) : NAN;
    b.last_done_s = g.ok ? sec(g.last_done_ns, t0) : NAN;
    b.lengths = g.lengths;
    for (double v : g.lengths) m.length_max = std::max(m.length_max, v);
    m.bars.push_back(std::move(b));
  }
  for (const auto& p : st.steps) m.running.emplace_back(sec(p.ts_ns, t0), p.value);
  for (size_t i = 0; i < st.steps.size(); ++i) {
    const double v = st.steps[i].value;
    if (!(v > 0 && v <= st.few_threshold)) continue;
    const int64_t a = std::max(st.steps[i].ts_ns, st.run_from_ns);
    const int64_t b = std::min(i + 1 < st.steps.size() ? st.steps[i + 1].ts_ns : st.run_to_ns, st.run_to_ns);
    if (b <= a) continue;
    if (!m.few.empty() && std::abs(m.few.back().second - sec(a, t0)) < 1e-12)
      m.few.back().second = sec(b, t0);
    else
      m.few.emplace_back(sec(a, t0), sec(b, t0));
  }
  size_t complete = 0;
  for (const auto& g : st.groups) complete += !g.partial;
  m.summary.push_back(
      fmt::format("{} groups ({} complete) over a {:.2f} s run", st.groups.size(), complete, st.run_s));
  m.summary.push_back(fmt::format("time to last completion p50 {:.0f} ms, max {:.0f} ms", st.to_last_ms.p50,
                                  st.to_last_ms.max));
  m.summary.push_back(
      fmt::format("first-to-last spread p50 {:.0f} ms, max {:.0f} ms", st.spread_ms.p50, st.spread_ms.max));
  m.summary.push_back(
      fmt::format("stragglers: {:.2f} s of {:.2f} s ({:.0f} %) with at most {:.0f} running ({})",
                  st.straggler_s, st.run_s, 100 * st.straggler_share, st.few_threshold, st.straggler_source));
  return m;
}

}  // namespace hp
