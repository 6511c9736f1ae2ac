#include "core/disagg/simulate.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <deque>
#include <queue>
#include <string>
#include <vector>

#include "core/disagg/workload.h"

namespace hp::disagg {

namespace {

// Nearest-rank percentiles and the mean of per-request values.
Percentiles summarize(std::vector<double> v) {
  Percentiles p;
  if (v.empty()) return p;
  double sum = 0;
  for (double x : v) sum += x;
  p.mean = sum / static_cast<double>(v.size());
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    size_t k = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, k ? k - 1 : 0)];
  };
  p.p50 = at(0.5);
  p.p90 = at(0.9);
  p.p99 = at(0.99);
  return p;
}

// Inter-token gaps: one weighted entry per decode step, binned by the double's exponent and top 7
// mantissa bits (< 0.8% wide, no log per step; 1 us .. beyond 1000 s).
struct GapHistogram {
  static constexpr int kShift = 45;
  static uint64_t bits(double v) { return std::bit_cast<uint64_t>(v); }
  const uint64_t lo = bits(1e-3) >> kShift, hi = bits(1e7) >> kShift;
  std::vector<double> w = std::vector<double>(hi - lo + 1, 0.0);
  double total = 0, sum = 0;
  void add(double ms, double weight) {
    if (weight <= 0) return;
    const uint64_t k = ms <= 1e-3 ? lo : std::min(hi, bits(ms) >> kShift);
    w[k - lo] += weight;
    total += weight;
    sum += ms * weight;
  }
  double value(size_t b) const {  // the bin's middle
    return std::bit_cast<double>(((lo + b) << kShift) | (uint64_t{1} << (kShift - 1)));
  }
  Percentiles summary() const {
    Percentiles p;
    if (total <= 0) return p;
    p.mean = sum / total;
    auto at = [&](double q) {
      double acc = 0;
      for (size_t b = 0; b < w.size(); ++b) {
        acc += w[b];
        if (acc >= q * total) return value(b);
      }
      return value(w.size() - 1);
    };
    p.p50 = at(0.5);
    p.p90 = at(0.9);
    p.p99 = at(0.99);
    return p;
  }
};

enum EvType : uint8_t { kPrefillDone, kSetupDone, kLinkDone, kStepDone };

struct Event {
  double t;
  uint64_t seq, ver;
  uint32_t a;
  EvType type;
  bool operator>(const Event& o) const { return t != o.t ? t > o.t : seq > o.seq; }
};

// A decode (split) or monolithic engine instance.
struct Engine {
  bool stepping = false;
  uint64_t step = 0;
  int batch = 0;  // decoding sequences
  double sum_ctx = 0, kv_used = 0, step_ms = 0, busy_ms = 0, batch_ms = 0;
  std::deque<uint32_t> pending;  // split: routed here, not yet admitted
  std::priority_queue<std::pair<uint64_t, uint32_t>, std::vector<std::pair<uint64_t, uint32_t>>,
                      std::greater<>>
      finish;                                         // (step at whose end it finishes, request)
  std::vector<uint32_t> fresh;                        // split: admitted at this step (first token at its end)
  std::vector<uint32_t> prefilling;                   // monolithic: admitted, prefill not done
  std::vector<std::pair<uint32_t, uint32_t>> chunks;  // monolithic: this step's (request, tokens)
};

// Processor sharing by virtual time: v grows by bw / k per ms with k transfers in flight; a transfer
// that joins at v with b bytes finishes when v reaches v + b (O(log k) per event).
struct Link {
  std::priority_queue<std::pair<double, uint32_t>, std::vector<std::pair<double, uint32_t>>, std::greater<>>
      flows;
  double v = 0, last = 0, busy_ms = 0;
  uint64_t version = 0;
};

struct Sim {
  Sim(const WhatIfSpec& spec, Layout layout, std::vector<SimRequest> r)
      : s(spec), l(layout), req(std::move(r)) {}
  const WhatIfSpec& s;
  Layout l;
  std::vector<SimRequest> req;
  std::vector<double> pstart, pend, xend, first, done;
  std::vector<uint32_t> rem;  // monolithic: prefill tokens left
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events;
  uint64_t seq = 0;
  std::deque<uint32_t> queue;  // the prefill pool's (or the monolithic engines') FIFO
  std::vector<uint8_t> pbusy;
  std::vector<std::vector<uint32_t>> pbatch;
  std::vector<double> pbusy_ms;
  std::vector<Link> links;
  std::vector<Engine> eng;
  GapHistogram gaps;
  size_t admissions = 0, kv_blocked = 0;
  const double bw = link_bytes_per_ms(s);

