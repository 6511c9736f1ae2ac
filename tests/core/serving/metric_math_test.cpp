#include "core/serving/metric_math.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace hp::serving;

namespace {
constexpr int64_t kS = 1000000000LL;
}

TEST_CASE("counter increase: resets count from zero, window bounds are inclusive", "[serving][metric_math]") {
  // 0 -> 10 (+10), reset to 4 (+4), 4 -> 10 (+6): 20.
  std::vector<Sample> s{{0, 0}, {10 * kS, 10}, {20 * kS, 4}, {30 * kS, 10}};
  CHECK(counter_increase(s, 0, 30 * kS) == 20);
  CHECK(counter_resets(s, 0, 30 * kS) == 1);
  CHECK(counter_rate(s, 0, 30 * kS) == Approx(20.0 / 30.0));
  CHECK(counter_increase(s, 10 * kS, 20 * kS) == 4);                                      // the reset alone
  CHECK(counter_increase(s, 11 * kS, 29 * kS) != counter_increase(s, 11 * kS, 29 * kS));  // one sample: NaN
  CHECK(std::isnan(counter_rate(s, 5, 5)));
}

TEST_CASE("counter increase: PromQL extrapolation to the window edges", "[serving][metric_math]") {
  std::vector<Sample> s{{5 * kS, 10}, {15 * kS, 20}, {25 * kS, 30}};
  // sampled 20 s, gap 10 s; both edges 5 s away (< 11 s): stretched to 30 s -> 20 * 30/20.
  CHECK(counter_increase(s, 0, 30 * kS, Extrapolation::PromQL) == Approx(30.0));
  CHECK(counter_increase(s, 0, 30 * kS) == 20);
  // End 15 s away (>= 1.1 gaps): only half a gap (5 s) is added there.
  CHECK(counter_increase(s, 0, 40 * kS, Extrapolation::PromQL) == Approx(30.0));
  // Start clamped where the counter would reach zero: 2 + 20*(2/20)... to_zero = 2 s.
  std::vector<Sample> z{{5 * kS, 2}, {15 * kS, 12}, {25 * kS, 22}};
  CHECK(counter_increase(z, 0, 30 * kS, Extrapolation::PromQL) == Approx(27.0));
  CHECK(counter_rate(z, 0, 30 * kS, Extrapolation::PromQL) == Approx(0.9));
}

TEST_CASE("histogram_quantile follows PromQL", "[serving][metric_math]") {
  std::vector<HistogramBucket> b{{1.0, 8}, {0.1, 2}, {INFINITY, 10}, {0.5, 6}};  // unsorted on purpose
  CHECK(histogram_quantile(0.5, b) == Approx(0.4));     // rank 5 in (0.1, 0.5]: 0.1 + 0.4 * 3/4
  CHECK(histogram_quantile(0.1, b) == Approx(0.05));    // first bucket interpolates from 0
  CHECK(histogram_quantile(0.75, b) == Approx(0.875));  // rank 7.5 in (0.5, 1]: 0.5 + 0.5 * 1.5/2
  CHECK(histogram_quantile(0.9, b) == 1.0);             // rank in +Inf: highest finite bound
  CHECK(histogram_quantile(-0.1, b) == -INFINITY);
  CHECK(histogram_quantile(1.1, b) == INFINITY);
  CHECK(std::isnan(histogram_quantile(0.5, {{0.1, 0}, {INFINITY, 0}})));  // no observations
  CHECK(std::isnan(histogram_quantile(0.5, {{0.1, 3}, {1.0, 5}})));       // no +Inf bucket
  CHECK(std::isnan(histogram_quantile(0.5, {{INFINITY, 5}})));            // one bucket
  // Non-monotonic counts are clamped up: (0.5 -> 1) becomes 6, so rank 5 still lands at 0.4.
  CHECK(histogram_quantile(0.5, {{0.1, 2}, {0.5, 6}, {1.0, 5}, {INFINITY, 10}}) == Approx(0.4));
}

TEST_CASE("histogram over a window: bucket increases summed across label sets", "[serving][metric_math]") {
  auto bucket = [](const char* engine, const char* le, double v0, double v1) {
    MetricSeries s;
    s.key.name = "vllm:time_to_first_token_seconds_bucket";
    s.key.labels = {{"engine", engine}, {"le", le}};
    s.samples = {{0, v0}, {10 * kS, v1}};
    return s;
  };
  std::vector<MetricSeries> all{bucket("0", "0.1", 5, 7),     bucket("0", "0.5", 5, 11),
                                bucket("0", "+Inf", 6, 14),   bucket("1", "0.1", 0, 0),
                                bucket("1", "0.5", 100, 100), bucket("1", "+Inf", 100, 102)};
  auto w = histogram_window(all, "vllm:time_to_first_token_seconds", 0, 10 * kS);
  REQUIRE(w.size() == 3);
  CHECK(w[0].count == 2);   // 0.1: 2 + 0
  CHECK(w[1].count == 6);   // 0.5: 6 + 0
  CHECK(w[2].count == 10);  // +Inf: 8 + 2
  CHECK(histogram_window_quantile(0.5, all, "vllm:time_to_first_token_seconds", 0, 10 * kS) == Approx(0.4));
  CHECK(std::isnan(histogram_window_quantile(0.5, all, "nope", 0, 10 * kS)));
  double le = 0;
  CHECK(parse_le("+Inf", &le));
  CHECK(std::isinf(le));
  CHECK(parse_le("0.25", &le));
  CHECK(le == 0.25);
  CHECK_FALSE(parse_le("abc", &le));
}
