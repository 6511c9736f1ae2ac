#include "core/disagg/fit_spec.h"

#include <catch2/catch.hpp>

#include "core/disagg/advise.h"
#include "core/disagg/parallelism.h"
#include "core/session/load_session.h"
#include "support/log_session.h"

using namespace hp;
using namespace hp::disagg;

namespace {

std::shared_ptr<const Session> vllm_log() {
  return test::vllm_log_session();
}

}  // namespace

// The log: 513 requests (arrivals only, whole-second times) over 85 s, 7,241 iterations carrying
// 2,534,186 prefill and 713,567 decode tokens (summed from the iteration lines), GPU KV cache 5,863,776
// tokens.
TEST_CASE("fit_spec on the vLLM 0.15 log: every number with its source", "[disagg][fit_spec]") {
  auto s = vllm_log();
  REQUIRE(s->iterations.size() == 7241);
  FitOptions fo;
  fo.gpus = 8;
  fo.tp = 4;
  FitResult f = fit_spec(*s, fo);
  const WhatIfSpec& w = f.spec;
  CHECK(f.requests == 0);  // no per-request token counts in a vLLM log
  CHECK(w.arrival.rate_rps == Approx(512.0 / 85));
  CHECK(w.arrival.cv == 1);  // coarse timestamps
  CHECK(w.prompt_tokens.mean == Approx(2534186.0 / 513));
  CHECK(w.output_tokens.mean == Approx(713567.0 / 513 + 1));
  CHECK(w.kv_capacity_tokens == 5863776);
  CHECK(w.prefill_max_batch_tokens == 8192);
  CHECK(w.instances() == 2);
  // The fits, checked against exact rational least squares over the log's Iteration lines (Python
  // fractions, normal equations): prefill and mixed steps (479) with P, P^2 and decode sequences give
  // P^2 at -3.92e-7, which is dropped; the refit is 46.87846 + 0.0036113957 P + 0.04439025 B, R² 0.014526
  // (the chunks' time hardly follows their size). Decode steps (6,759): 4.1981776 + 0.043741201 B, R²
  // 0.940273; no context in the log.
  CHECK(f.prefill_points == 479);
  CHECK(f.prefill_source == "engine iterations");
  CHECK(w.prefill_ms.base == Approx(46.8784622).epsilon(1e-6));
  CHECK(w.prefill_ms.per_token == Approx(0.0036113957).epsilon(1e-6));
  CHECK(w.prefill_ms.per_token2 == 0);
  CHECK(f.prefill_fit.coef("per_decode_seq") == Approx(0.04439025).epsilon(1e-6));
  CHECK(f.prefill_r2 == Approx(0.0145264).epsilon(1e-4));
  CHECK(f.decode_points == 6759);
  CHECK(w.decode_ms.base == Approx(4.1981776).epsilon(1e-6));
  CHECK(w.decode_ms.per_seq == Approx(0.043741201).epsilon(1e-6));
  CHECK(w.decode_ms.per_ctx_token == 0);
  CHECK(f.decode_r2 == Approx(0.9402728).epsilon(1e-6));
  CHECK(w.sources.at("prefill_ms").find("per_token2 dropped: fitted negative (-3.92e-07)") !=
        std::string::npos);
  CHECK(w.sources.at("decode_ms").find("per_ctx_token dropped: context tokens unknown for 6759 of 6759") !=
        std::string::npos);
  for (const char* k :
       {"arrival", "prompt_tokens", "output_tokens", "prefill_ms", "decode_ms", "kv_capacity_tokens",
        "kv.bytes_per_token", "kv.bandwidth_GBps", "kv.setup_ms", "gpus", "tp"})
    CHECK(w.sources.count(k) == 1);
  CHECK(w.sources.at("decode_ms").find("6759 points") != std::string::npos);
  CHECK(w.sources.at("kv.bandwidth_GBps").starts_with("default"));
  CHECK(f.warnings.size() == 2);  // lengths from iterations, no config.json
  // The spec survives its JSON.
  CHECK(spec_to_json(spec_from_json(spec_to_json(w).dump())) == spec_to_json(w));

  SECTION("self-check: throughput is all the log measured") {
    WhatIfSpec one = w;
    one.gpus = one.tp;
    one.requests = 600;
    SelfCheck c = self_check(one, *s);
    REQUIRE(c.valid);
    CHECK(c.measured_rps == Approx(513 / 85.0).epsilon(0.01));
    CHECK(c.measured_ttft_ms.p50 == 0);  // not in the log
    CHECK(c.predicted_rps == Approx(c.measured_rps).epsilon(0.15));
    CHECK(c.max_deviation < kSelfCheckTolerance);
    CHECK_FALSE(c.low_confidence);
  }
}

