#include "core/session/phase_split.h"

#include <algorithm>
#include <map>

namespace hp {
namespace {

constexpr double kNsPerS = 1e9;

void iterations_by_kind(const IterationTable& it, Ns begin, Ns end, PhaseSplit& out) {
  for (size_t k = 0; k < out.by_kind.size(); ++k) out.by_kind[k].kind = static_cast<IterationKind>(k);
  for (size_t i = 0; i < it.size(); ++i) {
    const Ns t = it.start[i] + it.dur[i];
    if (t < begin || t >= end) continue;
    IterationKindRow& row = out.by_kind[static_cast<size_t>(it.kind[i])];
    ++row.count;
    row.seconds += static_cast<double>(it.dur[i]) / kNsPerS;
    row.prefill_tokens += it.ctx_tokens[i];
    row.decode_tokens += it.gen_tokens[i];
    ++out.iterations;
    out.timed |= it.dur[i] > 0;
  }
  double total = 0;
  for (const auto& row : out.by_kind) total += out.timed ? row.seconds : static_cast<double>(row.count);
  for (auto& row : out.by_kind) {
    if (row.seconds > 0)
      row.tokens_per_s = static_cast<double>(row.prefill_tokens + row.decode_tokens) / row.seconds;
    if (total > 0) row.share = (out.timed ? row.seconds : static_cast<double>(row.count)) / total;
  }
}

// Tokens per second in about 100 bins (at least 1 s each) by the iterations' end times.
void token_rates(const IterationTable& it, Ns begin, Ns end, PhaseSplit& out) {
  Ns lo = INT64_MAX, hi = INT64_MIN;
  for (size_t i = 0; i < it.size(); ++i) {
    const Ns t = it.start[i] + it.dur[i];
    if (t < begin || t >= end) continue;
    lo = std::min(lo, t);
    hi = std::max(hi, t);
  }
  if (lo > hi) return;
  out.rate_bin = std::max<Ns>(1'000'000'000, (hi - lo) / 100 + 1);
  const size_t bins = static_cast<size_t>((hi - lo) / out.rate_bin) + 1;
  out.prefill_tok_s.assign(bins, 0);
  out.decode_tok_s.assign(bins, 0);
  for (auto& k : out.kind_busy) k.assign(bins, 0);
  for (size_t b = 0; b < bins; ++b) out.rate_t.push_back(lo + static_cast<Ns>(b) * out.rate_bin);
  const double per_s = kNsPerS / static_cast<double>(out.rate_bin);
  for (size_t i = 0; i < it.size(); ++i) {
    const Ns t = it.start[i] + it.dur[i];
    if (t < begin || t >= end) continue;
    const auto b = static_cast<size_t>((t - lo) / out.rate_bin);
    out.prefill_tok_s[b] += it.ctx_tokens[i] * per_s;
    out.decode_tok_s[b] += it.gen_tokens[i] * per_s;
    const auto kind = static_cast<size_t>(it.kind[i]);
    if (kind < out.kind_busy.size())
      out.kind_busy[kind][b] += (out.timed ? static_cast<double>(it.dur[i]) / kNsPerS : 1.0) * per_s;
  }
}

void curves_from_iterations(const IterationTable& it, Ns begin, Ns end, PhaseSplit& out) {
  for (size_t i = 0; i < it.size(); ++i) {
    const Ns t = it.start[i] + it.dur[i];
    if (t < begin || t >= end || it.dur[i] <= 0) continue;
    const double ms = static_cast<double>(it.dur[i]) / 1e6;
    if (it.kind[i] == IterationKind::Prefill) {
      out.prefill.x.push_back(it.ctx_tokens[i]);
      out.prefill.ms.push_back(ms);
    } else if (it.kind[i] == IterationKind::Decode) {
      out.decode.x.push_back(it.gen_reqs[i]);
      out.decode.ms.push_back(ms);
    }
  }
  if (!out.prefill.x.empty()) out.prefill.source = "engine iterations";
  if (!out.decode.x.empty()) out.decode.source = "engine iterations";
}

// With chunked prefill (vLLM v1) prefill-only steps are rare: fit the prefill cost on the mixed steps,
// less the decode fit's per-sequence cost of the decodes they carry.
void prefill_from_mixed(const IterationTable& it, Ns begin, Ns end, PhaseSplit& out) {
  if (out.prefill.x.size() >= kMinFitPoints || out.decode.x.size() < kMinFitPoints) return;
  CostCurve c;
  for (size_t i = 0; i < it.size(); ++i) {
    const Ns t = it.start[i] + it.dur[i];
    if (t < begin || t >= end || it.dur[i] <= 0 || it.kind[i] != IterationKind::Mixed) continue;
    c.x.push_back(it.ctx_tokens[i]);
    c.ms.push_back(static_cast<double>(it.dur[i]) / 1e6 - out.decode.fit.slope * it.gen_reqs[i]);
  }
  if (c.x.size() < kMinFitPoints) return;
  c.source = "mixed iterations less the decode cost per sequence";
  out.prefill = std::move(c);
}

void curves_from_steps(const StageAssignment& st, Ns begin, Ns end, PhaseSplit& out) {
  const bool any_gpu =
      std::any_of(st.steps.begin(), st.steps.end(), [](const EngineStep& s) { return s.gpu; });
  const char* source = any_gpu ? "trace steps (GPU)" : "trace steps (CPU)";
  for (const EngineStep& s : st.steps) {
    if (s.gpu != any_gpu || s.start < begin || s.start >= end || s.end <= s.start) continue;
    const double ms = static_cast<double>(s.end - s.start) / 1e6;
    const bool prefill = s.stage == Stage::Prefill || s.stage == Stage::Extend;
    if (prefill && s.tokens && out.prefill.source.empty()) {
      out.prefill.x.push_back(static_cast<double>(*s.tokens));
      out.prefill.ms.push_back(ms);
    } else if (s.stage == Stage::Decode && s.batch && out.decode.source.empty()) {
      out.decode.x.push_back(static_cast<double>(*s.batch));
      out.decode.ms.push_back(ms);
    }
  }
  if (out.prefill.source.empty() && !out.prefill.x.empty()) out.prefill.source = source;
  if (out.decode.source.empty() && !out.decode.x.empty()) out.decode.source = source;
}

void gpu_by_stage(const Run& run, const StageAssignment& st, Ns begin, Ns end, PhaseSplit& out) {
  std::map<Stage, StageTime> by;
  for (size_t g = 0; g < run.gpu.size() && g < st.gpu_stage.size(); ++g) {
    const uint32_t sl = run.gpu.slice[g];
    if (run.slices.kind[sl] != SliceKind::Kernel) continue;
    const Ns t = run.slices.start[sl];
    if (t < begin || t >= end) continue;
    StageTime& row = by[st.gpu_stage[g]];
    row.stage = st.gpu_stage[g];
    row.seconds += static_cast<double>(run.slices.dur[sl]) / kNsPerS;
    ++row.kernels;
  }
  for (auto& [stage, row] : by) out.gpu_by_stage.push_back(row);
  std::sort(out.gpu_by_stage.begin(), out.gpu_by_stage.end(),
            [](const StageTime& a, const StageTime& b) { return a.seconds > b.seconds; });
}

}  // namespace

PhaseSplit phase_split(const IterationTable& it, const Run* run, const StageAssignment* stages, Ns begin,
                       Ns end) {
  PhaseSplit out;
  iterations_by_kind(it, begin, end, out);
  token_rates(it, begin, end, out);
  curves_from_iterations(it, begin, end, out);
  if (stages) curves_from_steps(*stages, begin, end, out);
  out.decode.fit = fit_line(out.decode.x, out.decode.ms);
  prefill_from_mixed(it, begin, end, out);
  out.prefill.fit = fit_line(out.prefill.x, out.prefill.ms);
  for (CostCurve* c : {&out.prefill, &out.decode})
    if (c->x.size() < kMinFitPoints) c->fit = {};  // a line through 2 points says nothing
  if (run && stages) gpu_by_stage(*run, *stages, begin, end, out);
  return out;
}

}  // namespace hp
