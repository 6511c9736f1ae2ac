#include "core/disagg/step_fit.h"

#include <catch2/catch.hpp>

using namespace hp::disagg;

namespace {

const FitTerm& term(const StepFit& f, const std::string& name) {
  for (const auto& t : f.terms)
    if (t.name == name) return t;
  FAIL("no term " << name);
  return f.terms.front();
}

}  // namespace

// Exact synthetic steps: 5 + 0.02 P + 1e-6 P^2 + 0.1 B (prefill and mixed) and 4 + 0.05 B + 2e-5 C (decode).
TEST_CASE("step fits recover exact coefficients from synthetic steps", "[disagg][step_fit]") {
  std::vector<StepPoint> pts;
  const double P[] = {128, 512, 1000, 2048, 3000, 4096, 6000, 8192};
  const double B[] = {0, 0, 3, 7, 0, 12, 20, 1};
  for (int i = 0; i < 8; ++i)
    pts.push_back({5 + 0.02 * P[i] + 1e-6 * P[i] * P[i] + 0.1 * B[i], P[i], B[i], -1});
  const double b[] = {1, 4, 8, 16, 32, 64, 2, 9};
  const double c[] = {900, 3000, 20000, 9000, 70000, 150000, 60000, 4000};
  for (int i = 0; i < 8; ++i) pts.push_back({4 + 0.05 * b[i] + 2e-5 * c[i], 0, b[i], c[i]});

  StepFit p = fit_prefill_steps(pts);
  REQUIRE(p.valid());
  CHECK(p.points == 8);
  CHECK(p.coef("base") == Approx(5).epsilon(1e-9));
  CHECK(p.coef("per_token") == Approx(0.02).epsilon(1e-9));
  CHECK(p.coef("per_token2") == Approx(1e-6).epsilon(1e-7));
  CHECK(p.coef("per_decode_seq") == Approx(0.1).epsilon(1e-9));
  CHECK(p.r2 == Approx(1).epsilon(1e-12));
  for (const auto& t : p.terms) CHECK(t.kept);

  StepFit d = fit_decode_steps(pts);
  REQUIRE(d.valid());
  CHECK(d.points == 8);
  CHECK(d.coef("base") == Approx(4).epsilon(1e-9));
  CHECK(d.coef("per_seq") == Approx(0.05).epsilon(1e-9));
  CHECK(d.coef("per_ctx_token") == Approx(2e-5).epsilon(1e-9));
  CHECK(d.describe().find("8 points, R² 1.000") != std::string::npos);
}

// P = 1..6, ms = 10 + 2 P - 0.1 P^2: the quadratic term comes out negative and is dropped; the line
// through the same points (by hand: slope 2 - 0.1 x 7 = 1.3, intercept 15.48333 - 1.3 x 3.5 = 10.93333).
// No decode sequences: that column is constant and not identifiable.
TEST_CASE("step fits drop a negative or unidentifiable term and say so", "[disagg][step_fit]") {
  std::vector<StepPoint> pts;
  for (int k = 1; k <= 6; ++k) pts.push_back({10 + 2.0 * k - 0.1 * k * k, double(k), 0, -1});
  StepFit p = fit_prefill_steps(pts);
  REQUIRE(p.valid());
  CHECK(p.coef("base") == Approx(10.933333333).epsilon(1e-9));
  CHECK(p.coef("per_token") == Approx(1.3).epsilon(1e-9));
  CHECK_FALSE(term(p, "per_token2").kept);
  CHECK(term(p, "per_token2").dropped == "fitted negative (-0.1), a cost cannot be");
  CHECK(p.coef("per_token2") == 0);
  CHECK_FALSE(term(p, "per_decode_seq").kept);
  CHECK(term(p, "per_decode_seq").dropped.starts_with("not identifiable"));
  // R² of the line: SS_res = 0.01 x sum of (P^2 - 7P + 9.3333)^2 = 0.01 x 37.3333 (by hand).
  double ss_tot = 0, mean = 0;
  for (const auto& q : pts) mean += q.ms / 6;
  for (const auto& q : pts) ss_tot += (q.ms - mean) * (q.ms - mean);
  CHECK(p.r2 == Approx(1 - 0.01 * 37.333333333 / ss_tot).epsilon(1e-9));

  SECTION("a decode-sequence column collinear with the tokens is dropped") {
    pts.clear();
    for (int k = 1; k <= 6; ++k) pts.push_back({3 + 0.5 * k, double(2 * k), double(k), -1});
    StepFit c = fit_prefill_steps(pts);
    CHECK(c.coef("per_token") == Approx(0.25));
    CHECK(c.coef("base") == Approx(3));
    CHECK(term(c, "per_decode_seq").dropped.starts_with("not identifiable"));
  }
  SECTION("decode context unknown: the term is dropped with the count") {
    pts.clear();
    for (int k = 1; k <= 6; ++k) pts.push_back({4 + 0.1 * k, 0, double(k), k == 3 ? -1.0 : 100.0 * k * k});
    StepFit d = fit_decode_steps(pts);
    CHECK(term(d, "per_ctx_token").dropped == "context tokens unknown for 1 of 6 steps");
    CHECK(d.coef("per_seq") == Approx(0.1));
    CHECK(d.coef("base") == Approx(4));
  }
  SECTION("fewer than five steps: no fit") {
    pts.resize(4);
    StepFit q = fit_prefill_steps(pts);
    CHECK_FALSE(q.valid());
    CHECK(q.describe() == "no fit: 4 timed steps, fewer than 5");
  }
}
