#include <catch2/catch.hpp>

#include <numeric>
#include <set>

#include "core/serving/traffic.h"
#include "tests/core/serving/read_test_file.h"

using namespace hp::serving;
using hp::serving::test::file_exists;
using hp::serving::test::read_file;

namespace {
std::string shared_traffic(const std::string& name) {
  std::string path = std::string(HOTPATH_SHARED_FIXTURES) + "/traffic/" + name;
  if (!file_exists(path)) return {};
  return read_file(path);
}
size_t word_count(const std::string& s) {
  if (s.empty()) return 0;
  return static_cast<size_t>(std::count(s.begin(), s.end(), ' ')) + 1;
}
}  // namespace

TEST_CASE("traffic: JSONL prompts, chat messages, timestamps and bad lines", "[serving][traffic]") {
  std::string text =
      "# comment\n"
      "{\"prompt\": \"Hello there\", \"max_tokens\": 16, \"timestamp\": 100.5}\n"
      "{\"messages\": [{\"role\": \"system\", \"content\": \"be brief\"}, {\"role\": \"user\", \"content\": "
      "\"Why?\"}], \"timestamp\": 101.75}\n"
      "not json\n"
      "{\"max_tokens\": 3}\n"
      "{\"prompt\": \"x\", \"max_tokens\": -2}\n"
      "\n";
  auto t = load_jsonl(text);
  REQUIRE(t.requests.size() == 2);
  CHECK(t.requests[0].prompt == "Hello there");
  CHECK(t.requests[0].max_tokens == 16);
  CHECK(t.requests[0].input_tokens == 3);  // ceil(11 / 4)
  CHECK(t.requests[0].arrival_offset_ns == 0);
  CHECK(t.requests[1].prompt == "Why?");
  CHECK(t.requests[1].messages_json.find("be brief") != std::string::npos);
  CHECK(t.requests[1].max_tokens == -1);
  CHECK(t.requests[1].arrival_offset_ns == 1250000000);
  REQUIRE(t.issues.size() == 3);
  CHECK(t.issues[0].line == 4);
  CHECK(t.issues[0].offset == 10 + 64 + 116);  // three lines before it
  CHECK(t.issues[0].reason == "not a JSON object");
  CHECK(t.issues[1].line == 5);
  CHECK(t.issues[2].reason == "\"max_tokens\" is not a non-negative integer");
}

// Counts computed with python3 json/csv over the fixtures (row counts, token sums, offsets).
TEST_CASE("traffic: ShareGPT files", "[serving][traffic]") {
  std::string text = shared_traffic("mlenergy_ShareGPT_V3_filtered_500.json");
  if (text.empty()) {
    WARN("shared fixture mlenergy_ShareGPT_V3_filtered_500.json absent");
    return;
  }
  auto t = load_sharegpt(text);
  CHECK(t.requests.size() == 500);
  CHECK(t.issues.empty());
  CHECK(t.requests[0].prompt == "How to stop automatic updates from the WSUS Server to a target machine");
  CHECK(t.requests[0].max_tokens == -1);  // single-turn entries: no reference completion

  auto c = load_sharegpt(shared_traffic("chatdemo_sharegpt_sample_50.json"));
  REQUIRE(c.requests.size() == 50);
  int64_t in = 0, out = 0;
  for (const auto& r : c.requests) in += r.input_tokens, out += r.max_tokens;
  CHECK(in == 50261);   // the entries' own prompt_tokens
  CHECK(out == 16505);  // response_tokens
  auto w = load_sharegpt(shared_traffic("chatdemo_sharegpt_sample_50.json"), true);
  REQUIRE(w.requests.size() == 50);
  CHECK(w.requests[0].messages_json.rfind("[{\"content\":", 0) == 0);
  CHECK(w.requests[0].messages_json.find("\"role\":\"user\"") != std::string::npos);

  auto bad =
      load_sharegpt("[{\"id\": \"a\", \"conversations\": [{\"from\": \"gpt\", \"value\": \"hi\"}]}, 3]");
  CHECK(bad.requests.empty());
  REQUIRE(bad.issues.size() == 2);
  CHECK(bad.issues[0].reason == "conversation without a human turn");
  CHECK(bad.issues[1].line == 2);
}

