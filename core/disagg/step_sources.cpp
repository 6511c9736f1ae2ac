#include "core/disagg/step_sources.h"

#include <algorithm>
#include <cmath>

#include "core/analysis/stage_assign.h"
#include "core/analysis/step_markers.h"
#include "core/session/request_metrics.h"

namespace hp::disagg {

StepSource steps_from_iterations(const IterationTable& it) {
  StepSource out;
  for (size_t i = 0; i < it.size(); ++i) {
    if (it.dur[i] <= 0 || it.kind[i] == IterationKind::Idle) continue;
    out.points.push_back({static_cast<double>(it.dur[i]) / 1e6, static_cast<double>(it.ctx_tokens[i]),
                          static_cast<double>(it.gen_reqs[i]), -1});
  }
  if (!out.points.empty()) out.name = "engine iterations";
  return out;
}

StepSource steps_from_markers(const Run& run) {
  StepSource out;
  StageAssignment st = assign_stages(run);
  const bool any_gpu =
      std::any_of(st.steps.begin(), st.steps.end(), [](const EngineStep& s) { return s.gpu; });
  for (const EngineStep& s : st.steps) {
    if (s.gpu != any_gpu || s.end <= s.start || s.slice >= run.slices.name.size()) continue;
    auto m = parse_step_marker(run.str(run.slices.name[s.slice]));
    if (!m) continue;
    StepPoint p;
    p.ms = static_cast<double>(s.end - s.start) / 1e6;
    if (m->context_reqs && m->generation_reqs) {  // vLLM execute_... markers
      p.prefill_tokens = static_cast<double>(m->context_tokens.value_or(*m->context_reqs ? -1 : 0));
      p.decode_seqs = static_cast<double>(*m->generation_reqs);
      if (m->generation_kv_tokens) p.ctx_tokens = static_cast<double>(*m->generation_kv_tokens);
      if (p.prefill_tokens < 0) continue;  // prefill requests without their token count
    } else if (m->stage == Stage::Extend || m->stage == Stage::Prefill) {
      if (!m->tokens) continue;
      p.prefill_tokens = static_cast<double>(*m->tokens);
    } else if (m->stage == Stage::Decode && m->batch_size) {
      p.decode_seqs = static_cast<double>(*m->batch_size);
    } else {
      continue;
    }
    out.points.push_back(p);
  }
  if (!out.points.empty()) out.name = any_gpu ? "trace steps (GPU)" : "trace steps (CPU)";
  return out;
}

namespace {

struct Decoding {
  Ns a = 0, b = 0;  // first token, end
  double prompt = 0, output = 0;
};

// Requests decoding at time t and the context they hold then: prompt + the share of the output produced
// by t at the request's own average pace (a sweep over the intervals sorted by start).
class DecodingSweep {
 public:
  explicit DecodingSweep(std::vector<Decoding> v) : v_(std::move(v)) {
    std::sort(v_.begin(), v_.end(), [](const Decoding& x, const Decoding& y) { return x.a < y.a; });
  }
  // Calls must come in increasing t.
  std::pair<double, double> at(Ns t) {
    while (next_ < v_.size() && v_[next_].a <= t) active_.push_back(next_++);
    std::erase_if(active_, [&](size_t k) { return v_[k].b < t; });
    double ctx = 0;
    for (size_t k : active_) {
      const Decoding& d = v_[k];
      const double done = d.b > d.a ? static_cast<double>(t - d.a) / static_cast<double>(d.b - d.a) : 1;
      ctx += d.prompt + d.output * done;
    }
    return {static_cast<double>(active_.size()), ctx};
  }

 private:
  std::vector<Decoding> v_;
  std::vector<size_t> active_;
  size_t next_ = 0;
};

}  // namespace

StepSource steps_from_requests(const Session& s) {
  StepSource out;
  const RequestTable& rq = s.requests;
  RequestMetrics m = request_metrics(s);
  std::vector<Decoding> all;
  std::vector<std::pair<Ns, double>> decode_at;  // (a request's decode midpoint, its mean inter-token ms)
  for (size_t i = 0; i < rq.size(); ++i) {
    const Ns a = rq.first_token_of(i), b = rq.end_of(i);
    if (a == kNoTime || b == kNoTime || b < a) continue;
    all.push_back({a, b, static_cast<double>(rq.prompt_tokens[i]), static_cast<double>(rq.output_tokens[i])});
    if (rq.warmup[i] || rq.status[i] != serving::RequestStatus::Ok || rq.prompt_tokens[i] <= 0) continue;
    const double ttft = m.value(RequestField::Ttft, i), queue = m.value(RequestField::Queue, i);
    const double uncached =
        static_cast<double>(rq.prompt_tokens[i]) - std::max(0.0, double(rq.cached_tokens[i]));
    if (std::isfinite(ttft) && ttft > 0 && uncached > 0)
      out.points.push_back({std::isfinite(queue) && queue < ttft ? ttft - queue : ttft, uncached, 0, -1});
    const double tpot = m.value(RequestField::Tpot, i);
    if (std::isfinite(tpot) && tpot > 0 && b > a) decode_at.push_back({a + (b - a) / 2, tpot});
  }
  std::sort(decode_at.begin(), decode_at.end());
  DecodingSweep sweep(std::move(all));
  for (const auto& [t, ms] : decode_at) {
    auto [batch, ctx] = sweep.at(t);
    if (batch > 0) out.points.push_back({ms, 0, batch, ctx});
  }
  if (!out.points.empty())
    out.name =
        "the requests (client TTFT; inter-token times against the requests decoding alongside and "
        "their context at an even pace)";
  return out;
}

}  // namespace hp::disagg
