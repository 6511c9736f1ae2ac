#include "core/disagg/workload.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace hp::disagg {

namespace {

// Gamma with the given mean and coefficient of variation; cv 0 gives the mean.
double gamma_draw(std::mt19937_64& rng, double mean, double cv) {
  if (cv <= 0 || mean <= 0) return mean;
  const double shape = 1 / (cv * cv);
  std::gamma_distribution<double> g(shape, mean / shape);
  return g(rng);
}

}  // namespace

SimRequest shape_request(const WhatIfSpec& s, double prompt, double output) {
  SimRequest r;
  r.prompt = static_cast<uint32_t>(std::max(1.0, std::round(prompt * s.prompt_scale)));
  r.uncached = static_cast<uint32_t>(std::max(1.0, std::round(r.prompt * (1 - s.prefix_hit_fraction))));
  r.output = static_cast<uint32_t>(std::max(1.0, std::round(output)));
  return r;
}

std::vector<SimRequest> make_workload(const WhatIfSpec& s, size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<SimRequest> out;
  out.reserve(n);
  const auto& ps = s.prompt_tokens.samples;
  const auto& os = s.output_tokens.samples;
  const bool paired = !ps.empty() && ps.size() == os.size();
  double t = 0;
  for (size_t i = 0; i < n; ++i) {
    double prompt, output;
    if (paired) {
      size_t k = std::uniform_int_distribution<size_t>(0, ps.size() - 1)(rng);
      prompt = ps[k];
      output = os[k];
    } else {
      prompt = ps.empty() ? gamma_draw(rng, s.prompt_tokens.mean, s.prompt_tokens.cv)
                          : ps[std::uniform_int_distribution<size_t>(0, ps.size() - 1)(rng)];
      output = os.empty() ? gamma_draw(rng, s.output_tokens.mean, s.output_tokens.cv)
                          : os[std::uniform_int_distribution<size_t>(0, os.size() - 1)(rng)];
    }
    SimRequest r = shape_request(s, prompt, output);
    if (i) t += gamma_draw(rng, 1000.0 / s.arrival.rate_rps, s.arrival.cv);
    r.arrival_ms = t;
    out.push_back(r);
  }
  return out;
}

}  // namespace hp::disagg
