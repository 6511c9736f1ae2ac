// Serving panels at scale, headless (model + ImGui draw-list build, no GL): a generated session of
// REQUESTS requests (8 ITLs each) and SAMPLES metric samples in 192 series (six load concepts x 32
// replicas, named as vLLM exposes them), with a latency histogram family. For each of the Requests,
// Latency, Prefill/decode and Load panels: the model build once, then the median and p99 frame over
// 60 frames at 1920x1080; and re-filtering the Requests table with an expression. Baseline in the same
// run: a memcpy of the requests' time columns (the least a pass over them can cost).
//   bench_serving_panels [REQUESTS] [SAMPLES]   (default 1,000,000 and 10,000,000)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/serving/metric_map.h"
#include "core/session/request_latency.h"
#include "core/session/server_histograms.h"
#include "core/session/session_builder.h"
#include "core/util/assets.h"
#include "support/imgui_harness.h"
#include "views/latency_panel.h"
#include "views/load_panel.h"
#include "views/phases_panel.h"
#include "views/requests_panel.h"

using namespace hp;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

ServingData generate(size_t n_req, size_t n_samples) {
  ServingData d;
  d.meta["engine"] = "vllm";
  const Ns base = 1'700'000'000'000'000'000, span = 3600LL * 1'000'000'000;  // one hour
  std::mt19937_64 rng(7);
  d.requests.resize(n_req);
  for (size_t i = 0; i < n_req; ++i) {
    serving::RequestRecord& r = d.requests[i];
    r.request_id = "req-" + std::to_string(i);
    const Ns t = base + static_cast<Ns>(static_cast<double>(span) * static_cast<double>(i) /
                                        static_cast<double>(n_req));
    r.scheduled_ns = r.sent_ns = t;
    r.first_token_ns = t + 20'000'000 + static_cast<Ns>(rng() % 400'000'000);
    for (int k = 0; k < 8; ++k)
      r.token_chunk_ns.push_back(r.first_token_ns + k * (5'000'000 + static_cast<Ns>(rng() % 10'000'000)));
    r.end_ns = r.token_chunk_ns.back();
    r.output_tokens = 8;
    r.prompt_tokens = 100 + static_cast<uint32_t>(rng() % 4000);
  }
  const char* names[] = {"vllm:num_requests_running", "vllm:num_requests_waiting",
                         "vllm:kv_cache_usage_perc",  "vllm:num_preemptions_total",
                         "vllm:prompt_tokens_total",  "vllm:generation_tokens_total"};
  const size_t series = 6 * 32, per = n_samples / series;
  for (size_t s = 0; s < series; ++s) {
    serving::MetricSeries ms{{names[s % 6], {{"engine", std::to_string(s / 6)}}}, {}};
    double v = 0;
    for (size_t k = 0; k < per; ++k) {
      v = s % 6 >= 3 ? v + static_cast<double>(rng() % 50)
                     : static_cast<double>(rng() % 100) / (s % 6 == 2 ? 100 : 1);
      ms.samples.push_back({base + static_cast<Ns>(static_cast<double>(span) * static_cast<double>(k) /
                                                   static_cast<double>(per)),
                            v});
    }
    d.metrics.push_back(std::move(ms));
  }
  double cum[] = {0, 0, 0};
  for (int k = 0; k <= 360; ++k) {  // a TTFT histogram scraped every 10 s
    cum[0] += 100, cum[1] += 250, cum[2] += 280;
    const char* les[] = {"0.1", "0.5", "+Inf"};
    for (int b = 0; b < 3; ++b) {
      if (k == 0) d.metrics.push_back({{"vllm:time_to_first_token_seconds_bucket", {{"le", les[b]}}}, {}});
      d.metrics[d.metrics.size() - 3 + static_cast<size_t>(b)].samples.push_back(
          {base + k * 10'000'000'000LL, cum[b]});
    }
  }
  return d;
}

void frames(const char* what, test::ImGuiHarness& h, const std::function<void()>& body) {
  auto ui = [&] { test::fullscreen_window(what, body); };
  h.frames(3, ui);
  std::vector<double> t;
  for (int f = 0; f < 60; ++f) {
    auto t0 = Clock::now();
    h.frame(ui);
    t.push_back(ms_since(t0));
  }
  std::sort(t.begin(), t.end());
  std::printf("%-16s frame_ms_median=%.3f frame_ms_p99=%.3f\n", what, t[t.size() / 2],
              t[t.size() * 99 / 100]);
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n_req = argc > 1 ? std::stoul(argv[1]) : 1'000'000;
  const size_t n_samples = argc > 2 ? std::stoul(argv[2]) : 10'000'000;
  SessionBuilder b;
  b.add_serving(generate(n_req, n_samples), SourceKind::Capture, "generated");
  auto session = b.finish();
  std::printf("session: %zu requests, %zu samples in %zu series\n", session->requests.size(),
              session->series.ts.size(), session->series.size());
  // Baseline: copying the five client time columns once.
  std::vector<Ns> sink(session->requests.size());
  auto t0 = Clock::now();
  for (const auto* col : {&session->requests.arrival, &session->requests.sent, &session->requests.first_token,
                          &session->requests.last_token, &session->requests.finish})
    std::memcpy(sink.data(), col->data(), sink.size() * sizeof(Ns));
  const double memcpy_ms = ms_since(t0);
  std::printf("baseline: memcpy of 5 time columns %.2f ms\n", memcpy_ms);

  std::string err;
  const serving::MetricMap map = serving::MetricMap::load((assets_dir() / "metric_map.json").string(), &err);
  test::ImGuiHarness h(1920, 1080);
  ViewState vs;

  t0 = Clock::now();
  RequestsModel rm;
  set_session(rm, session);
  std::printf("requests model: %.0f ms (%.1fx the baseline)\n", ms_since(t0), ms_since(t0) / memcpy_ms);
  t0 = Clock::now();
  set_filter(rm, "ttft > 200ms && out_tokens > 4", std::nullopt);
  const double filter_ms = ms_since(t0);
  std::printf("requests filter: %.1f ms -> %zu rows (%.1fx the baseline)\n", filter_ms, rm.rows.size(),
              filter_ms / memcpy_ms);
  t0 = Clock::now();
  sort_rows(rm, RequestField::Ttft, true);
  std::printf("requests sort by TTFT: %.1f ms\n", ms_since(t0));
  RequestsPanelState rs;
  frames("requests", h, [&] { draw_requests_panel(rm, rs, vs); });

  t0 = Clock::now();
  const serving::Slo slo = serving::parse_slo("ttft=200,tpot=10");
  LatencyModel lm = latency_model(latency_samples(*session, INT64_MIN, INT64_MAX, slo),
                                  server_histograms(*session, map), slo);
  std::printf("latency model: %.0f ms (%zu charts)\n", ms_since(t0), lm.charts.size());
  LatencyPanelState ls;
  std::string slo_text = "ttft=200,tpot=10";
  frames("latency", h, [&] { draw_latency_panel(lm, false, ls, slo_text); });

  t0 = Clock::now();
  PhasesModel pm = phases_model(*session, nullptr);
  std::printf("phases model: %.0f ms\n", ms_since(t0));
  frames("phases", h, [&] { draw_phases_panel(pm, false); });

  t0 = Clock::now();
  LoadModel lo = load_model(*session, &map);
  std::printf("load model: %.0f ms (%zu charts)\n", ms_since(t0), lo.charts.size());
  LoadPanelState lst;
  t0 = Clock::now();
  h.frame([&] { test::fullscreen_window("load", [&] { draw_load_panel(lo, lst, false); }); });
  std::printf("load first frame (pixel columns of every line): %.0f ms\n", ms_since(t0));
  frames("load", h, [&] { draw_load_panel(lo, lst, false); });
  return 0;
}