  void push(double t, EvType type, uint32_t a, uint64_t ver = 0) {
    events.push(Event{t, seq++, ver, a, type});
  }
  double need(uint32_t r) const { return static_cast<double>(req[r].prompt) + req[r].output; }
  std::vector<uint8_t> blocked;  // requests that waited for KV capacity at least once
  bool kv_fits(const Engine& e, uint32_t r, bool empty) {
    if (empty || e.kv_used + need(r) <= s.kv_capacity_tokens) return true;
    if (!blocked[r]) ++kv_blocked, blocked[r] = 1;
    return false;
  }

  // ---- P:D split ----
  void prefill_start(uint32_t i, double t) {
    if (pbusy[i] || queue.empty()) return;
    auto& b = pbatch[i];
    b.clear();
    double tokens = 0;
    while (!queue.empty() &&
           (b.empty() || tokens + req[queue.front()].uncached <= s.prefill_max_batch_tokens)) {
      uint32_t r = queue.front();
      queue.pop_front();
      pstart[r] = t;
      tokens += req[r].uncached;
      b.push_back(r);
    }
    const double dt = prefill_batch_ms(s, tokens);
    pbusy[i] = 1;
    pbusy_ms[i] += dt;
    push(t + dt, kPrefillDone, i);
  }
  void link_advance(Link& k, double t) {
    if (!k.flows.empty()) {
      k.v += (t - k.last) * bw / static_cast<double>(k.flows.size());
      k.busy_ms += t - k.last;
    }
    k.last = t;
  }
  void link_schedule(uint32_t i, double t) {
    Link& k = links[i];
    ++k.version;
    if (k.flows.empty()) return;
    const double left = std::max(0.0, k.flows.top().first - k.v);
    push(t + left * static_cast<double>(k.flows.size()) / bw, kLinkDone, i, k.version);
  }
  void link_add(uint32_t i, uint32_t r, double t) {
    const double bytes = kv_request_bytes(s, req[r].uncached);
    if (bytes <= 0) return transfer_done(r, t);
    link_advance(links[i], t);
    links[i].flows.emplace(links[i].v + bytes, r);
    link_schedule(i, t);
  }
  void link_done(uint32_t i, uint64_t ver, double t) {
    Link& k = links[i];
    if (ver != k.version) return;
    link_advance(k, t);
    k.v = std::max(k.v, k.flows.top().first);  // the scheduled one is done, whatever the rounding
    std::vector<uint32_t> finished;
    while (!k.flows.empty() && k.flows.top().first <= k.v * (1 + 1e-12)) {
      finished.push_back(k.flows.top().second);
      k.flows.pop();
    }
    link_schedule(i, t);
    for (uint32_t r : finished) transfer_done(r, t);
  }
  void transfer_done(uint32_t r, double t) {
    xend[r] = t;
    size_t best = 0;
    for (size_t j = 1; j < eng.size(); ++j)
      if (eng[j].batch + eng[j].pending.size() < eng[best].batch + eng[best].pending.size()) best = j;
    eng[best].pending.push_back(r);
    if (!eng[best].stepping) decode_start(static_cast<uint32_t>(best), t);
  }
  void decode_start(uint32_t i, double t) {
    Engine& e = eng[i];
    while (!e.pending.empty() && e.batch < s.decode_max_batch) {
      uint32_t r = e.pending.front();
      if (!kv_fits(e, r, e.batch == 0)) break;
      e.pending.pop_front();
      ++admissions;
      e.kv_used += need(r);
      ++e.batch;
      e.sum_ctx += req[r].prompt;
      e.finish.emplace(e.step + req[r].output, r);
      e.fresh.push_back(r);
    }
    if (e.batch == 0) {
      e.stepping = false;
      return;
    }
    e.stepping = true;
    e.step_ms = decode_step_ms(s, e.batch, e.sum_ctx);
    e.busy_ms += e.step_ms;
    e.batch_ms += e.step_ms * e.batch;
    push(t + e.step_ms, kStepDone, i);
  }
  // Requests whose last token came with this step leave the batch and free their KV.
  void retire_finished(Engine& e, double t) {
    while (!e.finish.empty() && e.finish.top().first <= e.step) {
      uint32_t r = e.finish.top().second;
      e.finish.pop();
      done[r] = t;
      --e.batch;
      e.sum_ctx -= need(r);
      e.kv_used -= need(r);
    }
  }
  void decode_done(uint32_t i, double t) {
    Engine& e = eng[i];
    ++e.step;
    gaps.add(e.step_ms, static_cast<double>(e.batch) - static_cast<double>(e.fresh.size()));
    for (uint32_t r : e.fresh) first[r] = t;
    e.fresh.clear();
    e.sum_ctx += e.batch;
    retire_finished(e, t);
    decode_start(i, t);
  }

