#include "views/plot/axis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace hp::plot {
namespace {

// Decimals that show a step of `step` in units of `scale` without trailing noise.
int decimals(double step, double scale) {
  if (step <= 0) return 2;
  const double s = step / scale;
  return s >= 1 ? 0 : std::min(6, static_cast<int>(std::ceil(-std::log10(s) - 1e-9)));
}

std::string scaled(double v, double step, double scale, const char* suffix) {
  return fmt::format("{:.{}f}{}", v / scale, decimals(step, scale), suffix);
}

// v written with the scale that suits magnitude `mag` and the precision that shows `step`.
std::string format_in(double v, Unit unit, double step, double mag);

}  // namespace

double nice_step(double lo, double hi, int target) {
  const double span = hi - lo;
  if (!(span > 0) || !std::isfinite(span) || target < 1) return 1;
  const double raw = span / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (raw <= m * mag * (1 + 1e-9)) return m * mag;
  return 10 * mag;
}

std::vector<Tick> ticks(double lo, double hi, int target, Unit unit) {
  std::vector<Tick> out;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return out;
  const double step = nice_step(lo, hi, target);
  const double first = std::ceil(lo / step - 1e-9);
  for (double k = first;; k += 1) {
    double v = k * step;
    if (v > hi + step * 1e-9) break;
    if (std::abs(v) < step * 1e-9) v = 0;  // no "-0"
    out.push_back({v, format_in(v, unit, step, std::max(std::abs(lo), std::abs(hi)))});
    if (out.size() > 1000) break;  // a degenerate range; never loop forever
  }
  return out;
}

std::string format_value(double v, Unit unit, double step) {
  return format_in(v, unit, step, std::abs(v));
}

namespace {

std::string format_in(double v, Unit unit, double step, double a) {
  if (!std::isfinite(v)) return "-";
  switch (unit) {
    case Unit::Nanoseconds:
      if (a >= 1e9) return scaled(v, step ? step : 1e7, 1e9, " s");
      if (a >= 1e6) return scaled(v, step ? step : 1e4, 1e6, " ms");
      if (a >= 1e3) return scaled(v, step ? step : 10, 1e3, " us");
      return scaled(v, step ? step : 1, 1, " ns");
    case Unit::Milliseconds:
      if (a >= 1e3) return scaled(v, step ? step : 10, 1e3, " s");
      return scaled(v, step ? step : 0.01, 1, " ms");
    case Unit::Fraction:
      return scaled(v, step ? step : 1e-3, 1e-2, " %");
    case Unit::Tokens:
      if (a >= 1e6) return scaled(v, step ? step : 1e4, 1e6, " M tok");
      if (a >= 1e3) return scaled(v, step ? step : 10, 1e3, " k tok");
      return scaled(v, step ? step : 1, 1, " tok");
    case Unit::PerSecond:
      if (a >= 1e6) return scaled(v, step ? step : 1e4, 1e6, " M/s");
      if (a >= 1e3) return scaled(v, step ? step : 10, 1e3, " k/s");
      return scaled(v, step ? step : 0.01, 1, "/s");
    case Unit::Count:
      if (a >= 1e6) return scaled(v, step ? step : 1e4, 1e6, " M");
      if (a >= 1e3) return scaled(v, step ? step : 10, 1e3, " k");
      return scaled(v, step ? step : 1, 1, "");
    case Unit::None:
      break;
  }
  return scaled(v, step ? step : 0.01, 1, "");
}

}  // namespace
}  // namespace hp::plot
