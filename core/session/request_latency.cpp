#include "core/session/request_latency.h"

namespace hp {

const char* to_string(LatencyMetric m) {
  static const char* kNames[] = {"TTFT",           "TPOT", "ITL", "E2E", "Queue (server)", "Prefill (server)",
                                 "Decode (server)"};
  return kNames[static_cast<size_t>(m)];
}

LatencySamples latency_samples(const Session& s, Ns begin, Ns end) {
  LatencySamples out;
  const RequestTable& rq = s.requests;
  auto add = [&](LatencyMetric m, Ns d) {
    out.ms[static_cast<size_t>(m)].push_back(static_cast<double>(d) / 1e6);
  };
  auto known = [](Ns a, Ns b) { return a != kNoTime && b != kNoTime; };
  for (size_t i = 0; i < rq.size(); ++i) {
    const Ns t = rq.start_of(i);
    if (t == kNoTime || t < begin || t >= end) continue;
    if (rq.warmup[i] || rq.purpose[i] != 0) continue;
    ++out.requests;
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
    const bool ttft = known(rq.sent[i], rq.first_token[i]);
    if (ttft) add(LatencyMetric::Ttft, rq.first_token[i] - rq.sent[i]);
    if (known(rq.sent[i], rq.finish[i])) {
      add(LatencyMetric::E2e, rq.finish[i] - rq.sent[i]);
      // As RequestRecord::tpot_ns: integer ns division over the tokens after the first.
      if (ttft && rq.output_tokens[i] > 1)
        add(LatencyMetric::Tpot,
            (rq.finish[i] - rq.first_token[i]) / static_cast<Ns>(rq.output_tokens[i] - 1));
    }
    for (uint32_t k = rq.itl_begin[i]; k < rq.itl_begin[i + 1]; ++k) add(LatencyMetric::Itl, rq.itl[k]);
  }
  return out;
}

}  // namespace hp
