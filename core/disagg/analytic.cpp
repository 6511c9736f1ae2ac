#include "core/disagg/analytic.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/disagg/workload.h"

namespace hp::disagg {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

// p99 of the waiting time from the exponential tail P(W > t) = C exp(-theta t).
double wait_p99_ms(int n, double rate, double mean_s, double second_s) {
  if (rate <= 0 || mean_s <= 0) return 0;
  const double a = rate * mean_s;
  if (a >= n) return kInf;
  const double c = erlang_c(n, a);
  const double cs2 = std::max(0.0, second_s / (mean_s * mean_s) - 1);
  const double theta = (n / mean_s - rate) * 2 / (1 + cs2);
  return c <= 0.01 ? 0 : std::log(c / 0.01) / theta;
}

// Requests/ms one monolithic instance sustains: B decodes per step plus the prefill chunk that keeps
// B requests flowing, within the step's token budget (best B up to the batch limit).
double engine_rate_per_ms(const WhatIfSpec& s, const WorkloadSketch& w, double bmax) {
  const double u = w.mean_uncached, o = w.mean_output, ctx = w.mean_prompt + w.mean_output / 2;
  const double budget = s.prefill_max_batch_tokens;
  if (o <= 1) return budget / (u * prefill_batch_ms(s, budget));
  double best = 0;
  for (int b = 1; b <= static_cast<int>(bmax); ++b) {
    double chunk = std::min(b * u / (o - 1), std::max(1.0, budget - b));
    double t = decode_step_ms(s, b, b * ctx) + s.prefill_ms.per_token * chunk +
               s.prefill_ms.per_token2 * chunk * chunk;
    best = std::max(best, std::min(b / ((o - 1) * t), chunk / (u * t)));
  }
  return best;
}

}  // namespace

double erlang_c(int n, double a) {
  if (a <= 0) return 0;
  if (a >= n) return 1;
  // Erlang B by recursion, then C = B / (1 - rho (1 - B)).
  double b = 1;
  for (int k = 1; k <= n; ++k) b = a * b / (k + a * b);
  const double rho = a / n;
  return b / (1 - rho * (1 - b));
}

double mgn_wait_ms(int n, double rate, double mean_s, double second_s) {
  if (rate <= 0 || mean_s <= 0) return 0;
  const double a = rate * mean_s;
  if (a >= n) return kInf;
  const double cs2 = std::max(0.0, second_s / (mean_s * mean_s) - 1);
  return erlang_c(n, a) / (n / mean_s - rate) * (1 + cs2) / 2;
}

WorkloadSketch sketch(const WhatIfSpec& s) {
  WorkloadSketch w;
  const auto& ps = s.prompt_tokens.samples;
  const auto& os = s.output_tokens.samples;
  std::vector<SimRequest> reqs;
  if (!ps.empty() && ps.size() == os.size() && ps.size() <= 4096) {
    for (size_t i = 0; i < ps.size(); ++i) reqs.push_back(shape_request(s, ps[i], os[i]));
  } else {
    reqs = make_workload(s, 512, s.seed ^ 0x5eedULL);
  }
  std::vector<double> pre, bytes;
  for (const SimRequest& r : reqs) {
    w.prompt.push_back(r.prompt);
    w.uncached.push_back(r.uncached);
    w.output.push_back(r.output);
    const double ms = prefill_batch_ms(s, r.uncached);
    pre.push_back(ms);
    bytes.push_back(kv_request_bytes(s, r.uncached));
    w.mean_prompt += r.prompt;
    w.mean_uncached += r.uncached;
    w.mean_output += r.output;
    w.mean_prefill_ms += ms;
    w.second_prefill_ms += ms * ms;
    w.mean_kv_bytes += bytes.back();
  }
  const double n = static_cast<double>(reqs.size());
  for (double* v : {&w.mean_prompt, &w.mean_uncached, &w.mean_output, &w.mean_prefill_ms,
                    &w.second_prefill_ms, &w.mean_kv_bytes})
    *v /= n;
  w.p99_uncached = quantile(w.uncached, 0.99);
  w.p99_prefill_ms = quantile(pre, 0.99);
  w.p99_kv_bytes = quantile(bytes, 0.99);
  return w;
}

Bounds bounds(const WhatIfSpec& s, const WorkloadSketch& w, Layout l) {
  Bounds b;
  const double per_req_kv = w.mean_prompt + w.mean_output;
  const double kv_batch = std::floor(s.kv_capacity_tokens / per_req_kv);
  b.decode_batch = std::max(1.0, std::min<double>(s.decode_max_batch, kv_batch));
  const bool kv_limited = kv_batch < s.decode_max_batch;
  if (l.monolithic()) {
    b.engine_rps = l.decode * engine_rate_per_ms(s, w, b.decode_batch) * 1000;
    b.max_rate_rps = b.engine_rps;
    b.bottleneck = kv_limited ? Bottleneck::KvCapacity : Bottleneck::Engine;
    return b;
  }
  // Prefill: best batch of k mean-sized requests within the token budget.
  const double u = w.mean_uncached;
  const int kmax = std::max(1, static_cast<int>(s.prefill_max_batch_tokens / u));
  double per_ms = 1 / w.mean_prefill_ms;
  for (int k = 2; k <= kmax; ++k) per_ms = std::max(per_ms, k / prefill_batch_ms(s, k * u));
  b.prefill_rps = l.prefill * per_ms * 1000;
  const double bd = b.decode_batch, ctx = w.mean_prompt + w.mean_output / 2;
  b.decode_rps = l.decode * bd / (w.mean_output * decode_step_ms(s, bd, bd * ctx)) * 1000;
  b.link_rps = w.mean_kv_bytes > 0 ? l.prefill * link_bytes_per_ms(s) / w.mean_kv_bytes * 1000 : kInf;
  b.max_rate_rps = std::min({b.prefill_rps, b.decode_rps, b.link_rps});
  if (b.max_rate_rps == b.prefill_rps)
    b.bottleneck = Bottleneck::Prefill;
  else if (b.max_rate_rps == b.link_rps)
    b.bottleneck = Bottleneck::Link;
  else
    b.bottleneck = kv_limited ? Bottleneck::KvCapacity : Bottleneck::Decode;
  return b;
}

