#pragma once
// Traffic inputs for replay: JSONL, ShareGPT, Azure LLM inference trace CSV, Mooncake JSONL, synthetic
// probes. Loaders never stop on a bad record: it is skipped and recorded with its line/byte offset and
// reason.
//
// Synthetic prompts (token-length-only inputs: Azure, Mooncake, probes) are built from a fixed 64-word list
// of short common English words, one word per token, chosen by a seeded splitmix64 stream: deterministic, and
// one token per word for common BPE vocabularies (Llama/Qwen/GPT) up to a few percent. Prompts are built on
// demand (prompt_text) because a Mooncake trace expands to hundreds of MB of text. Token estimates for text
// without a count: ceil(chars / 4).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hp::serving {

struct TrafficRequest {
  int64_t arrival_offset_ns = -1;  // from the input's timestamps, relative to its first record; -1 when none
  std::string prompt;              // text prompt (completions) or the last user message; empty => synthetic
  std::string messages_json;       // chat messages as a JSON array when the input had a conversation
  int64_t input_tokens = -1;       // given by the input, else estimated; -1 unknown
  int64_t max_tokens = -1;         // output length to request; -1 = the caller's default
  std::vector<uint32_t> hash_ids;  // Mooncake block hashes (block-level prefix sharing)
  uint64_t salt = 0;               // makes synthetic prompts unique where no prefix sharing is meant
};

struct TrafficIssue {
  uint64_t line = 0;  // 1-based line (or array index + 1 for JSON arrays)
  uint64_t offset = 0;
  std::string reason;
};

struct Traffic {
  std::string format;  // "jsonl", "sharegpt", "azure-csv", "mooncake"
  std::vector<TrafficRequest> requests;
  std::vector<TrafficIssue> issues;
  int block_tokens = 0;  // Mooncake block size
};

// {"prompt": str | "messages": [...], "max_tokens": int, "timestamp": seconds (optional)} per line; '#' lines
// skipped.
Traffic load_jsonl(std::string_view text);
// JSON array of {"id", "conversations": [{"from": "human"|"gpt"|..., "value"}]}. Default: first human turn as
// the prompt, the following gpt turn's length (estimated) as max_tokens; entries' own
// prompt_tokens/response_tokens win. whole_conversations: messages_json holds every turn up to the last human
// turn.
Traffic load_sharegpt(std::string_view text, bool whole_conversations = false);
// Azure LLM inference trace 2023: header TIMESTAMP,ContextTokens,GeneratedTokens.
Traffic load_azure_csv(std::string_view text);
// Mooncake trace: {"timestamp": ms, "input_length", "output_length", "hash_ids": [...]} per line.
Traffic load_mooncake(std::string_view text, int block_tokens = 512);

// The prompt to send: the request's text, or a synthetic prompt of input_tokens words. Requests sharing a
// leading run of hash_ids share the same leading text (each hash id expands to block_tokens words).
std::string prompt_text(const TrafficRequest& r, int block_tokens = 512);
// `tokens` words from the seeded word stream.
std::string synthetic_words(int64_t tokens, uint64_t seed);

// Probes that defeat the prefix cache (each prompt starts with a unique salt word run):
// prefill probes: N input tokens, 1 output; decode probes: 1 input token, N outputs.
std::vector<TrafficRequest> prefill_probes(size_t count, int64_t input_tokens, uint64_t seed = 0);
std::vector<TrafficRequest> decode_probes(size_t count, int64_t output_tokens, uint64_t seed = 0);

}  // namespace hp::serving
