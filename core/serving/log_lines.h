#pragma once
// Shared by the server-log parsers: line iteration that survives ANSI colour codes and tqdm '\r'
// progress bars, and calendar time -> epoch ns.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace hp::serving {

// Calls fn(line_no (1-based, counted on '\n'), byte offset of the line, segment) for every '\r'-separated
// segment of every line, with ANSI escape sequences (ESC [ ... final byte) removed. Empty segments are
// skipped.
void for_each_log_segment(std::string_view text,
                          const std::function<void(uint32_t, uint64_t, std::string_view)>& fn);

// Removes ANSI CSI sequences.
std::string strip_ansi(std::string_view s);

// Proleptic Gregorian civil time (treated as UTC) -> ns since the Unix epoch.
int64_t civil_to_epoch_ns(int year, int month, int day, int hour, int minute, int second, int64_t nanos = 0);

// Parses a fraction of a second written after '.' or ',' ("5", "123", "498932") into ns.
int64_t fraction_to_ns(std::string_view digits);

}  // namespace hp::serving
