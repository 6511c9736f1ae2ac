#pragma once
// Prefix sharing across prompts, measured on a trie of token ids (or block ids).
//
// Inputs, best first: token ids from the server or trace; Mooncake hash_ids, where each id is one block of
// `block_tokens` tokens (block-level: two prompts share a block only when the trace says so); otherwise
// prompt text split on whitespace, which is an approximation (not the model's tokenizer: a word is usually
// 1-3 tokens, and sharing that ends inside a word is lost) and is named so in `method`.
//
// shared_tokens = Σ over trie nodes reached by c >= 2 prompts of unit × (c - 1): the prompt tokens a perfect,
// unbounded prefix cache would not recompute (the first prompt computes the prefix, the others reuse it).
// Top shared prefixes are the nodes where a group of c >= 2 prompts diverges (no child keeps all c), ranked
// by their own saving length × (c - 1); nested prefixes overlap, so their savings do not add up to the total.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/serving/traffic.h"

namespace hp::serving {

struct PrefixInput {
  std::vector<std::vector<uint32_t>> prompts;  // ids per prompt
  uint32_t unit_tokens = 1;                    // tokens per id (block size for hash ids)
  std::string method;                          // how the ids were obtained
  bool approximate = false;
  std::vector<std::string> vocabulary;  // whitespace mode: id -> word (for previews)
};

struct SharedPrefix {
  uint64_t tokens = 0;  // prefix length in tokens
  uint32_t prompts = 0;
  uint64_t tokens_saved = 0;  // tokens * (prompts - 1)
  uint32_t first_prompt = 0;  // index of a prompt that has it
  std::string preview;        // first words (whitespace mode), else empty
};

struct PrefixSharing {
  std::string method = "none";
  bool approximate = false;
  size_t prompts = 0;
  uint64_t prompt_tokens = 0;  // Σ ids × unit
  uint64_t shared_tokens = 0;
  double shared_fraction = 0;  // shared_tokens / prompt_tokens
  size_t trie_nodes = 0;
  std::vector<SharedPrefix> top;
};

PrefixSharing analyze_prefix_sharing(const PrefixInput& in, size_t top_n = 10);

// Whitespace words -> ids (one shared vocabulary).
PrefixInput prefix_input_from_texts(const std::vector<std::string>& texts);
// Mooncake hash_ids when the traffic has them, else the prompt text (or chat messages JSON, or the synthetic
// prompt the replay would send) split on whitespace.
PrefixInput prefix_input_from_traffic(const Traffic& traffic);

}  // namespace hp::serving