// The vLLM log's engine config line: tensor_parallel_size=4, pipeline_parallel_size=1, data_parallel_size=1;
// the SGLang log's server_args: tp_size=1, pp_size=1, dp_size=1.
TEST_CASE("fit_spec: tp and GPUs from the run's startup line, options override", "[disagg][fit_spec]") {
  auto s = vllm_log();
  Parallelism p = detect_parallelism(*s);
  CHECK(p.found);
  CHECK(p.tp == 4);
  CHECK(p.pp == 1);
  CHECK(p.dp == 1);
  FitResult f = fit_spec(*s);
  CHECK(f.spec.tp == 4);
  CHECK(f.spec.gpus == 4);
  CHECK(f.measured_gpus == 4);
  CHECK(f.spec.sources.at("tp") == "server log startup line (tp 4, pp 1, dp 1)");
  CHECK(f.spec.sources.at("gpus") == "the measured instance (server log startup line (tp 4, pp 1, dp 1))");
  FitOptions fo;
  fo.tp = 2;
  fo.gpus = 16;
  FitResult o = fit_spec(*s, fo);
  CHECK(o.spec.tp == 2);
  CHECK(o.spec.gpus == 16);
  CHECK(o.spec.sources.at("tp") == "--tp");
  CHECK(o.spec.sources.at("gpus") == "--gpus");

  LoadProgress progress;
  auto sg = load_session(
      {std::string(HOTPATH_TEST_DATA) + "/logs/sglang_laguna-s-2.1-int4_dgxspark_prefill-decode.log"},
      progress);
  Parallelism q = detect_parallelism(*sg);
  CHECK(q.found);
  CHECK(q.tp == 1);
  CHECK(q.source == "server log startup line (tp 1, pp 1, dp 1)");
}

TEST_CASE("parallelism: a trace's world size, else none", "[disagg][fit_spec]") {
  Session s;
  auto run = std::make_shared<Run>();
  run->sources.push_back({});
  run->sources.back().world_size = 8;
  s.run = run;
  Parallelism p = detect_parallelism(s);
  CHECK(p.tp == 8);
  CHECK(p.gpus() == 8);
  CHECK(p.source == "trace distributedInfo world_size 8 (taken as one instance's tp)");
  Session none;
  none.run = std::make_shared<const Run>();
  CHECK_FALSE(detect_parallelism(none).found);
  CHECK(detect_parallelism(none).tp == 1);
}

TEST_CASE("fit_spec: a session without requests is an error", "[disagg][fit_spec]") {
  Session empty;
  empty.run = std::make_shared<const Run>();
  CHECK_THROWS_WITH(fit_spec(empty), Catch::Contains("no requests with token counts"));
}

TEST_CASE("advise: monolithic unless a split wins, the layout for disagg-config", "[disagg][advise]") {
  WhatIfSpec s;
  s.gpus = 4;
  s.prompt_tokens = {{}, 4000, 0.3};
  s.output_tokens = {{}, 300, 0.3};
  s.prefill_ms = {5, 0.05, 0};
  s.decode_ms = {10, 0.05, 1e-5};
  s.kv = {131072, 0, 50, 3};
  s.requests = 1500;
  SECTION("a fast link: a split raises the sustainable rate") {
    s.arrival = {2, 1};
    Evaluation ev = evaluate(s);
    REQUIRE(ev.layouts.size() == 4);  // monolithic, 1P:3D, 2P:2D, 3P:1D
    CHECK(ev.layouts[0].layout.monolithic());
    CHECK(ev.layouts[2].layout.label(1) == "2P:2D");
    const Advice& a = ev.advice;
    CHECK(a.prefill_gpus + a.decode_gpus == 4);
    CHECK(a.tp == 1);
    CHECK(a.monolithic == (a.prefill_gpus == 0));
    CHECK_FALSE(a.reasons.empty());
    // The advice is the layout with the best sustainable rate, unless that beats monolithic by < 5%.
    double best = 0;
    for (const auto& l : ev.layouts) best = std::max(best, l.bounds.max_rate_rps);
    if (!a.monolithic) CHECK(a.max_rate_rps == best);
  }
  SECTION("a slow link makes every split link-bound: monolithic") {
    s.kv.bandwidth_GBps = 0.05;
    s.arrival = {0.5, 1};
    Evaluation ev = evaluate(s, Slo{2000, 100});
    for (size_t i = 1; i < ev.layouts.size(); ++i) CHECK(ev.layouts[i].bounds.bottleneck == Bottleneck::Link);
    CHECK(ev.advice.monolithic);
    CHECK(ev.advice.label == "monolithic 4 GPUs");
    CHECK(ev.advice.decode_gpus == 4);
  }
}

// tests/data/logs/sglang_laguna-s-2.1-int4_dgxspark_prefill-decode.log: 57 Prefill batch lines with 100 new
// sequences and 86,867 new tokens (summed with a regex over the file); no request table, no durations.
TEST_CASE("fit_spec on the SGLang log: arrivals from the prefill batches, default costs said so",
          "[disagg][fit_spec]") {
  LoadProgress progress;
  auto s = load_session(
      {std::string(HOTPATH_TEST_DATA) + "/logs/sglang_laguna-s-2.1-int4_dgxspark_prefill-decode.log"},
      progress);
  REQUIRE(s->requests.size() == 0);
  FitResult f = fit_spec(*s);
  CHECK(f.spec.prompt_tokens.mean == Approx(868.67));
  CHECK(f.spec.sources.at("prompt_tokens").find("100 requests") != std::string::npos);
  CHECK(f.spec.sources.at("prefill_ms") == "default (no fit)");
  CHECK(f.spec.sources.at("decode_ms") == "default (no fit)");
  CHECK(std::count_if(f.warnings.begin(), f.warnings.end(),
                      [](const std::string& w) { return w.starts_with("no requests in the run"); }) == 1);
  CHECK_FALSE(self_check(f.spec, *s).valid);
}
