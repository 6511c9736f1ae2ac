#include "core/disagg/simulate.h"

#include <catch2/catch.hpp>

#include "core/disagg/analytic.h"

using namespace hp::disagg;

namespace {

// One prefill instance serving 1000-token prompts one at a time in D = 10 ms; decode and transfer free.
WhatIfSpec md1_spec() {
  WhatIfSpec s;
  s.gpus = 2;
  s.prompt_tokens = {{}, 1000, 0};
  s.output_tokens = {{}, 1, 0};
  s.prefill_ms = {0, 0.01, 0};
  s.prefill_max_batch_tokens = 1000;
  s.decode_ms = {0.001, 0, 0};
  s.kv = {0, 0, 25, 0};
  return s;
}

// Split with fast prefill and decode, 100 MB per request over the link: link-bound.
WhatIfSpec link_spec() {
  WhatIfSpec s;
  s.gpus = 2;
  s.prompt_tokens = {{}, 1000, 0};
  s.output_tokens = {{}, 4, 0};
  s.prefill_ms = {0.1, 0.0001, 0};
  s.decode_ms = {0.1, 0.001, 0};
  s.kv = {100000, 0, 10, 0};  // 1e8 B per request at 10 GB/s: 10 ms, 100 req/s
  s.arrival = {500, 1};
  return s;
}

}  // namespace

TEST_CASE("Simulation: one prefill instance is M/D/1 (mean wait within 3%)", "[disagg][simulate]") {
  const WhatIfSpec s = md1_spec();
  const double d = 10;
  for (double rho : {0.5, 0.8}) {
    SimResult r = simulate(s, {1, 1}, 200000, rho / d * 1000);
    const double wait = rho * d / (2 * (1 - rho));  // Pollaczek-Khinchine with deterministic service
    INFO("rho " << rho << " simulated mean wait " << r.prefill_wait_ms.mean << " ms, closed form " << wait);
    CHECK(r.prefill_wait_ms.mean == Approx(wait).epsilon(0.03));
    // DistServe's mean TTFT D + lambda D^2 / (2 (1 - lambda D)), plus the one decode step of 0.001 ms.
    CHECK(r.ttft_ms.mean == Approx(d + wait + 0.001).epsilon(0.03));
    CHECK(r.util_prefill == Approx(rho).epsilon(0.02));
    CHECK(mgn_wait_ms(1, rho / d, d, d * d) == Approx(wait).epsilon(1e-12));
  }
}

TEST_CASE("Simulation: saturated throughput equals the capacity bound", "[disagg][simulate]") {
  SECTION("prefill-bound: 1 / D per instance") {
    WhatIfSpec s = md1_spec();
    s.gpus = 3;
    SimResult r = simulate(s, {2, 1}, 20000, 400);  // capacity 2 x 100 = 200 req/s
    Bounds b = bounds(s, sketch(s), {2, 1});
    CHECK(b.prefill_rps == Approx(200));
    CHECK(b.bottleneck == Bottleneck::Prefill);
    CHECK(r.throughput_rps == Approx(200).epsilon(0.01));
  }
  SECTION("decode-bound: batch x steps per second / output tokens") {
    WhatIfSpec s = md1_spec();
    s.prefill_ms = {0, 0.0001, 0};
    s.output_tokens = {{}, 100, 0};
    s.decode_ms = {10, 0.1, 0};  // 8 sequences: 10.8 ms per step
    s.decode_max_batch = 8;
    Bounds b = bounds(s, sketch(s), {1, 1});
    const double cap = 8 / (100 * 10.8e-3);  // 7.407 req/s
    CHECK(b.decode_rps == Approx(cap));
    CHECK(b.bottleneck == Bottleneck::Decode);
    SimResult r = simulate(s, {1, 1}, 3000, 4 * cap);
    CHECK(r.throughput_rps == Approx(cap).epsilon(0.01));
    CHECK(r.mean_decode_batch == Approx(8).epsilon(0.01));
    CHECK(r.itl_ms.p50 == Approx(10.8).epsilon(0.01));
  }
  SECTION("KV capacity caps the decode batch") {
    WhatIfSpec s = md1_spec();
    s.prefill_ms = {0, 0.0001, 0};
    s.output_tokens = {{}, 100, 0};
    s.decode_ms = {10, 0.1, 0};
    s.kv_capacity_tokens = 4 * 1100;  // 4 requests of 1000 + 100 tokens
    Bounds b = bounds(s, sketch(s), {1, 1});
    CHECK(b.decode_batch == 4);
    CHECK(b.bottleneck == Bottleneck::KvCapacity);
    SimResult r = simulate(s, {1, 1}, 2000, 20);
    CHECK(r.throughput_rps == Approx(b.decode_rps).epsilon(0.01));
    CHECK(r.kv_blocked_share > 0.9);
  }
}

