#include "capture/profile_probes.h"

#include <fmt/format.h>

#include <iostream>
#include <stdexcept>

#include "capture/profiler_control.h"
#include "core/serving/traffic.h"

namespace hp::capture {

uint64_t run_probes(const ReplayOptions& base, const std::vector<serving::TrafficRequest>& probes,
                    size_t from, size_t count, ServingSink* sink, const std::string& purpose) {
  serving::Traffic t;
  t.requests.assign(probes.begin() + static_cast<std::ptrdiff_t>(from),
                    probes.begin() + static_cast<std::ptrdiff_t>(from + count));
  ReplayOptions o = base;
  o.arrival = {};
  o.arrival.concurrency = 1;
  ReplayClient c(o, t);
  uint64_t ok = 0;
  c.run([&](const serving::RequestRecord& r) {
    ok += r.status == serving::RequestStatus::Ok;
    if (!sink) return;
    serving::RequestRecord rec = r;
    rec.purpose = purpose;
    sink->add_request(rec);
  });
  return ok;
}

std::map<std::filesystem::path, std::string> profile_stages(const ServeOpts& o, const ReplayOptions& ro,
                                                            const std::string& engine, ServingSink& w) {
  ProfilerOptions po;
  po.base_url = ro.base_url;
  po.engine = engine;
  po.profile_dir = o.profile_dir;
  po.api_key = ro.api_key;
  std::map<std::filesystem::path, std::string> out;
  size_t n = static_cast<size_t>(o.probe_warmup + o.probe_capture);
  for (const char* stage : {"prefill", "decode"}) {
    bool prefill = std::string(stage) == "prefill";
    auto probes = prefill ? serving::prefill_probes(n, o.probe_input_tokens, o.seed)
                          : serving::decode_probes(n, o.probe_output_tokens, o.seed + 1);
    const std::string purpose = fmt::format("probe:{}", stage);
    run_probes(ro, probes, 0, static_cast<size_t>(o.probe_warmup), &w, purpose);
    auto before = list_traces(o.profile_dir);
    std::string err;
    // The profiler's start on our clock places a trace that carries no absolute time base.
    const int64_t started = epoch_now_ns();
    if (!start_profile(po, &err)) throw std::runtime_error(err);
    // The server started its profiler between these two stamps (the request's round trip).
    w.set_meta(fmt::format("profile.{}.started_ns", stage), std::to_string(started));
    w.set_meta(fmt::format("profile.{}.start_acked_ns", stage), std::to_string(epoch_now_ns()));
    if (prefill) w.set_meta("profile.started_ns", std::to_string(started));
    uint64_t ok = run_probes(ro, probes, static_cast<size_t>(o.probe_warmup),
                             static_cast<size_t>(o.probe_capture), &w, purpose);
    if (!stop_profile(po, &err)) throw std::runtime_error(err);
    auto traces = wait_for_traces(o.profile_dir, before, po.settle_s, po.timeout_s, &err);
    if (traces.empty()) throw std::runtime_error(fmt::format("{} probe: {}", stage, err));
    for (const auto& t : traces) out[t] = stage;
    w.set_meta(fmt::format("profile.{}.requests_ok", stage), std::to_string(ok));
    w.set_meta(fmt::format("profile.{}.traces", stage), std::to_string(traces.size()));
    std::cerr << fmt::format("hotpath: {} probe: {} trace file(s)\n", stage, traces.size());
  }
  return out;
}

}  // namespace hp::capture
