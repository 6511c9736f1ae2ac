#include "core/serving/arrival.h"

#include <cmath>
#include <random>

namespace hp::serving {
namespace {

class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  // Uniform in (0, 1): 53 random bits, never 0.
  double uniform() { return (static_cast<double>(gen_() >> 11) + 0.5) * (1.0 / 9007199254740992.0); }
  double normal() {
    double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Gamma(shape k, scale 1): Marsaglia & Tsang (2000); k < 1 via the boost U^(1/k).
  double gamma(double k) {
    if (k < 1.0) return gamma(k + 1.0) * std::pow(uniform(), 1.0 / k);
    double d = k - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    while (true) {
      double x = normal(), v = 1.0 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      double u = uniform();
      if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
    }
  }

 private:
  std::mt19937_64 gen_;
};

}  // namespace

std::vector<ScheduledRequest> make_schedule(const std::vector<int64_t>& offsets, const ArrivalOptions& opt) {
  std::vector<ScheduledRequest> out;
  if (offsets.empty()) return out;
  size_t n = opt.num_requests >= 0 ? static_cast<size_t>(opt.num_requests) : offsets.size();
  size_t next = 0;
  for (int64_t w = 0; w < opt.warmup; ++w) out.push_back({next++ % offsets.size(), -1, true});
  Rng rng(opt.seed);
  double t = 0;  // seconds
  const int64_t limit_ns =
      opt.duration_s > 0 ? static_cast<int64_t>(opt.duration_s * 1e9) : std::numeric_limits<int64_t>::max();
  int64_t trace_base = -1;
  for (size_t i = 0; i < n; ++i) {
    size_t idx = next++ % offsets.size();
    int64_t off = 0;
    switch (opt.kind) {
      case ArrivalKind::ClosedLoop:
        off = -1;
        break;
      case ArrivalKind::Poisson:
      case ArrivalKind::Gamma: {
        if (!std::isfinite(opt.rate) || opt.rate <= 0) break;  // everything at 0
        if (i > 0) {
          double shape = opt.kind == ArrivalKind::Poisson ? 1.0 : opt.burstiness;
          t += shape == 1.0 ? -std::log(rng.uniform()) / opt.rate : rng.gamma(shape) / (opt.rate * shape);
        }
        off = static_cast<int64_t>(std::llround(t * 1e9));
        break;
      }
      case ArrivalKind::Trace: {
        // Cycling through the trace again continues after its last arrival.
        int64_t raw = std::max<int64_t>(offsets[idx], 0);
        if (idx == 0 && i > 0) trace_base = out.back().send_offset_ns;
        double scaled = static_cast<double>(raw) * opt.time_scale;
        off = (trace_base < 0 ? 0 : trace_base) + static_cast<int64_t>(std::llround(scaled));
        break;
      }
    }
    if (off > limit_ns) break;
    out.push_back({idx, off, false});
  }
  return out;
}

void extend_schedule(std::vector<ScheduledRequest>& schedule, size_t traffic_size, const ArrivalOptions& opt,
                     size_t n, uint64_t round) {
  if (traffic_size == 0 || n == 0) return;
  ArrivalOptions more = opt;
  more.warmup = 0;
  more.duration_s = 0;
  more.num_requests = static_cast<int64_t>(n) + 1;  // the first one sits at 0: the last one's place
  more.seed = opt.seed + round * 0x9E3779B97F4A7C15ULL;
  const std::vector<int64_t> offsets(std::min<size_t>(traffic_size, n + 1), 0);
  const std::vector<ScheduledRequest> next = make_schedule(offsets, more);
  const bool any = !schedule.empty();
  const int64_t base = any ? std::max<int64_t>(schedule.back().send_offset_ns, 0) : 0;
  const size_t last_index = any ? schedule.back().traffic_index : traffic_size - 1;
  for (size_t k = 1; k < next.size(); ++k)
    schedule.push_back({(last_index + k) % traffic_size, base + next[k].send_offset_ns, false});
}

}  // namespace hp::serving