TEST_CASE("Simulation: link-bound, halving the bandwidth halves the maximum rate", "[disagg][simulate]") {
  WhatIfSpec s = link_spec();
  Bounds b = bounds(s, sketch(s), {1, 1});
  CHECK(b.bottleneck == Bottleneck::Link);
  CHECK(b.link_rps == Approx(100));
  SimResult full = simulate(s, {1, 1}, 5000);
  s.kv.bandwidth_GBps = 5;
  SimResult half = simulate(s, {1, 1}, 5000);
  CHECK(full.throughput_rps == Approx(100).epsilon(0.01));
  CHECK(half.throughput_rps == Approx(50).epsilon(0.01));
  CHECK(full.util_link == Approx(1).epsilon(0.01));
}

TEST_CASE("Simulation: deterministic under a seed", "[disagg][simulate]") {
  WhatIfSpec s;
  s.prompt_tokens = {{}, 2000, 0.8};
  s.output_tokens = {{}, 200, 1};
  s.prefill_ms = {5, 0.05, 1e-6};
  s.decode_ms = {8, 0.05, 2e-5};
  s.kv = {131072, 0, 25, 2};
  s.arrival = {10, 1.5};
  SimResult a = simulate(s, {2, 6}, 3000), b = simulate(s, {2, 6}, 3000);
  CHECK(a.ttft_ms.p99 == b.ttft_ms.p99);
  CHECK(a.itl_ms.p99 == b.itl_ms.p99);
  CHECK(a.e2e_ms.mean == b.e2e_ms.mean);
  CHECK(a.kv_transfer_ms.mean == b.kv_transfer_ms.mean);
  s.seed = 2;
  SimResult c = simulate(s, {2, 6}, 3000);
  CHECK(c.e2e_ms.mean != a.e2e_ms.mean);
}

TEST_CASE("Analytic fast path agrees with the simulation at low load", "[disagg][analytic]") {
  WhatIfSpec s;
  s.gpus = 8;
  s.prompt_tokens = {{}, 2000, 0.5};
  s.output_tokens = {{}, 200, 0.5};
  s.prefill_ms = {5, 0.05, 0};
  s.decode_ms = {8, 0.05, 1e-5};
  s.kv = {131072, 0, 25, 2};
  s.arrival = {2, 1};
  WorkloadSketch w = sketch(s);
  for (Layout l : {Layout{2, 6}, Layout{0, 8}}) {
    AnalyticPoint a = analytic(s, w, l, 2);
    SimResult r = simulate(s, l, 4000);
    INFO(l.label(1) << ": TTFT analytic " << a.ttft_ms.mean << " sim " << r.ttft_ms.mean << "; ITL "
                    << a.itl_ms.mean << " / " << r.itl_ms.mean << "; max rate " << a.bounds.max_rate_rps);
    CHECK(a.ttft_ms.mean == Approx(r.ttft_ms.mean).epsilon(0.15));
    CHECK(a.itl_ms.mean == Approx(r.itl_ms.mean).epsilon(0.15));
    CHECK(a.e2e_ms.mean == Approx(r.e2e_ms.mean).epsilon(0.15));
    CHECK(r.throughput_rps == Approx(2).epsilon(0.1));
    // Far above the predicted saturation the simulation delivers about that rate.
    SimResult sat = simulate(s, l, 4000, 3 * a.bounds.max_rate_rps);
    CHECK(sat.throughput_rps == Approx(a.bounds.max_rate_rps).epsilon(0.15));
  }
}
