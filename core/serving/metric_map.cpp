#include "core/serving/metric_map.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace hp::serving {

MetricMap MetricMap::from_json(std::string_view text, std::string* error) {
  MetricMap m;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("concepts") || !j["concepts"].is_array()) {
    if (error) *error = "metric map: expected an object with a \"concepts\" array";
    return {};
  }
  for (const auto& c : j["concepts"]) {
    if (!c.is_object() || !c.contains("series") || !c["series"].is_array()) {
      if (error) *error = "metric map: concept without a \"series\" array";
      return {};
    }
    for (const auto& s : c["series"]) {
      MetricMapping e{c.value("concept", ""), s.value("engine", ""), s.value("series", ""),
                      c.value("kind", ""),    c.value("unit", ""),   s.value("scale", 1.0)};
      if (e.concept_name.empty() || e.engine.empty() || e.series.empty()) {
        if (error) *error = "metric map: entry without concept, engine or series";
        return {};
      }
      m.by_series_.emplace(e.series, m.entries_.size());
      m.entries_.push_back(std::move(e));
    }
  }
  return m;
}

MetricMap MetricMap::load(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = "metric map: cannot open " + path;
    return {};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return from_json(ss.str(), error);
}

const MetricMapping* MetricMap::lookup(std::string_view name, std::string_view engine) const {
  auto find = [&](std::string_view n) -> const MetricMapping* {
    auto [b, e] = by_series_.equal_range(n);
    if (b == e) return nullptr;
    for (auto it = b; it != e; ++it)
      if (entries_[it->second].engine == engine) return &entries_[it->second];
    // Engine not given or not listed: the first variant whose engine family matches, else the first.
    for (auto it = b; it != e; ++it)
      if (!engine.empty() && entries_[it->second].engine.rfind(engine.substr(0, engine.find('-')), 0) == 0)
        return &entries_[it->second];
    return &entries_[b->second];
  };
  if (auto* m = find(name)) return m;
  for (std::string_view suf : {"_bucket", "_sum", "_count", "_created", "_gsum", "_gcount"}) {
    if (name.size() > suf.size() && name.substr(name.size() - suf.size()) == suf) {
      std::string_view base = name.substr(0, name.size() - suf.size());
      if (auto* m = find(base)) return m;
      // Counter created series: vllm:prompt_tokens_created -> vllm:prompt_tokens_total.
      if (suf == "_created")
        if (auto* m2 = find(std::string(base) + "_total")) return m2;
    }
  }
  return nullptr;
}

std::vector<const MetricMapping*> MetricMap::series_of(std::string_view concept_name) const {
  std::vector<const MetricMapping*> out;
  for (const auto& e : entries_)
    if (e.concept_name == concept_name) out.push_back(&e);
  return out;
}

std::string detect_engine(const Scrape& scrape) {
  size_t vllm = 0, sglang = 0, trt = 0, llama = 0;
  bool vllm_old = false, sglang_old = false;
  for (const auto& s : scrape.samples) {
    std::string_view n = s.name;
    if (n.rfind("vllm:", 0) == 0) {
      ++vllm;
      if (n == "vllm:gpu_cache_usage_perc" || n == "vllm:num_requests_swapped" ||
          n == "vllm:cpu_cache_usage_perc")
        vllm_old = true;
    } else if (n.rfind("sglang:", 0) == 0) {
      ++sglang;
      // v0.3-era names (func_latency_seconds' `name` label is not a hint: newer dumps have it too).
      if (n == "sglang:num_requests_running" || n == "sglang:queue_req" ||
          n == "sglang:num_requests_waiting" || n.rfind("sglang:waiting_request_latency_seconds", 0) == 0)
        sglang_old = true;
    } else if (n.rfind("trtllm_", 0) == 0 || n.rfind("trtllm:", 0) == 0) {
      ++trt;
    } else if (n.rfind("llamacpp:", 0) == 0) {
      ++llama;
    }
  }
  size_t best = std::max({vllm, sglang, trt, llama});
  if (best == 0) return "";
  if (best == vllm) return vllm_old ? "vllm-v0" : "vllm";
  if (best == sglang) return sglang_old ? "sglang-old" : "sglang";
  if (best == trt) return "trtllm";
  return "llamacpp";
}

}  // namespace hp::serving
