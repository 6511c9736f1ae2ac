#include <catch2/catch.hpp>

#include <cmath>

#include "core/serving/prometheus_text.h"
#include "tests/core/serving/read_test_file.h"

using namespace hp::serving;
using hp::serving::test::read_file;

namespace {
Scrape parse_fixture(const std::string& name) {
  std::string text = read_file(std::string(HOTPATH_TEST_DATA) + "/metrics/" + name);
  REQUIRE(!text.empty());
  return parse_prometheus_text(text);
}
double value_of(const Scrape& s, std::string_view name, const Labels& match = {}) {
  const PromSample* p = s.find(name, match);
  REQUIRE(p != nullptr);
  return p->value;
}
}  // namespace

// Counts from shared/fixtures/PROVENANCE.md section 3.
TEST_CASE("prometheus: sglang loaded llama-3.1-8b dump", "[serving][prometheus]") {
  auto s = parse_fixture("sglang_llama-3.1-8b_loaded_docs_a7000a76.prom");
  CHECK(s.line_count == 115);
  CHECK(s.samples.size() == 91);
  CHECK(s.help_lines == 12);
  CHECK(s.type_counts() == std::map<std::string, uint32_t>{{"counter", 2}, {"gauge", 6}, {"histogram", 4}});
  CHECK(s.distinct_sample_names().size() == 20);
  CHECK(s.bad_lines.empty());
  CHECK(s.warnings.empty());
  CHECK(value_of(s, "sglang:prompt_tokens_total") == 8.128902e+06);
  CHECK(value_of(s, "sglang:generation_tokens_total") == 7.557572e+06);
  CHECK(value_of(s, "sglang:num_queue_reqs") == 2826);
  CHECK(value_of(s, "sglang:num_running_reqs") == 162);
  CHECK(value_of(s, "sglang:cache_hit_rate") == 0.007507552643049313);
  const PromSample* p = s.find("sglang:prompt_tokens_total");
  CHECK(label_value(p->labels, "model_name") == "meta-llama/Llama-3.1-8B-Instruct");
  REQUIRE(p->family >= 0);
  CHECK(s.families[p->family].type == MetricType::Counter);
  CHECK(s.families[p->family].help == "Number of prefill tokens processed.");

  auto hs = s.histograms();
  REQUIRE(hs.size() == 4);
  CHECK(hs[0].key.name == "sglang:time_to_first_token_seconds");
  CHECK(hs[0].buckets.size() == 21);
  CHECK(std::isinf(hs[0].buckets.back().le));
  CHECK(hs[0].buckets.back().count == 11008);
  CHECK(hs[0].buckets[4].le == 0.04);
  CHECK(hs[0].buckets[4].count == 1);
  CHECK(*hs[0].count == 11008);
  CHECK(*hs[0].sum == 2.3518979474117756e+06);
  CHECK_FALSE(hs[0].partial);
  CHECK(hs[3].key.name == "sglang:func_latency_seconds");
  CHECK(label_value(hs[3].key.labels, "name") == "generate_request");
}

TEST_CASE("prometheus: sglang v0.3-era gemma dump (old names, percentage hit rate)",
          "[serving][prometheus]") {
  auto s = parse_fixture("sglang_v0.3-era_gemma-2-9b-it_docs_5bc2508b.prom");
  CHECK(s.line_count == 177);
  CHECK(s.samples.size() == 135);
  CHECK(s.help_lines == 21);
  CHECK(s.type_counts() == std::map<std::string, uint32_t>{{"counter", 2}, {"gauge", 13}, {"histogram", 6}});
  CHECK(s.distinct_sample_names().size() == 33);
  CHECK(s.bad_lines.empty());
  CHECK(s.warnings.empty());
  CHECK(value_of(s, "sglang:cache_hit_rate") == 10.61);
  CHECK(value_of(s, "sglang:max_total_num_tokens", {{"name", "google/gemma-2-9b-it"}}) == 161721);
  CHECK(value_of(s, "sglang:time_per_output_token_seconds_count") == 422425);
  CHECK(s.histograms().size() == 6);
}