AnalyticPoint analytic(const WhatIfSpec& s, const WorkloadSketch& w, Layout l, double rate_rps) {
  AnalyticPoint p;
  p.layout = l;
  p.bounds = bounds(s, w, l);
  p.rate_rps = rate_rps;
  p.saturated = rate_rps >= p.bounds.max_rate_rps;
  p.throughput_rps = std::min(rate_rps, p.bounds.max_rate_rps);
  const double lam = rate_rps / 1000;  // per ms
  const double ctx = w.mean_prompt + w.mean_output / 2, o = w.mean_output;
  const double slope = s.decode_ms.per_seq + s.decode_ms.per_ctx_token * ctx;
  const double bcap = p.bounds.decode_batch;
  auto fill = [](Percentiles& q, double mean, double p99) {
    q.mean = q.p50 = q.p90 = mean;
    q.p99 = std::max(mean, p99);
  };
  if (p.saturated) {
    fill(p.ttft_ms, kInf, kInf);
    fill(p.e2e_ms, kInf, kInf);
  }
  if (l.monolithic()) {
    const double li = lam / l.decode;
    // Step time with the decode batch and the prefill chunks that arrive meanwhile (Little's law).
    const double denom = 1 - li * ((o - 1) * slope + s.prefill_ms.per_token * w.mean_uncached);
    double t = denom > 0 ? s.decode_ms.base / denom : kInf;
    const double batch = std::min(bcap, li * (o - 1) * t);
    // A prefill chunk of c tokens inside a decode step (the fit's linear and squared terms).
    auto chunk_ms = [&](double c) { return s.prefill_ms.per_token * c + s.prefill_ms.per_token2 * c * c; };
    t = std::min(t, decode_step_ms(s, bcap, bcap * ctx) + chunk_ms(s.prefill_max_batch_tokens));
    const double chunk99 = std::min(w.p99_uncached, std::max(1.0, s.prefill_max_batch_tokens - batch));
    const double itl99 = li * t >= 0.01 ? t + chunk_ms(chunk99) : t;
    fill(p.itl_ms, t, itl99);
    if (p.saturated) return p;
    // Waiting for the engine: M/G/n with the request's whole engine time as the service.
    const double svc = 1 / (engine_rate_per_ms(s, w, bcap));
    const double svc2 = svc * svc * w.second_prefill_ms / (w.mean_prefill_ms * w.mean_prefill_ms);
    p.prefill_wait_ms = mgn_wait_ms(l.decode, lam, svc, svc2);
    const double steps = std::ceil(w.mean_uncached / std::max(1.0, s.prefill_max_batch_tokens - batch));
    const double ttft = p.prefill_wait_ms + t / 2 + steps * decode_step_ms(s, batch, batch * ctx) +
                        (w.mean_prefill_ms - (batch > 0 ? s.prefill_ms.base : 0));
    const double steps99 = std::ceil(w.p99_uncached / std::max(1.0, s.prefill_max_batch_tokens - batch));
    const double ttft99 = wait_p99_ms(l.decode, lam, svc, svc2) + t +
                          steps99 * decode_step_ms(s, batch, batch * ctx) + w.p99_prefill_ms;
    fill(p.ttft_ms, ttft, ttft99);
    fill(p.e2e_ms, ttft + (o - 1) * t, ttft99 + (o - 1) * itl99);
    return p;
  }
  const double lm = lam / l.decode;
  const double denom = 1 - lm * o * slope;
  double t = denom > 0 ? s.decode_ms.base / denom : kInf;
  t = std::min(t, decode_step_ms(s, bcap, bcap * ctx));
  const double batch = std::min(bcap, lm * o * t);
  const double b99 = std::min(bcap, batch + 2.33 * std::sqrt(batch));
  const double itl99 = decode_step_ms(s, std::max(1.0, b99), std::max(1.0, b99) * ctx);
  fill(p.itl_ms, t, itl99);
  // KV transfer: setup + bytes at the link's share (processor sharing: bytes / (bw (1 - rho_link))).
  const double rho_link = lam / l.prefill * w.mean_kv_bytes / link_bytes_per_ms(s);
  const double slow = rho_link < 1 ? 1 / (1 - rho_link) : kInf;
  p.kv_transfer_ms = s.kv.setup_ms + w.mean_kv_bytes / link_bytes_per_ms(s) * slow;
  const double kv99 = s.kv.setup_ms + w.p99_kv_bytes / link_bytes_per_ms(s) * slow;
  if (p.saturated) return p;
  p.prefill_wait_ms = mgn_wait_ms(l.prefill, lam, w.mean_prefill_ms, w.second_prefill_ms);
  const double first_step = decode_step_ms(s, batch + 1, (batch + 1) * ctx);
  const double ttft = p.prefill_wait_ms + w.mean_prefill_ms + p.kv_transfer_ms + t / 2 + first_step;
  const double ttft99 = wait_p99_ms(l.prefill, lam, w.mean_prefill_ms, w.second_prefill_ms) +
                        w.p99_prefill_ms + kv99 + t + first_step;
  fill(p.ttft_ms, ttft, ttft99);
  fill(p.e2e_ms, ttft + (o - 1) * t, ttft99 + (o - 1) * itl99);
  return p;
}

}  // namespace hp::disagg
