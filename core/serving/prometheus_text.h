#pragma once
// Parser for the Prometheus text exposition format (0.0.4) and OpenMetrics 1.0 text.
// Bad lines are recorded (line number, byte offset, reason) and skipped; the parse never stops early.
// Timestamps: an integer sample timestamp is milliseconds (Prometheus text); one with a '.' or an
// exponent is seconds (OpenMetrics). Both are stored as epoch ns.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/serving/metric_sample.h"

namespace hp::serving {

enum class MetricType : uint8_t {
  Untyped,
  Counter,
  Gauge,
  Histogram,
  Summary,
  GaugeHistogram,
  Info,
  StateSet
};
std::string_view metric_type_name(MetricType t);

struct MetricFamily {
  std::string name;  // as declared on the TYPE/HELP line
  MetricType type = MetricType::Untyped;
  std::string help;  // unescaped
  std::string unit;  // OpenMetrics "# UNIT"
};

struct PromSample {
  std::string name;  // full sample name, e.g. "vllm:e2e_request_latency_seconds_bucket"
  Labels labels;     // sorted by name
  double value = 0;
  bool has_timestamp = false;
  int64_t ts_ns = 0;
  int32_t family = -1;  // index into Scrape::families, -1 when no HELP/TYPE declared it
  uint32_t line = 0;    // 1-based
  uint64_t offset = 0;  // byte offset of the line start
};

struct ParseIssue {
  uint32_t line = 0;  // 1-based; 0 for issues about a whole series
  uint64_t offset = 0;
  std::string reason;
};

struct HistogramBucket {
  double le = 0;
  double count = 0;  // cumulative
};

// One histogram series (family + labels without "le") assembled from _bucket/_sum/_count samples.
struct HistogramSnapshot {
  SeriesKey key;                         // key.name = family name
  std::vector<HistogramBucket> buckets;  // sorted by le
  std::optional<double> sum, count;
  bool partial = false;  // buckets present but no +Inf bucket (truncated scrape)
};

struct Scrape {
  std::vector<MetricFamily> families;  // in order of first HELP/TYPE/UNIT line
  std::vector<PromSample> samples;     // in file order
  std::vector<ParseIssue> bad_lines;   // malformed lines, skipped
  std::vector<ParseIssue> warnings;    // well-formed but suspicious (partial histograms, ...)
  uint32_t line_count = 0;
  uint32_t help_lines = 0;
  uint32_t type_lines = 0;
  bool saw_eof = false;  // OpenMetrics "# EOF"

  const MetricFamily* family(std::string_view name) const;
  std::map<std::string, uint32_t> type_counts() const;     // TYPE lines by type name
  std::vector<std::string> distinct_sample_names() const;  // sorted
  // First sample with this name whose labels include every given (name, value) pair.
  const PromSample* find(std::string_view name, const Labels& match = {}) const;
  std::vector<HistogramSnapshot> histograms() const;
};

Scrape parse_prometheus_text(std::string_view text);

// Family a sample name belongs to when it was not declared itself: strips _bucket, _sum, _count,
// _created, _total, _gsum, _gcount, _info (returns the name unchanged when none applies).
std::string_view strip_metric_suffix(std::string_view sample_name);

}  // namespace hp::serving