TEST_CASE("prometheus: vLLM v0.7 dump with a truncated histogram", "[serving][prometheus]") {
  auto s = parse_fixture("vllm_v0.7-era_qwen2.5-coder-1.5b_aibrix_docs.prom");
  CHECK(s.line_count == 56);
  CHECK(s.samples.size() == 29);
  CHECK(s.help_lines == 13);
  CHECK(s.type_counts() == std::map<std::string, uint32_t>{{"counter", 4}, {"gauge", 9}, {"histogram", 1}});
  CHECK(s.distinct_sample_names().size() == 15);
  CHECK(s.bad_lines.empty());
  CHECK(value_of(s, "vllm:lora_requests_info") == 1.7382173358407154e+09);
  CHECK(value_of(s, "vllm:gpu_prefix_cache_hit_rate") == -1.0);
  CHECK(value_of(s, "vllm:request_success_total", {{"finished_reason", "stop"}}) == 4);
  const PromSample* cfg = s.find("vllm:cache_config_info");
  REQUIRE(cfg);
  CHECK(cfg->labels.size() == 12);
  CHECK(label_value(cfg->labels, "num_gpu_blocks") == "81767");
  CHECK(cfg->labels.front().name == "block_size");  // sorted by name

  auto hs = s.histograms();
  REQUIRE(hs.size() == 1);
  CHECK(hs[0].key.name == "vllm:iteration_tokens_total");
  CHECK(hs[0].buckets.size() == 15);
  CHECK(hs[0].buckets.back().le == 96.0);
  CHECK(hs[0].partial);
  CHECK_FALSE(hs[0].count.has_value());
  CHECK(*hs[0].sum == 1103.0);
  REQUIRE(s.warnings.size() == 2);  // no +Inf, no _count
  CHECK(s.warnings[0].reason.find("no +Inf bucket") != std::string::npos);
  CHECK(s.warnings[0].reason.find(
            "vllm:iteration_tokens_total{model_name=\"Qwen/Qwen2.5-Coder-1.5B-Instruct\"}") !=
        std::string::npos);
  CHECK(s.warnings[1].reason.find("no _count") != std::string::npos);
}

TEST_CASE("prometheus: llama.cpp dump without labels", "[serving][prometheus]") {
  auto s = parse_fixture("llamacpp_ik_llama.cpp_pr695_comment.prom");
  CHECK(s.line_count == 30);
  CHECK(s.samples.size() == 10);
  CHECK(s.help_lines == 10);
  CHECK(s.type_counts() == std::map<std::string, uint32_t>{{"counter", 4}, {"gauge", 6}});
  CHECK(s.distinct_sample_names().size() == 10);
  CHECK(s.bad_lines.empty());
  CHECK(value_of(s, "llamacpp:kv_cache_usage_ratio") == 0.491063);
  CHECK(value_of(s, "llamacpp:prompt_seconds_total") == 2903.63);
  CHECK(value_of(s, "llamacpp:kv_cache_tokens") == 31428);
  CHECK(s.find("llamacpp:requests_deferred")->labels.empty());
}

TEST_CASE("prometheus: escapes, special values, timestamps, summaries", "[serving][prometheus]") {
  std::string text =
      "# HELP m_esc Help with a \\\\ backslash\\nand newline\n"
      "# TYPE m_esc gauge\n"
      "m_esc{path=\"C:\\\\dir\",quote=\"say \\\"hi\\\"\",nl=\"a\\nb\",} 1\n"
      "m_esc{path=\"x\"} +Inf\n"
      "m_esc{path=\"y\"} -Inf 1700000000123\n"
      "m_esc{path=\"z\"} NaN\n"
      "# TYPE rpc_seconds summary\n"
      "rpc_seconds{quantile=\"0.5\"} 4.5e-3\n"
      "rpc_seconds{quantile=\"0.99\"} 1.2E+1\n"
      "rpc_seconds_sum 17.5\n"
      "rpc_seconds_count 3\n";
  auto s = parse_prometheus_text(text);
  REQUIRE(s.bad_lines.empty());
  REQUIRE(s.samples.size() == 8);
  CHECK(s.families[0].help == "Help with a \\ backslash\nand newline");
  const auto& e = s.samples[0];
  CHECK(label_value(e.labels, "path") == "C:\\dir");
  CHECK(label_value(e.labels, "quote") == "say \"hi\"");
  CHECK(label_value(e.labels, "nl") == "a\nb");
  CHECK(format_series({e.name, e.labels}) ==
        "m_esc{nl=\"a\\nb\",path=\"C:\\\\dir\",quote=\"say \\\"hi\\\"\"}");
  CHECK(std::isinf(s.samples[1].value));
  CHECK(s.samples[1].value > 0);
  CHECK(std::isinf(s.samples[2].value));
  CHECK(s.samples[2].value < 0);
  CHECK(s.samples[2].has_timestamp);
  CHECK(s.samples[2].ts_ns == 1700000000123000000LL);
  CHECK_FALSE(s.samples[0].has_timestamp);
  CHECK(std::isnan(s.samples[3].value));
  CHECK(s.samples[4].value == 4.5e-3);
  CHECK(s.samples[5].value == 12.0);
  CHECK(s.samples[6].family == 1);  // rpc_seconds_sum -> rpc_seconds
  CHECK(s.families[1].type == MetricType::Summary);
}

