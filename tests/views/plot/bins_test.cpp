#include "views/plot/bins.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

using namespace hp::plot;

TEST_CASE("plot bins: histogram counts every value, edges exact", "[plot]") {
  Histogram h = histogram({0, 0.5, 1, 2.5, 10, -1, 11, NAN}, 0, 10, 4);  // bins of 2.5
  REQUIRE(h.count.size() == 4);
  CHECK(h.width == Approx(2.5));
  CHECK(h.count[0] == 3);  // 0, 0.5, 1
  CHECK(h.count[1] == 1);  // 2.5 opens bin 1
  CHECK(h.count[3] == 1);  // hi itself lands in the last bin
  CHECK(h.below == 1);
  CHECK(h.above == 1);
  CHECK(h.nan == 1);
  Histogram one = histogram({1, 2}, 5, 5, 10);  // no range: one bin
  CHECK(one.count == std::vector<uint64_t>{2});
}

TEST_CASE("plot bins: the CDF of distinct values, thinned by rank", "[plot]") {
  auto c = cdf({3, 1, 2, 2, NAN});
  REQUIRE(c.size() == 3);
  CHECK(c[0].value == 1);
  CHECK(c[0].fraction == Approx(0.25));
  CHECK(c[1].fraction == Approx(0.75));  // both 2s
  CHECK(c[2].fraction == Approx(1.0));
  std::vector<double> many(10000);
  for (size_t i = 0; i < many.size(); ++i) many[i] = static_cast<double>(i);
  auto t = cdf(many, 100);
  REQUIRE(t.size() == 100);
  CHECK(t.back().value == 9999);
  CHECK(t.back().fraction == 1.0);
}

TEST_CASE("plot bins: min/max decimation equals brute force per column", "[plot]") {
  std::mt19937_64 rng(7);
  std::vector<int64_t> xs;
  std::vector<double> ys;
  int64_t x = 0;
  for (int i = 0; i < 20000; ++i) {
    x += static_cast<int64_t>(rng() % 50);
    xs.push_back(x);
    ys.push_back(static_cast<double>(rng() % 100000) / 7.0);
  }
  const int64_t x0 = 1000, x1 = x - 1000;
  const int cols = 333;
  auto d = decimate(xs, ys, x0, x1, cols);
  REQUIRE(d.size() == 333);
  const double per = static_cast<double>(x1 - x0) / cols;
  std::vector<Column> brute(cols);
  for (size_t i = 0; i < xs.size(); ++i) {
    if (xs[i] < x0 || xs[i] >= x1) continue;
    auto c = std::min<size_t>(static_cast<size_t>(static_cast<double>(xs[i] - x0) / per), cols - 1);
    if (brute[c].empty) brute[c] = {ys[i], ys[i], false};
    brute[c].min = std::min(brute[c].min, ys[i]);
    brute[c].max = std::max(brute[c].max, ys[i]);
  }
  for (int c = 0; c < cols; ++c) {
    CHECK(d[c].empty == brute[c].empty);
    CHECK(d[c].min == brute[c].min);
    CHECK(d[c].max == brute[c].max);
  }
}

TEST_CASE("plot bins: a zoomed histogram and CDF from sorted values equal the full pass", "[plot]") {
  std::mt19937_64 rng(11);
  std::exponential_distribution<double> ms(1 / 40.0);
  std::vector<double> v(20000);
  for (double& x : v) x = std::floor(ms(rng) * 4) / 4;  // quarter-ms steps: many values on bin edges
  std::sort(v.begin(), v.end());
  for (auto [lo, hi, bins] :
       {std::tuple{0.0, 200.0, 40}, std::tuple{12.5, 37.5, 25}, std::tuple{30.0, 31.0, 7}}) {
    const Histogram a = histogram(v, lo, hi, bins), b = histogram_sorted(v, lo, hi, bins);
    CHECK(a.count == b.count);
    CHECK(a.below == b.below);
    CHECK(a.above == b.above);
  }
  // The CDF inside [10, 20]: every distinct value, fractions of all 20,000.
  const auto w = cdf_window(v, 10, 20, 5000);
  const auto full = cdf(v, SIZE_MAX);
  std::vector<CdfPoint> expect;
  for (const auto& p : full)
    if (p.value >= 10 && p.value <= 20) expect.push_back(p);
  REQUIRE(w.size() == expect.size());
  CHECK(w.size() == 41);  // 10, 10.25, ..., 20
  for (size_t i = 0; i < w.size(); ++i) {
    CHECK(w[i].value == expect[i].value);
    CHECK(w[i].fraction == expect[i].fraction);
  }
  CHECK(cdf_window(v, 10, 20, 5).size() == 5);  // thinned by rank
  CHECK(cdf_window(v, 5000, 6000).empty());
}
