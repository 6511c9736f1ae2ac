#include "core/disagg/fit_spec.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "core/disagg/parallelism.h"
#include "core/disagg/simulate.h"
#include "core/disagg/step_sources.h"
#include "core/session/request_metrics.h"

namespace hp::disagg {

namespace {

Percentiles pctl(std::vector<double> v) {
  Percentiles p;
  std::erase_if(v, [](double x) { return !std::isfinite(x); });
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  p.mean = sum / static_cast<double>(v.size());
  auto at = [&](double q) {
    size_t k = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, k ? k - 1 : 0)];
  };
  p.p50 = at(0.5), p.p90 = at(0.9), p.p99 = at(0.99);
  return p;
}

// Sum over series named `name` of (last - first) sample: a counter's growth over the run.
double counter_growth(const Session& s, std::string_view name) {
  double g = 0;
  for (const auto& in : s.series.info)
    if (s.str(in.name) == name && in.end > in.begin)
      g += s.series.value[in.end - 1] - s.series.value[in.begin];
  return g;
}

double gauge_mean(const Session& s, std::string_view name, size_t& n) {
  double sum = 0;
  n = 0;
  for (const auto& in : s.series.info)
    if (s.str(in.name) == name)
      for (uint32_t k = in.begin; k < in.end; ++k) sum += s.series.value[k], ++n;
  return n ? sum / static_cast<double>(n) : 0;
}

bool usable(const RequestTable& r, size_t i) {
  return r.status[i] == serving::RequestStatus::Ok && r.prompt_tokens[i] > 0 && r.output_tokens[i] > 0;
}

}  // namespace

