#include "core/session/request_latency.h"

#include <algorithm>

namespace hp {

const char* to_string(LatencyMetric m) {
  static const char* kNames[] = {"TTFT",           "TPOT", "ITL", "E2E", "Queue (server)", "Prefill (server)",
                                 "Decode (server)"};
  return kNames[static_cast<size_t>(m)];
}

LatencySamples latency_samples(const Session& s, Ns begin, Ns end, const serving::Slo& slo) {
  LatencySamples out;
  const RequestTable& rq = s.requests;
  auto add = [&](LatencyMetric m, Ns d) {
    out.ms[static_cast<size_t>(m)].push_back(static_cast<double>(d) / 1e6);
  };
  auto known = [](Ns a, Ns b) { return a != kNoTime && b != kNoTime; };
  auto ms = [](Ns d) { return static_cast<double>(d) / 1e6; };
  Ns w0 = INT64_MAX, w1 = INT64_MIN;  // the measured window, as latency_stats
  for (size_t i = 0; i < rq.size(); ++i) {
    const Ns t = rq.start_of(i);
    if (t == kNoTime || t < begin || t >= end) continue;
    if (rq.warmup[i] || rq.purpose[i] != 0) continue;
    ++out.requests;
    if (rq.sent[i] != kNoTime) {
      w0 = std::min(w0, rq.sent[i]);
      if (rq.finish[i] != kNoTime) w1 = std::max(w1, rq.finish[i]);
    } else if (rq.srv_received[i] != kNoTime) {
      w0 = std::min(w0, rq.srv_received[i]);
      for (Ns t : {rq.srv_received[i], rq.srv_queued[i], rq.srv_finished[i]})
        if (t != kNoTime) w1 = std::max(w1, t);
    }
    if (known(rq.srv_queued[i], rq.srv_scheduled[i]))
      add(LatencyMetric::Queue, rq.srv_scheduled[i] - rq.srv_queued[i]);
    if (known(rq.srv_scheduled[i], rq.srv_prefill_end[i]))
      add(LatencyMetric::Prefill, rq.srv_prefill_end[i] - rq.srv_scheduled[i]);
    if (known(rq.srv_prefill_end[i], rq.srv_finished[i]))
      add(LatencyMetric::Decode, rq.srv_finished[i] - rq.srv_prefill_end[i]);
    if (rq.status[i] != serving::RequestStatus::Ok) {
      ++out.failed;
      continue;
    }
    const bool ttft = known(rq.sent[i], rq.first_token[i]), e2e = known(rq.sent[i], rq.finish[i]);
    Ns tpot = -1, worst_gap = 0;
    if (ttft) add(LatencyMetric::Ttft, rq.first_token[i] - rq.sent[i]);
    if (e2e) {
      add(LatencyMetric::E2e, rq.finish[i] - rq.sent[i]);
      // As RequestRecord::tpot_ns: integer ns division over the tokens after the first.
      if (ttft && rq.output_tokens[i] > 1) {
        tpot = (rq.finish[i] - rq.first_token[i]) / static_cast<Ns>(rq.output_tokens[i] - 1);
        add(LatencyMetric::Tpot, tpot);
      }
    }
    for (uint32_t k = rq.itl_begin[i]; k < rq.itl_begin[i + 1]; ++k) {
      add(LatencyMetric::Itl, rq.itl[k]);
      worst_gap = std::max(worst_gap, rq.itl[k]);
    }
    if (!slo.empty()) {
      bool good = true;
      if (slo.ttft_ms) good &= ttft && ms(rq.first_token[i] - rq.sent[i]) <= *slo.ttft_ms;
      if (slo.tpot_ms) good &= (tpot >= 0 ? ms(tpot) : 0.0) <= *slo.tpot_ms;
      if (slo.itl_ms) good &= ms(worst_gap) <= *slo.itl_ms;
      if (slo.e2e_ms) good &= e2e && ms(rq.finish[i] - rq.sent[i]) <= *slo.e2e_ms;
      out.good += good;
    }
  }
  if (w1 > w0) {
    out.duration_s = static_cast<double>(w1 - w0) / 1e9;
    out.goodput_req_s = static_cast<double>(out.good) / out.duration_s;
  }
  return out;
}

}  // namespace hp