TEST_CASE("prometheus: OpenMetrics counters, units, _created, exemplars and EOF", "[serving][prometheus]") {
  std::string text =
      "# TYPE vllm:prompt_tokens counter\n"
      "# UNIT vllm:prompt_tokens tokens\n"
      "# HELP vllm:prompt_tokens Number of prefill tokens processed.\n"
      "vllm:prompt_tokens_total{engine=\"0\",model_name=\"m\"} 42.0 1700000000.5\n"
      "vllm:prompt_tokens_created{engine=\"0\",model_name=\"m\"} 1.7e9\n"
      "# TYPE lat histogram\n"
      "lat_bucket{le=\"0.1\"} 2 # {trace_id=\"abc\"} 0.05 1700000000.1\n"
      "lat_bucket{le=\"+Inf\"} 3\n"
      "lat_count 3\n"
      "lat_sum 1.25\n"
      "# EOF\n"
      "late_sample 1\n";
  auto s = parse_prometheus_text(text);
  CHECK(s.saw_eof);
  REQUIRE(s.bad_lines.size() == 1);
  CHECK(s.bad_lines[0].line == 12);
  CHECK(s.bad_lines[0].reason == "content after # EOF");
  REQUIRE(s.samples.size() == 6);
  CHECK(s.families[0].unit == "tokens");
  CHECK(s.samples[0].family == 0);
  CHECK(s.samples[1].family == 0);
  CHECK(s.samples[0].ts_ns == 1700000000500000000LL);  // float timestamp = seconds
  CHECK(s.samples[2].value == 2);                      // exemplar ignored
  auto hs = s.histograms();
  REQUIRE(hs.size() == 1);
  CHECK(hs[0].buckets.size() == 2);
  CHECK(*hs[0].sum == 1.25);
  CHECK(s.warnings.empty());
}

TEST_CASE("prometheus: malformed lines are counted with line, offset and reason", "[serving][prometheus]") {
  std::string text =
      "ok 1\n"                    // line 1, offset 0
      "no_value\n"                // line 2, offset 5
      "bad_value 1.2.3\n"         // line 3, offset 14
      "bad{label=unquoted} 1\n"   // line 4, offset 30
      "bad{a=\"x\",a=\"y\"} 1\n"  // line 5, duplicate label
      "bad{a=\"\\q\"} 1\n"        // line 6, invalid escape
      "bad{a=\"open} 1\n"         // line 7, unterminated
      "9starts_with_digit 1\n"    // line 8
      "# TYPE t bogus\n"          // line 9, unknown type
      "too_many 1 2 3\n"          // line 10
      "ts_bad 1 12abc\n"          // line 11
      "good{x=\"1\"} 2e3\r\n";    // line 12, CRLF
  auto s = parse_prometheus_text(text);
  CHECK(s.line_count == 12);
  REQUIRE(s.samples.size() == 2);
  CHECK(s.samples[1].value == 2000);
  REQUIRE(s.bad_lines.size() == 10);
  CHECK(s.bad_lines[0].line == 2);
  CHECK(s.bad_lines[0].offset == 5 + 8);
  CHECK(s.bad_lines[0].reason == "expected a space before the value");
  CHECK(s.bad_lines[1].line == 3);
  CHECK(s.bad_lines[1].offset == 14 + 10);
  CHECK(s.bad_lines[1].reason == "bad value '1.2.3'");
  CHECK(s.bad_lines[2].line == 4);
  CHECK(s.bad_lines[2].offset == 30 + 10);
  CHECK(s.bad_lines[2].reason == "expected '\"' to open label label");
  CHECK(s.bad_lines[3].reason == "duplicate label a");
  CHECK(s.bad_lines[4].reason == "invalid escape '\\q' in label a");
  CHECK(s.bad_lines[5].reason == "unterminated value of label a");
  CHECK(s.bad_lines[6].reason == "expected a metric name");
  CHECK(s.bad_lines[7].reason == "unknown metric type 'bogus'");
  CHECK(s.bad_lines[8].reason == "unexpected text after the timestamp");
  CHECK(s.bad_lines[9].reason == "bad timestamp '12abc'");
}
