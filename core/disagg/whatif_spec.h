#pragma once
// The what-if spec of the disaggregation advisor: the workload (arrival process, prompt and output
// lengths, prefix hits) and the measured step costs of one engine instance (tp GPUs), from which
// simulate() and the analytic bounds predict monolithic and P:D-split layouts. Written by hand or fitted
// from a run (fit_spec); read from and written to JSON with the names below (README "Disaggregation").
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace hp::disagg {

// A length distribution: explicit samples (drawn with replacement), or a mean and coefficient of
// variation (gamma; cv 0 = every request the mean).
struct LengthDist {
  std::vector<double> samples;
  double mean = 0, cv = 0;
  double expected() const;       // mean of the samples, else `mean`
  double second_moment() const;  // E[X^2]
};

struct WhatIfSpec {
  int gpus = 8;
  int tp = 1;  // GPUs per engine instance
  struct Arrival {
    double rate_rps = 1;
    double cv = 1;  // of the inter-arrival times; 1 = Poisson, else gamma
  } arrival;
  LengthDist prompt_tokens{{}, 1024, 0}, output_tokens{{}, 128, 0};
  double prefix_hit_fraction = 0;  // of each prompt's tokens found in the prefix cache
  // One prefill batch: base + per_token * sum + per_token2 * sum^2 (uncached tokens only).
  struct PrefillMs {
    double base = 0, per_token = 0, per_token2 = 0;
  } prefill_ms;
  double prefill_max_batch_tokens = 8192;  // also the monolithic engine's token budget per step
  // One decode step of B sequences holding sum_ctx tokens: base + per_seq * B + per_ctx_token * sum_ctx.
  struct DecodeMs {
    double base = 0, per_seq = 0, per_ctx_token = 0;
  } decode_ms;
  int decode_max_batch = 256;       // per instance
  double kv_capacity_tokens = 1e6;  // per instance
  struct Kv {
    double bytes_per_token = 0;
    double fixed_bytes_per_request = 0;  // SWA windows, linear-attention state
    double bandwidth_GBps = 25;          // effective, gigabytes per second, one link per prefill instance
    double setup_ms = 0;                 // per transfer (handshake, descriptors)
  } kv;
  size_t requests = 2000;  // simulated requests
  uint64_t seed = 1;
  // Extensions: a factor on every prompt length (the panel's slider), and where each number came from
  // (key = JSON path such as "prefill_ms.per_token").
  double prompt_scale = 1;
  std::map<std::string, std::string> sources;

  int instances() const { return tp > 0 ? gpus / tp : 0; }
};

// Throws std::runtime_error naming `name`, the byte offset (syntax errors) or the key and what was wrong.
WhatIfSpec spec_from_json(std::string_view text, const std::string& name = "spec");
WhatIfSpec read_spec_file(const std::string& path);
nlohmann::json spec_to_json(const WhatIfSpec& s);

}  // namespace hp::disagg
