#include "core/serving/metric_sample.h"

#include <algorithm>

namespace hp::serving {

void sort_labels(Labels& labels) {
  std::stable_sort(labels.begin(), labels.end(),
                   [](const Label& a, const Label& b) { return a.name < b.name; });
}

std::string_view label_value(const Labels& labels, std::string_view name) {
  for (const auto& l : labels)
    if (l.name == name) return l.value;
  return {};
}

Labels without_label(const Labels& labels, std::string_view name) {
  Labels out;
  for (const auto& l : labels)
    if (l.name != name) out.push_back(l);
  return out;
}

std::string format_series(const SeriesKey& key) {
  std::string out = key.name;
  if (key.labels.empty()) return out;
  out += '{';
  for (size_t i = 0; i < key.labels.size(); ++i) {
    if (i) out += ',';
    out += key.labels[i].name;
    out += "=\"";
    for (char c : key.labels[i].value) {
      if (c == '\\')
        out += "\\\\";
      else if (c == '"')
        out += "\\\"";
      else if (c == '\n')
        out += "\\n";
      else
        out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace hp::serving
