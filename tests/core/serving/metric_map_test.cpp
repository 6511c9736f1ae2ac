#include <catch2/catch.hpp>

#include <set>

#include "core/serving/metric_map.h"
#include "tests/core/serving/read_test_file.h"

using namespace hp::serving;
using hp::serving::test::file_exists;
using hp::serving::test::read_file;

namespace {
const MetricMap& map() {
  static MetricMap m = [] {
    std::string err;
    MetricMap mm = MetricMap::load(std::string(HOTPATH_ASSETS_DIR) + "/metric_map.json", &err);
    INFO(err);
    REQUIRE(mm.size() > 0);
    return mm;
  }();
  return m;
}
// Every "<prefix>name" token in a dashboard's text (metric names inside PromQL expressions).
std::set<std::string> referenced(const std::string& text, const std::string& prefix) {
  std::set<std::string> out;
  for (size_t p = text.find(prefix); p != std::string::npos; p = text.find(prefix, p + 1)) {
    size_t e = p + prefix.size();
    while (e < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[e])) || text[e] == '_' || text[e] == ':'))
      ++e;
    out.insert(text.substr(p, e - p));
  }
  return out;
}
}  // namespace

TEST_CASE("metric map: lookups, suffixes, engine variants and scale", "[serving][metric_map]") {
  const auto& m = map();
  auto* a = m.lookup("vllm:gpu_cache_usage_perc");
  REQUIRE(a);
  CHECK(a->concept_name == "kv_cache_usage");
  CHECK(a->engine == "vllm-v0");
  CHECK(m.lookup("vllm:kv_cache_usage_perc")->engine == "vllm");
  CHECK(m.lookup("vllm:time_to_first_token_seconds_bucket")->concept_name == "ttft");
  CHECK(m.lookup("vllm:prompt_tokens_created")->concept_name == "prompt_tokens");
  CHECK(m.lookup("vllm:time_per_output_token_seconds_sum")->concept_name == "itl");
  CHECK(m.lookup("sglang:cache_hit_rate", "sglang")->scale == 1.0);
  CHECK(m.lookup("sglang:cache_hit_rate", "sglang-old")->scale == 0.01);
  CHECK(m.lookup("llamacpp:tokens_predicted_total")->concept_name == "generation_tokens");
  CHECK(m.lookup("trtllm_kv_cache_utilization")->concept_name == "kv_cache_usage");
  CHECK(m.lookup("vllm:not_a_metric") == nullptr);
  CHECK(m.series_of("kv_cache_usage").size() == 6);

  std::string err;
  CHECK(MetricMap::from_json("{\"concepts\": 3}", &err).size() == 0);
  CHECK(err == "metric map: expected an object with a \"concepts\" array");
}

TEST_CASE("metric map: every fixture sample maps, engines are detected", "[serving][metric_map]") {
  const auto& m = map();
  struct Case {
    std::string file, engine;
  };
  // sglang:func_latency_seconds is a debugging per-function timer, not a serving concept.
  const std::set<std::string> unmapped{"sglang:func_latency_seconds"};
  for (const auto& c : std::vector<Case>{{"sglang_llama-3.1-8b_loaded_docs_a7000a76.prom", "sglang"},
                                         {"sglang_v0.3-era_gemma-2-9b-it_docs_5bc2508b.prom", "sglang-old"},
                                         {"vllm_v0.7-era_qwen2.5-coder-1.5b_aibrix_docs.prom", "vllm-v0"},
                                         {"llamacpp_ik_llama.cpp_pr695_comment.prom", "llamacpp"}}) {
    auto s = parse_prometheus_text(read_file(std::string(HOTPATH_TEST_DATA) + "/metrics/" + c.file));
    CHECK(detect_engine(s) == c.engine);
    for (const auto& name : s.distinct_sample_names()) {
      if (unmapped.count(std::string(strip_metric_suffix(name)))) continue;
      INFO(c.file << ": " << name);
      CHECK(m.lookup(name, c.engine) != nullptr);
    }
  }
  auto old = parse_prometheus_text(read_file(std::string(HOTPATH_TEST_DATA) +
                                             "/metrics/sglang_v0.3-era_gemma-2-9b-it_docs_5bc2508b.prom"));
  const auto* hit = m.lookup("sglang:cache_hit_rate", detect_engine(old));
  CHECK(old.find("sglang:cache_hit_rate")->value * hit->scale == Approx(0.1061));
}

TEST_CASE("metric map: every vllm:/sglang: name the Grafana dashboards reference", "[serving][metric_map]") {
  const auto& m = map();
  // production-stack router metrics, not engine metrics: deliberately unmapped.
  const std::set<std::string> unmapped{"vllm:current_qps", "vllm:healthy_pods_total"};
  struct Dash {
    std::string file, prefix;
    size_t names;  // distinct names, shared/fixtures/PROVENANCE.md section 3
  };
  for (const auto& d : std::vector<Dash>{{"aibrix_vLLM_Engine_Dashboard.json", "vllm:", 21},
                                         {"productionstack_vllm-dashboard.json", "vllm:", 13},
                                         {"productionstack_vllm-model-metrics-dashboard.json", "vllm:", 21},
                                         {"sglang-dashboard_57131dd.json", "sglang:", 8},
                                         {"sglang_grafana_5bc2508b.json", "sglang:", 19}}) {
    std::string path = std::string(HOTPATH_SHARED_FIXTURES) + "/metrics/grafana/" + d.file;
    if (!file_exists(path)) {
      WARN("shared fixture absent: " << path);
      continue;
    }
    auto names = referenced(read_file(path), d.prefix);
    CHECK(names.size() == d.names);
    for (const auto& n : names) {
      if (unmapped.count(n)) continue;
      INFO(d.file << ": " << n);
      CHECK(m.lookup(n) != nullptr);
    }
  }
}