TEST_CASE("traffic: Azure LLM inference trace CSV", "[serving][traffic]") {
  std::string text = shared_traffic("AzureLLMInferenceTrace_code_2023.csv");
  if (text.empty()) {
    WARN("shared fixture AzureLLMInferenceTrace_code_2023.csv absent");
    return;
  }
  auto t = load_azure_csv(text);
  REQUIRE(t.requests.size() == 8819);
  CHECK(t.issues.empty());
  int64_t in = 0, out = 0;
  for (const auto& r : t.requests) in += r.input_tokens, out += r.max_tokens;
  CHECK(in == 18059974);
  CHECK(out == 245896);
  CHECK(t.requests[0].input_tokens == 4808);
  CHECK(t.requests[0].max_tokens == 10);
  CHECK(t.requests[1].arrival_offset_ns == 52000000);             // 18:17:04.0319600 - 18:17:03.9799600
  CHECK(t.requests.back().arrival_offset_ns == 3435948056000LL);  // 19:14:19.9280160 - 18:17:03.9799600

  auto conv = load_azure_csv(shared_traffic("AzureLLMInferenceTrace_conv_2023.csv.gz"));
  CHECK(conv.requests.size() == 19366);
  int64_t cin = 0;
  for (const auto& r : conv.requests) cin += r.input_tokens;
  CHECK(cin == 22361870);

  auto bad =
      load_azure_csv("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9,12,x\nnonsense\n");
  CHECK(bad.requests.empty());
  REQUIRE(bad.issues.size() == 2);
  CHECK(bad.issues[0].reason == "token counts are not integers");
  CHECK(bad.issues[1].line == 3);
}

TEST_CASE("traffic: Mooncake traces keep block hashes and share prefix text", "[serving][traffic]") {
  std::string text = shared_traffic("mooncake_synthetic_trace.jsonl.gz");
  if (text.empty()) {
    WARN("shared fixture mooncake_synthetic_trace.jsonl.gz absent");
    return;
  }
  auto t = load_mooncake(text);
  REQUIRE(t.requests.size() == 3993);
  CHECK(t.issues.empty());
  CHECK(t.requests.back().arrival_offset_ns == 1022025LL * 1000000);
  CHECK(t.requests[0].input_tokens == 40160);
  CHECK(t.requests[0].max_tokens == 6);
  CHECK(t.requests[0].hash_ids.size() == 79);
  int64_t in = 0;
  std::set<uint32_t> hashes;
  for (const auto& r : t.requests) {
    in += r.input_tokens;
    hashes.insert(r.hash_ids.begin(), r.hash_ids.end());
  }
  CHECK(in == 61194628);
  CHECK(hashes.size() == 43924);

  auto conv = load_mooncake(shared_traffic("mooncake_conversation_trace.jsonl.gz"));
  REQUIRE(conv.requests.size() == 12031);
  CHECK(conv.requests.back().arrival_offset_ns == 3536999LL * 1000000);
  // Rows 0 and 1 share hash id 0 (first block) and then diverge.
  const auto& a = conv.requests[0];
  const auto& b = conv.requests[1];
  REQUIRE(a.hash_ids[0] == b.hash_ids[0]);
  REQUIRE(a.hash_ids[1] != b.hash_ids[1]);
  std::string pa = prompt_text(a), pb = prompt_text(b);
  CHECK(word_count(pa) == 6758);
  CHECK(word_count(pb) == 7322);
  size_t cut = 0, words = 0;
  while (words < 512) cut = pa.find(' ', cut) + 1, ++words;  // 512 words = one block
  CHECK(pa.substr(0, cut) == pb.substr(0, cut));
  CHECK(pa.substr(cut, 200) != pb.substr(cut, 200));
}

TEST_CASE("traffic: synthetic prompts and probes", "[serving][traffic]") {
  CHECK(synthetic_words(5, 7) == synthetic_words(5, 7));
  CHECK(synthetic_words(5, 7) != synthetic_words(5, 8));
  CHECK(word_count(synthetic_words(1000, 1)) == 1000);
  TrafficRequest r;
  r.input_tokens = 10;
  r.salt = 3;
  CHECK(word_count(prompt_text(r)) == 10);
  auto pre = prefill_probes(3, 128, 9);
  REQUIRE(pre.size() == 3);
  CHECK(word_count(pre[0].prompt) == 128);
  CHECK(pre[0].max_tokens == 1);
  CHECK(pre[0].prompt.rfind("probe-9-0 ", 0) == 0);
  CHECK(pre[1].prompt.rfind("probe-9-1 ", 0) == 0);  // unique first word: no shared prefix
  auto dec = decode_probes(2, 256, 9);
  CHECK(dec[1].prompt == "probe-9-1");
  CHECK(dec[1].input_tokens == 1);
  CHECK(dec[1].max_tokens == 256);
}
