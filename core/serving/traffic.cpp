#include "core/serving/traffic.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/serving/log_lines.h"

namespace hp::serving {
namespace {

using nlohmann::json;

constexpr const char* kWords[64] = {
    "the",  "of",    "and",   "to",    "in",    "is",   "it",    "that", "for",   "on",   "was",
    "with", "he",    "as",    "at",    "by",    "this", "had",   "not",  "are",   "but",  "from",
    "or",   "have",  "an",    "they",  "which", "one",  "you",   "were", "all",   "we",   "her",
    "she",  "there", "would", "their", "will",  "when", "who",   "him",  "been",  "has",  "more",
    "if",   "no",    "out",   "so",    "said",  "what", "up",    "its",  "about", "into", "than",
    "them", "can",   "only",  "other", "new",   "some", "could", "time", "these"};

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void append_words(std::string& out, int64_t n, uint64_t seed) {
  uint64_t state = seed;
  for (int64_t i = 0; i < n; ++i) {
    if (!out.empty()) out += ' ';
    out += kWords[splitmix64(state) & 63];
  }
}

int64_t estimate_tokens(std::string_view text) {
  return static_cast<int64_t>((text.size() + 3) / 4);
}

// Calls fn(line_no, offset, line) for each line with the trailing '\r' removed.
template <class Fn>
void for_each_line(std::string_view text, Fn fn) {
  size_t pos = 0;
  uint64_t line = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view l = text.substr(pos, end - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    fn(++line, pos, l);
    pos = end + 1;
  }
}

bool blank(std::string_view l) {
  return l.find_first_not_of(" \t") == std::string_view::npos;
}

}  // namespace

std::string synthetic_words(int64_t tokens, uint64_t seed) {
  std::string out;
  append_words(out, tokens, seed);
  return out;
}

std::string prompt_text(const TrafficRequest& r, int block_tokens) {
  if (!r.prompt.empty()) return r.prompt;
  std::string out;
  int64_t left = std::max<int64_t>(r.input_tokens, 0);
  if (!r.hash_ids.empty() && block_tokens > 0) {
    for (uint32_t h : r.hash_ids) {
      if (left <= 0) break;
      int64_t n = std::min<int64_t>(left, block_tokens);
      append_words(out, n, 0x6d6f6f6e63616b65ULL ^ h);  // same hash id -> same block text
      left -= n;
    }
  }
  if (left > 0) append_words(out, left, r.salt * 0x9e3779b97f4a7c15ULL + 1);
  return out;
}

std::vector<TrafficRequest> prefill_probes(size_t count, int64_t input_tokens, uint64_t seed) {
  std::vector<TrafficRequest> out(count);
  for (size_t i = 0; i < count; ++i) {
    out[i].prompt = fmt::format("probe-{}-{}", seed, i);  // unique first token defeats the prefix cache
    if (input_tokens > 1) out[i].prompt += ' ' + synthetic_words(input_tokens - 1, seed * 1000003 + i);
    out[i].input_tokens = input_tokens;
    out[i].max_tokens = 1;
    out[i].salt = seed * 1000003 + i;
  }
  return out;
}

std::vector<TrafficRequest> decode_probes(size_t count, int64_t output_tokens, uint64_t seed) {
  std::vector<TrafficRequest> out(count);
  for (size_t i = 0; i < count; ++i) {
    out[i].prompt = fmt::format("probe-{}-{}", seed, i);
    out[i].input_tokens = 1;
    out[i].max_tokens = output_tokens;
    out[i].salt = seed * 1000003 + i;
  }
  return out;
}

Traffic load_jsonl(std::string_view text) {
  Traffic t;
  t.format = "jsonl";
  double first_ts = NAN;
  for_each_line(text, [&](uint64_t line, uint64_t off, std::string_view l) {
    if (blank(l) || l.find_first_not_of(" \t") == l.find('#')) return;
    json j = json::parse(l, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      t.issues.push_back({line, off, "not a JSON object"});
      return;
    }
    TrafficRequest r;
    if (j.contains("prompt") && j["prompt"].is_string()) {
      r.prompt = j["prompt"].get<std::string>();
    } else if (j.contains("messages") && j["messages"].is_array()) {
      r.messages_json = j["messages"].dump();
      for (const auto& m : j["messages"])
        if (m.is_object() && m.value("role", "") == "user" && m.contains("content") &&
            m["content"].is_string())
          r.prompt = m["content"].get<std::string>();
    } else {
      t.issues.push_back({line, off, "neither \"prompt\" (string) nor \"messages\" (array)"});
      return;
    }
    r.input_tokens = estimate_tokens(r.messages_json.empty() ? r.prompt : r.messages_json);
    if (j.contains("max_tokens")) {
      if (!j["max_tokens"].is_number_integer() || j["max_tokens"].get<int64_t>() < 0) {
        t.issues.push_back({line, off, "\"max_tokens\" is not a non-negative integer"});
        return;
      }
      r.max_tokens = j["max_tokens"].get<int64_t>();
    }
    if (j.contains("timestamp") && j["timestamp"].is_number()) {
      double ts = j["timestamp"].get<double>();
      if (std::isnan(first_ts)) first_ts = ts;
      r.arrival_offset_ns = static_cast<int64_t>(std::llround((ts - first_ts) * 1e9));
    }
    r.salt = t.requests.size();
    t.requests.push_back(std::move(r));
  });
  return t;
}

Traffic load_sharegpt(std::string_view text, bool whole_conversations) {
  Traffic t;
  t.format = "sharegpt";
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array()) {
    t.issues.push_back({0, 0, "not a JSON array"});
    return t;
  }
  for (size_t i = 0; i < j.size(); ++i) {
    const json& e = j[i];
    if (!e.is_object() || !e.contains("conversations") || !e["conversations"].is_array()) {
      t.issues.push_back({i + 1, 0, "entry without a \"conversations\" array"});
      continue;
    }
    const json& conv = e["conversations"];
    size_t first_human = conv.size(), last_human = conv.size();
    for (size_t k = 0; k < conv.size(); ++k) {
      if (!conv[k].is_object() || !conv[k].contains("value") || !conv[k]["value"].is_string()) continue;
      if (conv[k].value("from", "") == "human") {
        if (first_human == conv.size()) first_human = k;
        last_human = k;
      }
    }
    if (first_human == conv.size()) {
      t.issues.push_back({i + 1, 0, "conversation without a human turn"});
      continue;
    }
    TrafficRequest r;
    r.salt = t.requests.size();
    size_t ask = whole_conversations ? last_human : first_human;
    r.prompt = conv[ask]["value"].get<std::string>();
    if (whole_conversations) {
      json msgs = json::array();
      for (size_t k = 0; k <= last_human; ++k) {
        if (!conv[k].is_object() || !conv[k].contains("value") || !conv[k]["value"].is_string()) continue;
        std::string from = conv[k].value("from", "");
        std::string role = from == "human" ? "user" : (from == "system" ? "system" : "assistant");
        msgs.push_back({{"role", role}, {"content", conv[k]["value"]}});
      }
      r.messages_json = msgs.dump();
      r.input_tokens = estimate_tokens(r.messages_json);
    } else {
      r.input_tokens = e.contains("prompt_tokens") && e["prompt_tokens"].is_number_integer()
                           ? e["prompt_tokens"].get<int64_t>()
                           : estimate_tokens(r.prompt);
    }
    if (e.contains("response_tokens") && e["response_tokens"].is_number_integer() && !whole_conversations)
      r.max_tokens = e["response_tokens"].get<int64_t>();
    else if (ask + 1 < conv.size() && conv[ask + 1].contains("value") && conv[ask + 1]["value"].is_string())
      r.max_tokens = estimate_tokens(conv[ask + 1]["value"].get<std::string>());
    t.requests.push_back(std::move(r));
  }
  return t;
}

