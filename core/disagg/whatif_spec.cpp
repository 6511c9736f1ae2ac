#include "core/disagg/whatif_spec.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hp::disagg {

double LengthDist::expected() const {
  if (samples.empty()) return mean;
  double s = 0;
  for (double v : samples) s += v;
  return s / static_cast<double>(samples.size());
}

double LengthDist::second_moment() const {
  if (samples.empty()) return mean * mean * (1 + cv * cv);
  double s = 0;
  for (double v : samples) s += v * v;
  return s / static_cast<double>(samples.size());
}

namespace {

using nlohmann::json;

struct Reader {
  const std::string& name;
  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw std::runtime_error(name + ": key '" + key + "': " + what);
  }
  const json& object(const json& j, const std::string& key) const {
    if (!j.is_object()) fail(key, "expected an object");
    return j;
  }
  // Rejects keys not in `known`, so that a misspelt key is not silently ignored.
  void only(const json& j, const std::string& path, std::initializer_list<const char*> known) const {
    for (auto it = j.begin(); it != j.end(); ++it) {
      bool ok = it.key().starts_with("_");  // "_comment" and the like
      for (const char* k : known) ok = ok || it.key() == k;
      if (!ok) fail(path.empty() ? it.key() : path + "." + it.key(), "unknown key");
    }
  }
  void number(const json& j, const std::string& path, const char* key, double& out, double lo,
              double hi = 1e300) const {
    auto it = j.find(key);
    if (it == j.end()) return;
    std::string full = path.empty() ? key : path + "." + key;
    if (!it->is_number()) fail(full, "expected a number, got " + std::string(it->type_name()));
    double v = it->get<double>();
    if (!(v >= lo && v <= hi)) {
      std::ostringstream os;
      os << "value " << v << " out of range [" << lo << ", " << hi << "]";
      fail(full, os.str());
    }
    out = v;
  }
  void integer(const json& j, const std::string& path, const char* key, int& out, int lo) const {
    double v = out;
    number(j, path, key, v, lo, 1e9);
    if (v != static_cast<double>(static_cast<int>(v)))
      fail(path.empty() ? key : path + "." + key, "expected a whole number");
    out = static_cast<int>(v);
  }
  void dist(const json& j, const char* key, LengthDist& out) const {
    auto it = j.find(key);
    if (it == j.end()) return;
    object(*it, key);
    only(*it, key, {"samples", "mean", "cv"});
    out = {};
    if (auto s = it->find("samples"); s != it->end()) {
      if (!s->is_array()) fail(std::string(key) + ".samples", "expected an array of numbers");
      for (size_t i = 0; i < s->size(); ++i) {
        const json& v = (*s)[i];
        if (!v.is_number() || v.get<double>() < 0)
          fail(std::string(key) + ".samples[" + std::to_string(i) + "]", "expected a number >= 0");
        out.samples.push_back(v.get<double>());
      }
    }
    number(*it, key, "mean", out.mean, 0);
    number(*it, key, "cv", out.cv, 0, 100);
    if (out.samples.empty() && out.mean <= 0) fail(key, "needs non-empty samples or a mean > 0");
  }
};

}  // namespace

