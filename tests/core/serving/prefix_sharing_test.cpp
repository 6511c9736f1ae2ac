#include "core/serving/prefix_sharing.h"

#include <catch2/catch.hpp>

using namespace hp::serving;

TEST_CASE("prefix sharing on token ids: saved tokens and divergence groups", "[serving][prefix]") {
  PrefixInput in;
  in.method = "token ids";
  in.prompts = {{1, 2, 3, 4}, {1, 2, 3, 5}, {1, 2, 6}, {7}};
  PrefixSharing ps = analyze_prefix_sharing(in);
  CHECK(ps.prompts == 4);
  CHECK(ps.prompt_tokens == 12);
  // Nodes [1] and [1,2] are reached by 3 prompts, [1,2,3] by 2: (3-1) + (3-1) + (2-1).
  CHECK(ps.shared_tokens == 5);
  CHECK(ps.shared_fraction == Approx(5.0 / 12.0));
  CHECK(ps.trie_nodes == 7);
  REQUIRE(ps.top.size() == 2);
  CHECK(ps.top[0].tokens == 2);  // [1,2]: 3 prompts diverge (3 / 6)
  CHECK(ps.top[0].prompts == 3);
  CHECK(ps.top[0].tokens_saved == 4);
  CHECK(ps.top[1].tokens == 3);  // [1,2,3]: 2 prompts diverge (4 / 5)
  CHECK(ps.top[1].prompts == 2);
  CHECK(ps.top[1].tokens_saved == 3);
  CHECK_FALSE(ps.approximate);
  // Identical prompts: the leaf itself is where the group ends.
  PrefixInput same;
  same.prompts = {{9, 9}, {9, 9}};
  auto s2 = analyze_prefix_sharing(same);
  CHECK(s2.shared_tokens == 2);
  REQUIRE(s2.top.size() == 1);
  CHECK(s2.top[0].tokens == 2);
}

TEST_CASE("prefix sharing on Mooncake hash ids counts whole blocks", "[serving][prefix]") {
  Traffic t = load_mooncake(
      "{\"timestamp\": 0, \"input_length\": 1500, \"output_length\": 10, \"hash_ids\": [0, 1, 2]}\n"
      "{\"timestamp\": 5, \"input_length\": 1400, \"output_length\": 10, \"hash_ids\": [0, 1, 3]}\n"
      "{\"timestamp\": 9, \"input_length\": 100, \"output_length\": 10, \"hash_ids\": [4]}\n",
      512);
  REQUIRE(t.requests.size() == 3);
  PrefixInput in = prefix_input_from_traffic(t);
  CHECK(in.unit_tokens == 512);
  CHECK(in.method.find("hash_ids") != std::string::npos);
  PrefixSharing ps = analyze_prefix_sharing(in);
  CHECK(ps.prompt_tokens == 7 * 512);
  CHECK(ps.shared_tokens == 2 * 512);
  REQUIRE(ps.top.size() == 1);
  CHECK(ps.top[0].tokens == 1024);
  CHECK(ps.top[0].prompts == 2);
}

TEST_CASE("prefix sharing on whitespace words is named approximate", "[serving][prefix]") {
  Traffic t = load_jsonl(
      "{\"prompt\": \"You are a helpful assistant. Translate: cat\", \"max_tokens\": 4}\n"
      "{\"prompt\": \"You are a helpful assistant. Translate: dog\", \"max_tokens\": 4}\n"
      "{\"prompt\": \"You are  a\\tsummarizer.\", \"max_tokens\": 4}\n");
  REQUIRE(t.requests.size() == 3);
  PrefixSharing ps = analyze_prefix_sharing(prefix_input_from_traffic(t));
  CHECK(ps.approximate);
  CHECK(ps.method.find("approximate") != std::string::npos);
  CHECK(ps.prompt_tokens == 7 + 7 + 4);
  // "You are a" x3 -> 3 * 2; "helpful assistant. Translate:" x2 -> 3 * 1.
  CHECK(ps.shared_tokens == 9);
  REQUIRE(ps.top.size() == 2);
  CHECK(ps.top[0].preview == "You are a helpful assistant. Translate:");
  CHECK(ps.top[0].tokens_saved == 6);
  CHECK(ps.top[1].preview == "You are a");
  CHECK(ps.top[1].tokens_saved == 6);
}