  // ---- monolithic ----
  void engine_start(uint32_t i, double t) {
    Engine& e = eng[i];
    const double budget = std::max(1.0, s.prefill_max_batch_tokens - e.batch);
    double c = 0;
    e.chunks.clear();
    for (uint32_t r : e.prefilling) {
      uint32_t take = static_cast<uint32_t>(std::min<double>(rem[r], budget - c));
      if (!take) break;
      e.chunks.emplace_back(r, take);
      c += take;
    }
    while (c < budget && !queue.empty() &&
           e.batch + static_cast<int>(e.prefilling.size()) < s.decode_max_batch) {
      uint32_t r = queue.front();
      if (!kv_fits(e, r, e.batch == 0 && e.prefilling.empty())) break;
      queue.pop_front();
      ++admissions;
      e.kv_used += need(r);
      e.prefilling.push_back(r);
      pstart[r] = t;
      rem[r] = req[r].uncached;
      uint32_t take = static_cast<uint32_t>(std::min<double>(rem[r], budget - c));
      e.chunks.emplace_back(r, take);
      c += take;
    }
    if (e.batch == 0 && c == 0) {
      e.stepping = false;
      return;
    }
    e.stepping = true;
    e.step_ms = e.batch ? decode_step_ms(s, e.batch, e.sum_ctx) + s.prefill_ms.per_token * c +
                              s.prefill_ms.per_token2 * c * c
                        : prefill_batch_ms(s, c);
    e.busy_ms += e.step_ms;
    e.batch_ms += e.step_ms * e.batch;
    push(t + e.step_ms, kStepDone, i);
  }
  void engine_done(uint32_t i, double t) {
    Engine& e = eng[i];
    ++e.step;
    gaps.add(e.step_ms, e.batch);
    e.sum_ctx += e.batch;
    retire_finished(e, t);
    for (auto [r, take] : e.chunks) {
      rem[r] -= take;
      if (rem[r]) continue;
      std::erase(e.prefilling, r);
      pend[r] = first[r] = t;
      if (req[r].output <= 1) {
        done[r] = t;
        e.kv_used -= need(r);
        continue;
      }
      ++e.batch;
      e.sum_ctx += req[r].prompt + 1.0;
      e.finish.emplace(e.step + req[r].output - 1, r);
    }
    engine_start(i, t);
  }

  void arrive(uint32_t r, double t) {
    queue.push_back(r);
    if (l.monolithic()) {
      for (uint32_t i = 0; i < eng.size(); ++i)
        if (!eng[i].stepping) return engine_start(i, t);
    } else {
      for (uint32_t i = 0; i < pbusy.size(); ++i)
        if (!pbusy[i]) return prefill_start(i, t);
    }
  }

  void handle(const Event& ev) {
    switch (ev.type) {
      case kPrefillDone: {
        pbusy[ev.a] = 0;
        std::vector<uint32_t> b;
        b.swap(pbatch[ev.a]);
        for (uint32_t r : b) {
          pend[r] = ev.t;
          if (s.kv.setup_ms > 0)
            push(ev.t + s.kv.setup_ms, kSetupDone, r, ev.a);
          else
            link_add(ev.a, r, ev.t);
        }
        prefill_start(ev.a, ev.t);
        break;
      }
      case kSetupDone:
        link_add(static_cast<uint32_t>(ev.ver), ev.a, ev.t);
        break;
      case kLinkDone:
        link_done(ev.a, ev.ver, ev.t);
        break;
      case kStepDone:
        l.monolithic() ? engine_done(ev.a, ev.t) : decode_done(ev.a, ev.t);
        break;
    }
  }
};

}  // namespace

