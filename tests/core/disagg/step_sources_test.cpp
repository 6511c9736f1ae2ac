#include "core/disagg/step_sources.h"

#include <catch2/catch.hpp>

#include "support/fixture_run.h"
#include "support/run_maker.h"

using namespace hp;
using namespace hp::disagg;

// Six vLLM steps execute_context_1(P)_generation_K(K) lasting 5 + 0.02 P + 0.1 K ms and six SGLang
// step[DECODE bs=B] lasting 4 + 0.05 B ms, on one CPU thread: the fits give the coefficients back.
TEST_CASE("step points from trace step markers: exact coefficients back", "[disagg][step_sources]") {
  std::vector<test::SliceSpec> specs;
  Ns t = 0;
  auto add = [&](const std::string& name, double ms) {
    specs.push_back({0, t, static_cast<Ns>(ms * 1e6 + 0.5), name, 0, 0, SliceKind::UserAnnotation});
    t += 200'000'000;
  };
  const int P[] = {100, 700, 1500, 3000, 5000, 8000}, K[] = {0, 3, 0, 8, 20, 5};
  for (int i = 0; i < 6; ++i)
    add("execute_context_1(" + std::to_string(P[i]) + ")_generation_" + std::to_string(K[i]) + "(" +
            std::to_string(K[i]) + ")",
        5 + 0.02 * P[i] + 0.1 * K[i]);
  for (int b : {1, 4, 16, 32, 64, 128}) add("step[DECODE bs=" + std::to_string(b) + "]", 4 + 0.05 * b);
  Run run = test::make_run(specs);
  StepSource src = steps_from_markers(run);
  CHECK(src.name == "trace steps (CPU)");
  REQUIRE(src.points.size() == 12);
  CHECK(src.points[1].prefill_tokens == 700);
  CHECK(src.points[1].decode_seqs == 3);
  CHECK(src.points[1].ms == Approx(19.3));
  StepFit p = fit_prefill_steps(src.points), d = fit_decode_steps(src.points);
  CHECK(p.points == 6);
  CHECK(p.coef("base") == Approx(5).epsilon(1e-6));
  CHECK(p.coef("per_token") == Approx(0.02).epsilon(1e-6));
  CHECK(p.coef("per_decode_seq") == Approx(0.1).epsilon(1e-5));
  CHECK(d.points == 6);
  CHECK(d.coef("base") == Approx(4).epsilon(1e-6));
  CHECK(d.coef("per_seq") == Approx(0.05).epsilon(1e-6));
}

// TraceLens' vLLM traces (tests/data/kineto, PROVENANCE there): one step marker each, with its `sk` sums.
TEST_CASE("step points from the real vLLM step markers", "[disagg][step_sources]") {
  auto run =
      test::load_fixture(test::kineto_fixture("tracelens_vllm_prefilldecode_piecewise_mi300x_exec.json.gz"));
  REQUIRE(run);
  StepSource src = steps_from_markers(*run);
  REQUIRE(src.points.size() == 1);
  // execute_8192_context_9(sq8155sk8430...)_generation_37(sq37sk34489...), dur 26353.441 µs.
  CHECK(src.points[0].prefill_tokens == 8155);
  CHECK(src.points[0].decode_seqs == 37);
  CHECK(src.points[0].ctx_tokens == 34489);
  CHECK(src.points[0].ms == Approx(26.353441).epsilon(1e-6));
  CHECK(src.name == "trace steps (CPU)");
  CHECK_FALSE(fit_prefill_steps(src.points).valid());  // one step is no fit

  auto dec = test::load_fixture(test::kineto_fixture("tracelens_vllm_decode_fullgraph_mi300x_exec.json.gz"));
  REQUIRE(dec);
  StepSource d = steps_from_markers(*dec);
  REQUIRE(d.points.size() == 1);
  CHECK(d.points[0].prefill_tokens == 0);
  CHECK(d.points[0].decode_seqs == 32);
  CHECK(d.points[0].ctx_tokens == 55086);
  CHECK(d.points[0].ms == Approx(2.408598).epsilon(1e-6));
}

// Three requests by hand (ms): R0 first token 100, end 1100, prompt 100, 11 tokens; R1 600..1600, prompt 200,
// 11 tokens; R2 2100..2600, prompt 50, 6 tokens: each 100 ms per token. Decode points at their midpoints:
// R0 at 600: R0 and R1 decoding, context 100 + 11 x 0.5 + 200 + 0 = 305.5; R1 at 1100: 111 + 205.5 = 316.5;
// R2 at 2350: alone, 50 + 3 = 53.
TEST_CASE("step points from the requests: batch and context at each decode midpoint",
          "[disagg][step_sources]") {
  Session s;
  s.run = std::make_shared<const Run>();
  RequestTable& r = s.requests;
  const Ns ms = 1'000'000;
  struct Row {
    Ns sent, first, end;
    uint32_t prompt, output;
  };
  for (const Row& x : {Row{0, 100 * ms, 1100 * ms, 100, 11}, Row{0, 600 * ms, 1600 * ms, 200, 11},
                       Row{2000 * ms, 2100 * ms, 2600 * ms, 50, 6}}) {
    for (auto* c : {&r.id, &r.endpoint, &r.error, &r.replica, &r.purpose}) c->push_back(0);
    r.warmup.push_back(0);
    r.status.push_back(serving::RequestStatus::Ok);
    r.http_status.push_back(200);
    r.arrival.push_back(x.sent);
    r.sent.push_back(x.sent);
    r.first_token.push_back(x.first);
    r.last_token.push_back(x.end);
    r.finish.push_back(x.end);
    for (auto* c : {&r.srv_received, &r.srv_queued, &r.srv_scheduled, &r.srv_prefill_end, &r.srv_finished})
      c->push_back(kNoTime);
    r.prompt_tokens.push_back(x.prompt);
    r.cached_tokens.push_back(0);
    r.output_tokens.push_back(x.output);
    r.itl_begin.push_back(0);
  }
  StepSource src = steps_from_requests(s);
  REQUIRE(src.points.size() == 6);
  std::vector<StepPoint> decode;
  for (const auto& p : src.points)
    if (p.prefill_tokens == 0) decode.push_back(p);
  REQUIRE(decode.size() == 3);
  CHECK(decode[0].ms == Approx(100));
  CHECK(decode[0].decode_seqs == 2);
  CHECK(decode[0].ctx_tokens == Approx(305.5));
  CHECK(decode[1].decode_seqs == 2);
  CHECK(decode[1].ctx_tokens == Approx(316.5));
  CHECK(decode[2].decode_seqs == 1);
  CHECK(decode[2].ctx_tokens == Approx(53));
  // Prefill points: TTFT against the prompt (no server queue time known).
  CHECK(src.points[0].prefill_tokens == 100);
  CHECK(src.points[0].ms == Approx(100));
}