FitResult fit_spec(const Session& s, const FitOptions& opt) {
  FitResult f;
  WhatIfSpec& w = f.spec;
  auto& src = w.sources;
  const RequestTable& rq = s.requests;
  std::vector<Ns> starts;
  double prompt = 0, cached = 0;
  for (size_t i = 0; i < rq.size(); ++i) {
    if (rq.warmup[i] || rq.status[i] != serving::RequestStatus::Ok) continue;
    if (Ns t = rq.start_of(i); t != kNoTime) starts.push_back(t);
    if (!usable(rq, i)) continue;
    w.prompt_tokens.samples.push_back(rq.prompt_tokens[i]);
    w.output_tokens.samples.push_back(rq.output_tokens[i]);
    prompt += rq.prompt_tokens[i];
    cached += rq.cached_tokens[i];
  }
  f.requests = w.prompt_tokens.samples.size();
  if (f.requests) {
    src["prompt_tokens"] = src["output_tokens"] = fmt::format("{} measured requests", f.requests);
    w.prefix_hit_fraction = prompt > 0 ? std::clamp(cached / prompt, 0.0, 1.0) : 0;
    src["prefix_hit_fraction"] =
        fmt::format("cached / prompt tokens of the requests ({:.0f} / {:.0f})", cached, prompt);
  } else {
    // Requests without token counts (a vLLM log): mean lengths from the iterations' token totals.
    double ctx = 0, gen = 0;
    for (size_t i = 0; i < s.iterations.size(); ++i)
      ctx += s.iterations.ctx_tokens[i], gen += s.iterations.gen_tokens[i];
    if (ctx <= 0)
      throw std::runtime_error("no requests with token counts, nor engine iterations to take lengths from");
    if (starts.empty()) {
      // No request table (an SGLang log): one arrival per new sequence of the prefill batches.
      for (size_t i = 0; i < s.iterations.size(); ++i)
        for (uint32_t k = 0; k < s.iterations.ctx_reqs[i]; ++k) starts.push_back(s.iterations.start[i]);
      if (starts.empty())
        throw std::runtime_error("engine iterations without prefill sequences: no arrivals");
      f.warnings.push_back("no requests in the run: arrivals are the prefill batches' new sequences");
    }
    const double n = static_cast<double>(starts.size());
    w.prompt_tokens = {{}, ctx / n, 0};
    w.output_tokens = {{}, gen / n + 1, 0};
    src["prompt_tokens"] =
        fmt::format("iterations' prefill tokens / {} requests (cv unknown: 0)", starts.size());
    src["output_tokens"] =
        fmt::format("iterations' decode tokens / {} requests + 1 (cv unknown: 0)", starts.size());
    src["prefix_hit_fraction"] = "0: computed tokens only (the iterations count no cached ones)";
    f.warnings.push_back("the requests carry no token counts: mean lengths from the engine iterations");
  }
  std::sort(starts.begin(), starts.end());
  if (starts.size() >= 2 && starts.back() > starts.front()) {
    const double span_s = static_cast<double>(starts.back() - starts.front()) / 1e9;
    w.arrival.rate_rps = static_cast<double>(starts.size() - 1) / span_s;
    double m = span_s / static_cast<double>(starts.size() - 1), var = 0;
    for (size_t i = 1; i < starts.size(); ++i) {
      const double d = static_cast<double>(starts[i] - starts[i - 1]) / 1e9 - m;
      var += d * d;
    }
    w.arrival.cv = std::sqrt(var / static_cast<double>(starts.size() - 1)) / m;
    src["arrival"] = fmt::format("{} arrivals over {:.1f} s, cv of the gaps", starts.size(), span_s);
    size_t ties = 0;
    for (size_t i = 1; i < starts.size(); ++i) ties += starts[i] == starts[i - 1];
    if (2 * ties > starts.size()) {  // whole-second log times: the gaps' cv says nothing
      w.arrival.cv = 1;
      src["arrival"] = fmt::format(
          "{} arrivals over {:.1f} s; cv 1 (Poisson) assumed: {} of the gaps are 0 "
          "(coarse timestamps)",
          starts.size(), span_s, ties);
    }
  } else {
    f.warnings.push_back("fewer than two request arrivals: arrival rate left at 1 req/s");
    src["arrival"] = "default";
  }
  // GPUs per instance and in all: the options, else what the run recorded (parallelism.h).
  const Parallelism par = detect_parallelism(s);
  w.tp = opt.tp > 0 ? opt.tp : par.gpus_per_instance();
  f.measured_gpus = w.tp * par.dp;
  w.gpus = opt.gpus > 0 ? opt.gpus : f.measured_gpus;
  src["tp"] = opt.tp > 0 ? "--tp" : par.found ? par.source : "default 1 (no parallel size in the run; --tp)";
  src["gpus"] = opt.gpus > 0              ? "--gpus"
                : par.found && par.dp > 1 ? par.source + ": tp x pp x dp"
                                          : "the measured instance (" + src["tp"] + ")";
  w.requests = std::max<size_t>(2000, f.requests);
  // Step costs: each fit from the first source with enough timed steps for it (step_sources.h).
  // Later sources are only gathered while a fit is still missing (marker steps need the stage assignment).
  auto take = [&](const StepSource& src_steps) {
    if (!f.prefill_fit.valid())
      if (StepFit p = fit_prefill_steps(src_steps.points); p.valid())
        f.prefill_fit = p, f.prefill_source = src_steps.name;
    if (!f.decode_fit.valid())
      if (StepFit d = fit_decode_steps(src_steps.points); d.valid())
        f.decode_fit = d, f.decode_source = src_steps.name;
    return f.prefill_fit.valid() && f.decode_fit.valid();
  };
  if (!take(steps_from_iterations(s.iterations)))
    if (!s.run || s.run->slices.name.empty() || !take(steps_from_markers(*s.run)))
      take(steps_from_requests(s));
  if (f.prefill_fit.valid()) {
    const StepFit& p = f.prefill_fit;
    w.prefill_ms = {std::max(0.0, p.coef("base")), p.coef("per_token"), p.coef("per_token2")};
    f.prefill_r2 = p.r2;
    f.prefill_points = p.points;
    src["prefill_ms"] = f.prefill_source + ": " + p.describe();
  } else {
    w.prefill_ms = {0, 0.01, 0};
    f.warnings.push_back("no prefill cost fit in the run: 0.01 ms per token assumed");
    src["prefill_ms"] = "default (no fit)";
  }
  if (f.decode_fit.valid()) {
    const StepFit& d = f.decode_fit;
    w.decode_ms = {std::max(0.0, d.coef("base")), d.coef("per_seq"), d.coef("per_ctx_token")};
    f.decode_r2 = d.r2;
    f.decode_points = d.points;
    src["decode_ms"] = f.decode_source + ": " + d.describe();
  } else {
    w.decode_ms = {5, 0, 0};
    f.warnings.push_back("no decode cost fit in the run: 5 ms per step assumed");
    src["decode_ms"] = "default (no fit)";
  }
  uint32_t max_tokens = 0, max_batch = 0;
  for (size_t i = 0; i < s.iterations.size(); ++i) {
    max_tokens = std::max(max_tokens, s.iterations.ctx_tokens[i] + s.iterations.gen_tokens[i]);
    max_batch = std::max(max_batch, s.iterations.ctx_reqs[i] + s.iterations.gen_reqs[i]);
  }
  if (max_tokens) w.prefill_max_batch_tokens = max_tokens;
  if (max_batch) w.decode_max_batch = static_cast<int>(max_batch);
  src["prefill_max_batch_tokens"] = max_tokens ? "largest step seen in the iterations" : "default";
  src["decode_max_batch"] = max_batch ? "largest batch seen in the iterations" : "default";
  if (auto it = s.meta.find("kv_cache_tokens"); it != s.meta.end()) {
    w.kv_capacity_tokens = std::max(1.0, std::atof(it->second.c_str()));
    src["kv_capacity_tokens"] = "server log (GPU KV cache size)";
  } else {
    src["kv_capacity_tokens"] = "default";
  }
  if (opt.kv) {
    w.kv.bytes_per_token = opt.kv->per_token;
    w.kv.fixed_bytes_per_request = opt.kv->fixed_per_request;
    src["kv.bytes_per_token"] = opt.kv_source + ": " + opt.kv->attention + " (" + opt.kv->detail + ")";
  } else {
    w.kv.bytes_per_token = 131072;
    f.warnings.push_back("no model config.json (--model-config): KV bytes per token of Llama-3.1-8B assumed");
    src["kv.bytes_per_token"] = "default: Llama-3.1-8B (128 KiB per token)";
  }
  // Effective transfer bandwidth: measured when the run has the connector's metrics.
  const double nixl_bytes = counter_growth(s, "vllm:nixl_bytes_transferred_sum");
  const double nixl_s = counter_growth(s, "vllm:nixl_xfer_time_seconds_sum");
  size_t sg_n = 0;
  const double sg = gauge_mean(s, "sglang:kv_transfer_speed_gb_s", sg_n);
  if (opt.bandwidth_GBps > 0) {
    w.kv.bandwidth_GBps = opt.bandwidth_GBps;
    src["kv.bandwidth_GBps"] = "--bandwidth";
  } else if (nixl_bytes > 0 && nixl_s > 0) {
    w.kv.bandwidth_GBps = nixl_bytes / nixl_s / 1e9;
    src["kv.bandwidth_GBps"] = "vllm:nixl_bytes_transferred_sum / vllm:nixl_xfer_time_seconds_sum";
  } else if (sg_n) {
    w.kv.bandwidth_GBps = sg;
    src["kv.bandwidth_GBps"] = fmt::format("sglang:kv_transfer_speed_gb_s, mean of {} samples", sg_n);
  } else {
    w.kv.bandwidth_GBps = kDefaultBandwidthGBps;
    src["kv.bandwidth_GBps"] = "default: 400 Gb/s NIC per GPU (no transfer metrics in the run)";
  }
  w.kv.setup_ms = 3;
  src["kv.setup_ms"] = "default: vLLM NIXL launch cost (reference §2)";
  return f;
}