WhatIfSpec spec_from_json(std::string_view text, const std::string& name) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(name + ": byte " + std::to_string(e.byte) + ": invalid JSON (" + e.what() + ")");
  }
  Reader r{name};
  if (!j.is_object()) throw std::runtime_error(name + ": byte 0: expected a JSON object");
  r.only(j, "",
         {"gpus", "tp", "arrival", "prompt_tokens", "output_tokens", "prefix_hit_fraction", "prefill_ms",
          "prefill_max_batch_tokens", "decode_ms", "decode_max_batch", "kv_capacity_tokens", "kv", "requests",
          "seed", "prompt_scale", "sources"});
  WhatIfSpec s;
  r.integer(j, "", "gpus", s.gpus, 1);
  r.integer(j, "", "tp", s.tp, 1);
  if (s.gpus < s.tp) r.fail("gpus", "fewer GPUs than one instance's tp");
  if (auto it = j.find("arrival"); it != j.end()) {
    r.object(*it, "arrival");
    r.only(*it, "arrival", {"rate_rps", "cv"});
    r.number(*it, "arrival", "rate_rps", s.arrival.rate_rps, 1e-9);
    r.number(*it, "arrival", "cv", s.arrival.cv, 0, 100);
  }
  r.dist(j, "prompt_tokens", s.prompt_tokens);
  r.dist(j, "output_tokens", s.output_tokens);
  r.number(j, "", "prefix_hit_fraction", s.prefix_hit_fraction, 0, 1);
  if (auto it = j.find("prefill_ms"); it != j.end()) {
    r.object(*it, "prefill_ms");
    r.only(*it, "prefill_ms", {"base", "per_token", "per_token2"});
    r.number(*it, "prefill_ms", "base", s.prefill_ms.base, 0);
    r.number(*it, "prefill_ms", "per_token", s.prefill_ms.per_token, 0);
    r.number(*it, "prefill_ms", "per_token2", s.prefill_ms.per_token2, 0);
  }
  r.number(j, "", "prefill_max_batch_tokens", s.prefill_max_batch_tokens, 1);
  if (auto it = j.find("decode_ms"); it != j.end()) {
    r.object(*it, "decode_ms");
    r.only(*it, "decode_ms", {"base", "per_seq", "per_ctx_token"});
    r.number(*it, "decode_ms", "base", s.decode_ms.base, 0);
    r.number(*it, "decode_ms", "per_seq", s.decode_ms.per_seq, 0);
    r.number(*it, "decode_ms", "per_ctx_token", s.decode_ms.per_ctx_token, 0);
  }
  r.integer(j, "", "decode_max_batch", s.decode_max_batch, 1);
  r.number(j, "", "kv_capacity_tokens", s.kv_capacity_tokens, 1);
  if (auto it = j.find("kv"); it != j.end()) {
    r.object(*it, "kv");
    r.only(*it, "kv", {"bytes_per_token", "fixed_bytes_per_request", "bandwidth_GBps", "setup_ms"});
    r.number(*it, "kv", "bytes_per_token", s.kv.bytes_per_token, 0);
    r.number(*it, "kv", "fixed_bytes_per_request", s.kv.fixed_bytes_per_request, 0);
    r.number(*it, "kv", "bandwidth_GBps", s.kv.bandwidth_GBps, 1e-6);
    r.number(*it, "kv", "setup_ms", s.kv.setup_ms, 0);
  }
  double n = static_cast<double>(s.requests), seed = static_cast<double>(s.seed);
  r.number(j, "", "requests", n, 1, 1e8);
  r.number(j, "", "seed", seed, 0, 9007199254740992.0);
  s.requests = static_cast<size_t>(n);
  s.seed = static_cast<uint64_t>(seed);
  r.number(j, "", "prompt_scale", s.prompt_scale, 1e-6, 1e6);
  if (auto it = j.find("sources"); it != j.end()) {
    r.object(*it, "sources");
    for (auto e = it->begin(); e != it->end(); ++e) {
      if (!e.value().is_string()) r.fail("sources." + e.key(), "expected a string");
      s.sources[e.key()] = e.value().get<std::string>();
    }
  }
  return s;
}

WhatIfSpec read_spec_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  std::ostringstream os;
  os << in.rdbuf();
  return spec_from_json(os.str(), path);
}

nlohmann::json spec_to_json(const WhatIfSpec& s) {
  auto dist = [](const LengthDist& d) {
    json j = json::object();
    if (!d.samples.empty()) {
      j["samples"] = d.samples;
    } else {
      j["mean"] = d.mean;
      j["cv"] = d.cv;
    }
    return j;
  };
  json j;
  j["gpus"] = s.gpus;
  j["tp"] = s.tp;
  j["arrival"] = {{"rate_rps", s.arrival.rate_rps}, {"cv", s.arrival.cv}};
  j["prompt_tokens"] = dist(s.prompt_tokens);
  j["output_tokens"] = dist(s.output_tokens);
  j["prefix_hit_fraction"] = s.prefix_hit_fraction;
  j["prefill_ms"] = {{"base", s.prefill_ms.base},
                     {"per_token", s.prefill_ms.per_token},
                     {"per_token2", s.prefill_ms.per_token2}};
  j["prefill_max_batch_tokens"] = s.prefill_max_batch_tokens;
  j["decode_ms"] = {{"base", s.decode_ms.base},
                    {"per_seq", s.decode_ms.per_seq},
                    {"per_ctx_token", s.decode_ms.per_ctx_token}};
  j["decode_max_batch"] = s.decode_max_batch;
  j["kv_capacity_tokens"] = s.kv_capacity_tokens;
  j["kv"] = {{"bytes_per_token", s.kv.bytes_per_token},
             {"fixed_bytes_per_request", s.kv.fixed_bytes_per_request},
             {"bandwidth_GBps", s.kv.bandwidth_GBps},
             {"setup_ms", s.kv.setup_ms}};
  j["requests"] = s.requests;
  j["seed"] = s.seed;
  if (s.prompt_scale != 1) j["prompt_scale"] = s.prompt_scale;
  if (!s.sources.empty()) j["sources"] = s.sources;
  return j;
}

}  // namespace hp::disagg
