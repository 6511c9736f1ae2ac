// Disaggregation advisor speed (issue 17's targets): one analytic recompute of the What-if panel (every
// P:D split plus two 60-point rate curves; target <= 1 ms) and a 100,000-request simulation of a P:D
// split on one core (target <= 1 s). Prints the times and their ratio to the targets.
#include <chrono>
#include <cstdio>

#include "core/disagg/analytic.h"
#include "core/disagg/simulate.h"

using namespace hp::disagg;

int main() {
  WhatIfSpec s;
  s.gpus = 16;
  s.prompt_tokens = {{}, 3000, 0.8};
  s.output_tokens = {{}, 300, 1};
  s.prefill_ms = {5, 0.04, 1e-7};
  s.decode_ms = {8, 0.05, 2e-6};
  s.kv = {131072, 0, 50, 3};
  s.arrival = {20, 1};
  using clock = std::chrono::steady_clock;
  const WorkloadSketch w = sketch(s);
  const int reps = 200;
  double sink = 0;
  auto t0 = clock::now();
  for (int r = 0; r < reps; ++r) {
    const int n = s.instances();
    sink += analytic(s, w, {0, n}, s.arrival.rate_rps).ttft_ms.mean;
    for (int p = 1; p < n; ++p) sink += analytic(s, w, {p, n - p}, s.arrival.rate_rps).ttft_ms.mean;
    for (int i = 1; i <= 60; ++i) {
      sink += analytic(s, w, {4, n - 4}, i * 1.0).itl_ms.mean;
      sink += analytic(s, w, {0, 1}, i * 1.0).itl_ms.mean;
    }
  }
  const double analytic_ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count() / reps;
  t0 = clock::now();
  SimResult r = simulate(s, {4, 12}, 100000);
  const double sim_s = std::chrono::duration<double>(clock::now() - t0).count();
  std::printf("analytic recompute (16 layouts + 2 x 60 rate points): %.3f ms  (%.2fx of the 1 ms target)\n",
              analytic_ms, analytic_ms / 1.0);
  std::printf(
      "simulation, 100,000 requests, 4P:12D: %.3f s  (%.2fx of the 1 s target); %.2f req/s, TTFT p99 %.1f "
      "ms\n",
      sim_s, sim_s / 1.0, r.throughput_rps, r.ttft_ms.p99);
  return sink == 12345 ? 1 : 0;
}
