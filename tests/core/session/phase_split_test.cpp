#include "core/session/phase_split.h"

#include <catch2/catch.hpp>

#include "core/serving/log_run.h"
#include "core/session/engine_iterations.h"

using namespace hp;

namespace {

// Appends iterations laid end to end from t = 0.
struct Appender {
  IterationTable& t;
  StringPool& strings;
  Ns at = 0;
  void operator()(IterationKind k, uint32_t ctx_tok, uint32_t gen_reqs, double ms) {
    IterationRow r;
    r.start = at;
    r.dur = static_cast<Ns>(ms * 1e6);
    r.kind = k;
    r.ctx_tokens = ctx_tok;
    r.ctx_reqs = ctx_tok ? 1 : 0;
    r.gen_reqs = r.gen_tokens = gen_reqs;
    at += r.dur;
    append_iteration(t, r, 0, strings);
  }
};

IterationTable synthetic(StringPool& strings) {
  // Prefill of 100..500 tokens taking 10 + 0.05 ms per token; decode of batch 1/2/4/8/16 taking
  // 5 + 1 ms per sequence; one mixed iteration of 20 ms. Laid end to end from t = 0.
  IterationTable t;
  Appender add{t, strings};
  for (uint32_t tok : {100u, 200u, 300u, 400u, 500u}) add(IterationKind::Prefill, tok, 0, 10 + 0.05 * tok);
  for (uint32_t b : {1u, 2u, 4u, 8u, 16u}) add(IterationKind::Decode, 0, b, 5 + 1.0 * b);
  add(IterationKind::Mixed, 50, 3, 20);
  return t;
}

}  // namespace

TEST_CASE("phase split: iterations by kind and exact cost fits", "[phase_split]") {
  StringPool strings;
  const IterationTable t = synthetic(strings);
  PhaseSplit p = phase_split(t, nullptr, nullptr);
  CHECK(p.iterations == 11);
  CHECK(p.timed);
  const auto& pre = p.by_kind[static_cast<size_t>(IterationKind::Prefill)];
  const auto& dec = p.by_kind[static_cast<size_t>(IterationKind::Decode)];
  const auto& mix = p.by_kind[static_cast<size_t>(IterationKind::Mixed)];
  CHECK(pre.count == 5);
  CHECK(pre.seconds == Approx(0.125));  // 15 + 20 + 25 + 30 + 35 ms
  CHECK(pre.prefill_tokens == 1500);
  CHECK(pre.tokens_per_s == Approx(12000));
  CHECK(dec.seconds == Approx(0.056));  // 6 + 7 + 9 + 13 + 21 ms
  CHECK(dec.decode_tokens == 31);
  CHECK(mix.count == 1);
  CHECK(pre.share == Approx(125.0 / 201));
  CHECK(p.prefill.source == "engine iterations");
  CHECK(p.prefill.fit.intercept == Approx(10));
  CHECK(p.prefill.fit.slope == Approx(0.05));
  CHECK(p.prefill.fit.r2 == Approx(1));
  CHECK(p.decode.fit.intercept == Approx(5));
  CHECK(p.decode.fit.slope == Approx(1));
  CHECK(p.decode.x == std::vector<double>{1, 2, 4, 8, 16});
  // All ends fall in the first 1-s bin: 1550 prefill and 34 decode tokens per second.
  REQUIRE(p.prefill_tok_s.size() == 1);
  CHECK(p.prefill_tok_s[0] == Approx(1550));
  CHECK(p.decode_tok_s[0] == Approx(34));
  // The same bin's busy time by kind (seconds per second of a 1-s bin).
  for (const auto& k : p.kind_busy) REQUIRE(k.size() == 1);
  CHECK(p.kind_busy[0][0] == Approx(0.125));
  CHECK(p.kind_busy[1][0] == Approx(0.056));
  CHECK(p.kind_busy[2][0] == Approx(0.020));
  // A window that holds only the decode iterations' ends (125 ms .. 181 ms].
  PhaseSplit w = phase_split(t, nullptr, nullptr, 126'000'000, 182'000'000);
  CHECK(w.iterations == 5);
  CHECK(w.prefill.x.empty());
  CHECK_FALSE(w.prefill.fit.valid());
  // Fewer than five points: no fit.
  PhaseSplit few = phase_split(t, nullptr, nullptr, 0, 61'000'000);
  CHECK(few.prefill.x.size() == 3);
  CHECK_FALSE(few.prefill.fit.valid());
}

TEST_CASE("phase split: prefill cost from mixed steps less the decode cost (chunked prefill)",
          "[phase_split]") {
  StringPool strings;
  IterationTable t;
  Appender add{t, strings};
  for (uint32_t b : {1u, 2u, 4u, 8u, 16u}) add(IterationKind::Decode, 0, b, 5 + 1.0 * b);
  // Mixed: 8 + 0.02 ms per prefill token + 1 ms per decode sequence.
  for (uint32_t tok : {256u, 512u, 1024u, 2048u, 4096u})
    add(IterationKind::Mixed, tok, tok / 256, 8 + 0.02 * tok + tok / 256);
  PhaseSplit p = phase_split(t, nullptr, nullptr);
  CHECK(p.prefill.source == "mixed iterations less the decode cost per sequence");
  CHECK(p.prefill.fit.n == 5);
  CHECK(p.prefill.fit.intercept == Approx(8));
  CHECK(p.prefill.fit.slope == Approx(0.02));
}

TEST_CASE("phase split: the SGLang log's batch lines, counted by hand", "[phase_split]") {
  auto run = serving::log_run_from_file(std::string(HOTPATH_TEST_DATA) +
                                        "/logs/sglang_laguna-s-2.1-int4_dgxspark_prefill-decode.log");
  EngineIterations rows = engine_iterations(run.data.log_series);
  StringPool strings;
  IterationTable t;
  for (const auto& r : rows.rows) append_iteration(t, r, 0, strings);
  PhaseSplit p = phase_split(t, nullptr, nullptr);
  // 57 "Prefill batch" and 56 "Decode batch" lines (grep -c); SGLang logs no step durations.
  CHECK(p.iterations == 113);
  CHECK_FALSE(p.timed);
  uint64_t prefill_tokens = 0, decode_rows = 0;
  for (const auto& k : p.by_kind) prefill_tokens += k.prefill_tokens;
  for (const auto& k : p.by_kind) decode_rows += k.kind == IterationKind::Decode ? k.count : 0;
  CHECK(prefill_tokens == 86867);  // Σ #new-token (PROVENANCE)
  CHECK(decode_rows == 56);
  CHECK(p.prefill.source.empty());  // no durations, no trace: no cost curve
  CHECK_FALSE(p.prefill.fit.valid());
}