SimResult simulate(const WhatIfSpec& spec, Layout layout, size_t requests, double rate_rps, const Slo& slo) {
  WhatIfSpec s = spec;
  if (rate_rps > 0) s.arrival.rate_rps = rate_rps;
  const size_t n = requests ? requests : s.requests;
  Sim sim(s, layout, make_workload(s, n, s.seed));
  for (auto* v : {&sim.pstart, &sim.pend, &sim.xend, &sim.first, &sim.done}) v->assign(n, 0.0);
  sim.rem.assign(n, 0);
  sim.blocked.assign(n, 0);
  const int np = layout.monolithic() ? 0 : std::max(1, layout.prefill);
  sim.pbusy.assign(static_cast<size_t>(np), 0);
  sim.pbatch.resize(static_cast<size_t>(np));
  sim.pbusy_ms.assign(static_cast<size_t>(np), 0.0);
  sim.links.resize(static_cast<size_t>(np));
  sim.eng.resize(static_cast<size_t>(std::max(1, layout.decode)));
  size_t next = 0;
  while (next < n || !sim.events.empty()) {
    if (next < n && (sim.events.empty() || sim.req[next].arrival_ms <= sim.events.top().t)) {
      sim.arrive(static_cast<uint32_t>(next), sim.req[next].arrival_ms);
      ++next;
      continue;
    }
    Event ev = sim.events.top();
    sim.events.pop();
    sim.handle(ev);
  }
  SimResult out;
  out.layout = layout;
  out.requests = n;
  std::vector<double> ttft(n), e2e(n), xfer, wait(n);
  double end = 0, tokens = 0;
  size_t met = 0;
  for (size_t r = 0; r < n; ++r) {
    const double a = sim.req[r].arrival_ms;
    const double tpot = sim.req[r].output > 1 ? (sim.done[r] - sim.first[r]) / (sim.req[r].output - 1) : 0;
    met += (slo.ttft_ms <= 0 || sim.first[r] - a <= slo.ttft_ms) && (slo.itl_ms <= 0 || tpot <= slo.itl_ms);
    ttft[r] = sim.first[r] - a;
    e2e[r] = sim.done[r] - a;
    wait[r] = sim.pstart[r] - a;
    if (!layout.monolithic()) xfer.push_back(sim.xend[r] - sim.pend[r]);
    end = std::max(end, sim.done[r]);
    tokens += sim.req[r].output;
  }
  const double t0 = n ? sim.req[0].arrival_ms : 0, t1 = n ? sim.req[n - 1].arrival_ms : 0;
  const double span = std::max(1e-9, end - t0);
  out.makespan_s = span / 1000;
  // Completions while requests arrive, per second of that window (the arrival rate below saturation,
  // without the drain after the last arrival), or all of them over the makespan when that is more (above
  // saturation, where shared links finish little inside the window).
  size_t in_window = 0;
  for (size_t r = 0; r < n; ++r) in_window += sim.done[r] <= t1;
  out.throughput_rps = static_cast<double>(n) / out.makespan_s;
  if (n >= 2 && t1 > t0)
    out.throughput_rps = std::max(out.throughput_rps, static_cast<double>(in_window) / ((t1 - t0) / 1000));
  out.output_tok_s = tokens / out.makespan_s;
  out.slo_met = n ? static_cast<double>(met) / static_cast<double>(n) : 1;
  out.goodput_rps = out.throughput_rps * out.slo_met;
  out.ttft_ms = summarize(std::move(ttft));
  out.e2e_ms = summarize(std::move(e2e));
  out.kv_transfer_ms = summarize(std::move(xfer));
  out.prefill_wait_ms = summarize(std::move(wait));
  out.itl_ms = sim.gaps.summary();
  double pb = 0, db = 0, lb = 0, bm = 0;
  for (double b : sim.pbusy_ms) pb += b;
  for (const Link& k : sim.links) lb += k.busy_ms;
  for (const Engine& e : sim.eng) db += e.busy_ms, bm += e.batch_ms;
  if (np) out.util_prefill = pb / (np * span), out.util_link = lb / (np * span);
  out.util_decode = db / (static_cast<double>(sim.eng.size()) * span);
  out.mean_decode_batch = db > 0 ? bm / db : 0;
  out.kv_blocked_share =
      sim.admissions ? static_cast<double>(sim.kv_blocked) / static_cast<double>(sim.admissions) : 0;
  return out;
}

std::string Layout::label(int tp) const {
  if (monolithic()) return "monolithic " + std::to_string(decode * tp) + " GPUs";
  return std::to_string(prefill * tp) + "P:" + std::to_string(decode * tp) + "D";
}

const char* to_string(Bottleneck b) {
  switch (b) {
    case Bottleneck::Prefill:
      return "prefill";
    case Bottleneck::Decode:
      return "decode";
    case Bottleneck::Link:
      return "link";
    case Bottleneck::KvCapacity:
      return "kv_capacity";
    case Bottleneck::Engine:
      return "engine";
  }
  return "?";
}

}  // namespace hp::disagg
