#pragma once
// Axes for every chart of the workbench: "nice" tick values (1, 2, 5 x 10^k) over a data range, and
// labels in the axis unit (durations pick ns/us/ms/s by the tick step; %, tokens, req/s otherwise).
// Pure: the draw code (plot_draw.h) only places what this returns.
#include <string>
#include <vector>

namespace hp::plot {

enum class Unit { None, Nanoseconds, Milliseconds, Fraction, Tokens, PerSecond, Count };

struct Tick {
  double value = 0;
  std::string label;
};

// The step of about `target` ticks over [lo, hi]: 1, 2 or 5 x 10^k.
double nice_step(double lo, double hi, int target);
// Ticks at multiples of the nice step that fall inside [lo, hi], labelled in `unit`.
std::vector<Tick> ticks(double lo, double hi, int target, Unit unit);
// One value as the axis writes it ("1.5 ms", "12 %", "3.2 k tok", "0.25 req/s"); `step` picks precision.
std::string format_value(double v, Unit unit, double step = 0);

}  // namespace hp::plot
