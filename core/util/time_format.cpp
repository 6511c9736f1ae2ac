#include "core/util/time_format.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

namespace hp {
namespace {

struct Unit {
  int64_t scale;
  const char* name;
};

Unit unit_for(int64_t magnitude) {
  if (magnitude >= 1'000'000'000) return {1'000'000'000, "s"};
  if (magnitude >= 1'000'000) return {1'000'000, "ms"};
  if (magnitude >= 1'000) return {1'000, "µs"};
  return {1, "ns"};
}

std::string trim_zeros(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

std::string format_duration(int64_t ns, int digits) {
  Unit u = unit_for(std::llabs(ns));
  if (u.scale == 1) return fmt::format("{} ns", ns);
  double v = static_cast<double>(ns) / static_cast<double>(u.scale);
  return fmt::format("{} {}", trim_zeros(fmt::format("{:.{}f}", v, digits)), u.name);
}

std::string format_tick(int64_t ns, int64_t step) {
  Unit u = unit_for(std::max<int64_t>(std::llabs(ns), std::llabs(step)));
  if (u.scale == 1) return fmt::format("{} ns", ns);
  // Decimals needed so that consecutive ticks differ: step in this unit, e.g. 0.25 ms -> 2.
  int decimals = 0;
  for (int64_t q = u.scale; decimals < 9 && step % q != 0; q /= 10) ++decimals;
  double v = static_cast<double>(ns) / static_cast<double>(u.scale);
  return fmt::format("{:.{}f} {}", v, decimals, u.name);
}

}  // namespace hp
