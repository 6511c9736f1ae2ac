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

StepSource steps_from_requests(const Session& s) {
  StepSource out;
  const RequestTable& rq = s.requests;
  RequestMetrics m = request_metrics(s);
  std::vector<Ns> firsts, ends;
  for (size_t i = 0; i < rq.size(); ++i) {
    const Ns a = rq.first_token_of(i), b = rq.end_of(i);
    if (a != kNoTime && b != kNoTime && b >= a) firsts.push_back(a), ends.push_back(b);
  }
  std::sort(firsts.begin(), firsts.end());
  std::sort(ends.begin(), ends.end());
  auto decoding_at = [&](Ns t) {  // requests with first token <= t <= end
    const auto started = std::upper_bound(firsts.begin(), firsts.end(), t) - firsts.begin();
    const auto ended = std::lower_bound(ends.begin(), ends.end(), t) - ends.begin();
    return static_cast<double>(std::max<std::ptrdiff_t>(0, started - ended));
  };
  for (size_t i = 0; i < rq.size(); ++i) {
    if (rq.warmup[i] || rq.status[i] != serving::RequestStatus::Ok || rq.prompt_tokens[i] <= 0) continue;
    const double ttft = m.value(RequestField::Ttft, i), queue = m.value(RequestField::Queue, i);
    const double uncached =
        static_cast<double>(rq.prompt_tokens[i]) - std::max(0.0, double(rq.cached_tokens[i]));
    if (std::isfinite(ttft) && ttft > 0 && uncached > 0)
      out.points.push_back({std::isfinite(queue) && queue < ttft ? ttft - queue : ttft, uncached, 0, -1});
    const double tpot = m.value(RequestField::Tpot, i);
    const Ns a = rq.first_token_of(i), b = rq.end_of(i);
    if (std::isfinite(tpot) && tpot > 0 && a != kNoTime && b != kNoTime && b > a)
      out.points.push_back({tpot, 0, decoding_at(a + (b - a) / 2), -1});
  }
  if (!out.points.empty()) out.name = "the requests (client TTFT and inter-token times)";
  return out;
}

}  // namespace hp::disagg
