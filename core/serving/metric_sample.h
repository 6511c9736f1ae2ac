#pragma once
// Metric series shared by the serving parsers: a series is a name plus labels sorted by name; its samples are
// (epoch ns, value) pairs, ready to become counter tracks (Run::counters) on the timeline.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hp::serving {

struct Label {
  std::string name, value;
  bool operator==(const Label&) const = default;
  auto operator<=>(const Label&) const = default;
};
using Labels = std::vector<Label>;  // sorted by name, names unique

struct SeriesKey {
  std::string name;
  Labels labels;
  bool operator==(const SeriesKey&) const = default;
  auto operator<=>(const SeriesKey&) const = default;
};

struct Sample {
  int64_t ts_ns = 0;  // ns since the Unix epoch
  double value = 0;
};

struct MetricSeries {
  SeriesKey key;
  std::vector<Sample> samples;  // sorted by ts_ns
  // Where the series came from, when not the run's own scrape or log: "prometheus" for a fleet read
  // through a Prometheus server's query_range (serve-profile --prometheus). Stored with the series.
  std::string source = {};
};

// Sorts labels by name (stable for equal names).
void sort_labels(Labels& labels);
// Value of a label, or empty when absent.
std::string_view label_value(const Labels& labels, std::string_view name);
// Copy without the named label (e.g. "le" to get a histogram's series key).
Labels without_label(const Labels& labels, std::string_view name);
// `name{a="x",b="y"}` with \\ \" \n escaped, the exposition format's spelling.
std::string format_series(const SeriesKey& key);

}  // namespace hp::serving