Traffic load_azure_csv(std::string_view text) {
  Traffic t;
  t.format = "azure-csv";
  int64_t first = 0;
  bool have_first = false;
  for_each_line(text, [&](uint64_t line, uint64_t off, std::string_view l) {
    if (blank(l)) return;
    if (line == 1) {
      if (l != "TIMESTAMP,ContextTokens,GeneratedTokens")
        t.issues.push_back({line, off, fmt::format("unexpected header '{}'", l)});
      return;
    }
    size_t c1 = l.find(','), c2 = c1 == std::string_view::npos ? c1 : l.find(',', c1 + 1);
    int y, mo, d, h, mi, s;
    char frac[16] = {0};
    std::string ts(l.substr(0, c1));
    if (c2 == std::string_view::npos ||
        std::sscanf(ts.c_str(), "%4d-%2d-%2d %2d:%2d:%2d.%15[0-9]", &y, &mo, &d, &h, &mi, &s, frac) < 6) {
      t.issues.push_back({line, off, "expected TIMESTAMP,ContextTokens,GeneratedTokens"});
      return;
    }
    int64_t in = 0, outk = 0;
    std::string_view a = l.substr(c1 + 1, c2 - c1 - 1), b = l.substr(c2 + 1);
    auto r1 = std::from_chars(a.data(), a.data() + a.size(), in);
    auto r2 = std::from_chars(b.data(), b.data() + b.size(), outk);
    if (r1.ec != std::errc() || r1.ptr != a.data() + a.size() || r2.ec != std::errc() ||
        r2.ptr != b.data() + b.size()) {
      t.issues.push_back({line, off + c1 + 1, "token counts are not integers"});
      return;
    }
    int64_t ns = civil_to_epoch_ns(y, mo, d, h, mi, s, fraction_to_ns(frac));
    if (!have_first) first = ns, have_first = true;
    TrafficRequest r;
    r.arrival_offset_ns = ns - first;
    r.input_tokens = in;
    r.max_tokens = outk;
    r.salt = t.requests.size();
    t.requests.push_back(std::move(r));
  });
  return t;
}

Traffic load_mooncake(std::string_view text, int block_tokens) {
  Traffic t;
  t.format = "mooncake";
  t.block_tokens = block_tokens;
  int64_t first = 0;
  bool have_first = false;
  for_each_line(text, [&](uint64_t line, uint64_t off, std::string_view l) {
    if (blank(l)) return;
    json j = json::parse(l, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("timestamp") || !j["timestamp"].is_number() ||
        !j.contains("input_length") || !j["input_length"].is_number_integer() ||
        !j.contains("output_length") || !j["output_length"].is_number_integer()) {
      t.issues.push_back({line, off, "expected {timestamp, input_length, output_length[, hash_ids]}"});
      return;
    }
    TrafficRequest r;
    int64_t ns = static_cast<int64_t>(std::llround(j["timestamp"].get<double>() * 1e6));  // ms -> ns
    if (!have_first) first = ns, have_first = true;
    r.arrival_offset_ns = ns - first;
    r.input_tokens = j["input_length"].get<int64_t>();
    r.max_tokens = j["output_length"].get<int64_t>();
    if (j.contains("hash_ids") && j["hash_ids"].is_array())
      for (const auto& h : j["hash_ids"])
        if (h.is_number_unsigned()) r.hash_ids.push_back(h.get<uint32_t>());
    r.salt = t.requests.size();
    t.requests.push_back(std::move(r));
  });
  return t;
}

}  // namespace hp::serving
