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
