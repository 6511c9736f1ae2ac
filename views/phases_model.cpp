#include "views/phases_model.h"

#include <algorithm>

#include "core/session/request_latency.h"

namespace hp {
namespace {

CostScatter scatter(const CostCurve& c, size_t max_points) {
  CostScatter s;
  s.total = c.x.size();
  if (!s.total) return s;
  const size_t stride = (s.total + max_points - 1) / max_points;
  for (size_t i = 0; i < s.total; i += stride) {
    s.x.push_back(c.x[i]);
    s.ms.push_back(c.ms[i]);
  }
  std::vector<double> ms = c.ms;
  const size_t k = std::min(ms.size() - 1, ms.size() * 99 / 100);
  std::nth_element(ms.begin(), ms.begin() + static_cast<std::ptrdiff_t>(k), ms.end());
  s.ms_max = std::max(ms[k] * 1.25, 1e-3);
  s.x_max = std::max(1.0, *std::max_element(c.x.begin(), c.x.end()) * 1.05);
  for (double v : c.ms) s.above += v > s.ms_max;
  return s;
}

}  // namespace

PhasesModel phases_model(const Session& s, const StageAssignment* stages, Ns begin, Ns end,
                         size_t max_points) {
  PhasesModel m;
  m.split = phase_split(s.iterations, s.run.get(), stages, begin, end);
  m.prefill = scatter(m.split.prefill, max_points);
  m.decode = scatter(m.split.decode, max_points);
  const LatencySamples ls = latency_samples(s, begin, end);
  for (double v : ls.of(LatencyMetric::Prefill)) m.server_prefill_s += v / 1e3;
  for (double v : ls.of(LatencyMetric::Decode)) m.server_decode_s += v / 1e3;
  m.server_requests = std::min(ls.of(LatencyMetric::Prefill).size(), ls.of(LatencyMetric::Decode).size());
  if (!m.split.iterations && m.split.gpu_by_stage.empty() && !m.server_requests)
    m.note =
        "No engine iterations, trace steps or server-side request phases: open a server log with iteration "
        "lines (vLLM --enable-logging-iteration-details, SGLang batch lines), a trace with step markers, or "
        "a "
        "serve-profile run with --server-log.";
  return m;
}

}  // namespace hp