SelfCheck self_check(const WhatIfSpec& spec, const Session& s) {
  SelfCheck c;
  RequestMetrics m = request_metrics(s);
  std::vector<double> ttft, tpot;
  Ns first = INT64_MAX, last = INT64_MIN;
  size_t n = 0;
  for (size_t i = 0; i < s.requests.size(); ++i) {
    if (s.requests.status[i] != serving::RequestStatus::Ok || s.requests.warmup[i]) continue;
    ++n;
    ttft.push_back(m.value(RequestField::Ttft, i));
    tpot.push_back(m.value(RequestField::Tpot, i));
    if (Ns t = s.requests.start_of(i); t != kNoTime) first = std::min(first, t);
    if (Ns t = s.requests.end_of(i); t != kNoTime) last = std::max(last, t);
  }
  if (last == INT64_MIN)  // no completion times (a server log): the arrival span
    for (size_t i = 0; i < s.requests.size(); ++i)
      if (Ns t = s.requests.start_of(i); t != kNoTime) last = std::max(last, t);
  if (n < 2 || last <= first) return c;
  c.valid = true;
  c.measured_rps = static_cast<double>(n) / (static_cast<double>(last - first) / 1e9);
  c.measured_ttft_ms = pctl(ttft);
  c.measured_itl_ms = pctl(tpot);
  SimResult r = simulate(spec, {0, std::max(1, spec.instances())});
  c.predicted_rps = r.throughput_rps;
  c.predicted_ttft_ms = r.ttft_ms;
  c.predicted_itl_ms = r.itl_ms;
  // Only what the run measured is compared (a server log may give no client latencies).
  auto dev = [](double pred, double meas) { return meas > 0 ? std::abs(pred / meas - 1) : 0.0; };
  c.max_deviation =
      std::max({dev(c.predicted_rps, c.measured_rps), dev(r.ttft_ms.p50, c.measured_ttft_ms.p50),
                dev(r.ttft_ms.p99, c.measured_ttft_ms.p99), dev(r.itl_ms.p50, c.measured_itl_ms.p50),
                dev(r.itl_ms.p99, c.measured_itl_ms.p99)});
  c.low_confidence = c.max_deviation > kSelfCheckTolerance;
  return c;
}

}  // namespace hp::disagg
