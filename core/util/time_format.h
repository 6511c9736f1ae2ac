#pragma once
// Human-readable times: the unit adapts to the magnitude (ns, µs, ms, s).
#include <cstdint>
#include <string>

namespace hp {

// "950 ns", "12.5 µs", "3.25 ms", "1.5 s"; `digits` significant decimals after the point (max).
std::string format_duration(int64_t ns, int digits = 2);

// Label for a ruler tick at `ns` when ticks are `step` apart: the unit fits the value, with
// enough decimals to tell neighbouring ticks apart ("1.25 ms", "2.5005 s").
std::string format_tick(int64_t ns, int64_t step);

}  // namespace hp
