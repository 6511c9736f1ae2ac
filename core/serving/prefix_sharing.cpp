#include "core/serving/prefix_sharing.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include <fmt/format.h>

namespace hp::serving {

namespace {
struct Node {
  uint32_t parent = UINT32_MAX;
  uint32_t count = 0;
  uint32_t depth = 0;
  uint32_t first_prompt = 0;
  uint32_t max_child_count = 0;
};

std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t b = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > b) out.push_back(s.substr(b, i - b));
  }
  return out;
}
}  // namespace

PrefixSharing analyze_prefix_sharing(const PrefixInput& in, size_t top_n) {
  PrefixSharing out;
  out.method = in.method;
  out.approximate = in.approximate;
  out.prompts = in.prompts.size();
  std::vector<Node> nodes(1);                    // root
  std::unordered_map<uint64_t, uint32_t> child;  // (parent << 32 | id) -> node
  for (uint32_t p = 0; p < in.prompts.size(); ++p) {
    uint32_t cur = 0;
    out.prompt_tokens += static_cast<uint64_t>(in.prompts[p].size()) * in.unit_tokens;
    for (uint32_t id : in.prompts[p]) {
      auto [it, added] = child.try_emplace((static_cast<uint64_t>(cur) << 32) | id, 0);
      if (added) {
        it->second = static_cast<uint32_t>(nodes.size());
        nodes.push_back({cur, 0, nodes[cur].depth + 1, p, 0});
      }
      cur = it->second;
      ++nodes[cur].count;
    }
  }
  out.trie_nodes = nodes.size() - 1;
  for (size_t i = 1; i < nodes.size(); ++i) {
    auto& n = nodes[i];
    if (n.count >= 2) out.shared_tokens += static_cast<uint64_t>(n.count - 1) * in.unit_tokens;
    auto& parent = nodes[n.parent];
    parent.max_child_count = std::max(parent.max_child_count, n.count);
  }
  if (out.prompt_tokens)
    out.shared_fraction = static_cast<double>(out.shared_tokens) / static_cast<double>(out.prompt_tokens);
  std::vector<SharedPrefix> groups;
  for (size_t i = 1; i < nodes.size(); ++i) {
    const auto& n = nodes[i];
    if (n.count < 2 || n.max_child_count == n.count) continue;
    SharedPrefix g;
    g.tokens = static_cast<uint64_t>(n.depth) * in.unit_tokens;
    g.prompts = n.count;
    g.tokens_saved = g.tokens * (n.count - 1);
    g.first_prompt = n.first_prompt;
    groups.push_back(g);
  }
  std::sort(groups.begin(), groups.end(), [](const SharedPrefix& a, const SharedPrefix& b) {
    if (a.tokens_saved != b.tokens_saved) return a.tokens_saved > b.tokens_saved;
    if (a.tokens != b.tokens) return a.tokens > b.tokens;
    return a.first_prompt < b.first_prompt;
  });
  if (groups.size() > top_n) groups.resize(top_n);
  if (!in.vocabulary.empty()) {
    for (auto& g : groups) {
      const auto& ids = in.prompts[g.first_prompt];
      const size_t words = std::min<size_t>({g.tokens / in.unit_tokens, ids.size(), 12});
      for (size_t k = 0; k < words; ++k) g.preview += (k ? " " : "") + in.vocabulary[ids[k]];
      if (words < g.tokens / in.unit_tokens) g.preview += " ...";
    }
  }
  out.top = std::move(groups);
  return out;
}

PrefixInput prefix_input_from_texts(const std::vector<std::string>& texts) {
  PrefixInput in;
  in.method = "whitespace words (approximate: not the model's tokenizer)";
  in.approximate = true;
  std::unordered_map<std::string_view, uint32_t> ids;
  for (const auto& t : texts) {
    std::vector<uint32_t> p;
    for (std::string_view w : split_words(t)) {
      auto [it, added] = ids.try_emplace(w, static_cast<uint32_t>(in.vocabulary.size()));
      if (added) in.vocabulary.emplace_back(w);
      p.push_back(it->second);
    }
    in.prompts.push_back(std::move(p));
  }
  return in;
}

PrefixInput prefix_input_from_traffic(const Traffic& traffic) {
  bool hashes = std::any_of(traffic.requests.begin(), traffic.requests.end(),
                            [](const TrafficRequest& r) { return !r.hash_ids.empty(); });
  if (hashes) {
    PrefixInput in;
    in.unit_tokens = static_cast<uint32_t>(traffic.block_tokens > 0 ? traffic.block_tokens : 512);
    in.method = fmt::format("mooncake hash_ids (block-level, {} tokens per block)", in.unit_tokens);
    for (const auto& r : traffic.requests) in.prompts.push_back(r.hash_ids);
    return in;
  }
  std::vector<std::string> texts;
  texts.reserve(traffic.requests.size());
  for (const auto& r : traffic.requests) {
    if (!r.prompt.empty())
      texts.push_back(r.prompt);
    else if (!r.messages_json.empty())
      texts.push_back(r.messages_json);
    else
      texts.push_back(prompt_text(r, traffic.block_tokens > 0 ? traffic.block_tokens : 512));
  }
  // The texts must outlive the vocabulary views taken in prefix_input_from_texts: it copies words.
  return prefix_input_from_texts(texts);
}

}  // namespace hp::serving
