#pragma once
// Canonical serving metrics: maps each engine's exposed series name to a canonical concept
// (assets/metric_map.json), with the scale that brings the raw value to the concept's unit (SGLang v0.3
// cache_hit_rate is a percentage).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/serving/prometheus_text.h"

namespace hp::serving {

struct MetricMapping {
  std::string concept_name;  // e.g. "kv_cache_usage"
  std::string engine;        // vllm | vllm-v0 | sglang | sglang-old | trtllm | llamacpp
  std::string series;        // family or counter name as exposed, e.g. "vllm:prompt_tokens_total"
  std::string kind;          // gauge | counter | histogram | info
  std::string unit;
  double scale = 1.0;
};

class MetricMap {
 public:
  // Parses the JSON map; on failure returns an empty map and sets *error.
  static MetricMap from_json(std::string_view text, std::string* error);
  static MetricMap load(const std::string& path, std::string* error);

  // Mapping for an exposed sample or family name; histogram (_bucket/_sum/_count) and _created suffixes are
  // stripped when the exact name is not mapped. `engine` picks among variants sharing a series name
  // (sglang:cache_hit_rate is a fraction in "sglang" and a percentage in "sglang-old"). nullptr when
  // unmapped.
  const MetricMapping* lookup(std::string_view name, std::string_view engine = {}) const;
  // Every series of a concept, all engines.
  std::vector<const MetricMapping*> series_of(std::string_view concept_name) const;
  size_t size() const { return entries_.size(); }

 private:
  std::vector<MetricMapping> entries_;
  std::multimap<std::string, size_t, std::less<>> by_series_;
};

// Engine of a scrape from its sample names: "vllm" or "vllm-v0" (old-only names present), "sglang" or
// "sglang-old" (v0.3-era names present), "trtllm", "llamacpp"; "" when none matches.
std::string detect_engine(const Scrape& scrape);

}  // namespace hp::serving
