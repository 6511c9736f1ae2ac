#include "core/disagg/whatif_spec.h"

#include <catch2/catch.hpp>

using namespace hp::disagg;

TEST_CASE("What-if spec: the issue's names read, written and read back", "[disagg][spec]") {
  const char* text = R"({
    "gpus": 8, "tp": 2,
    "arrival": {"rate_rps": 3.5, "cv": 2},
    "prompt_tokens": {"samples": [100, 300]},
    "output_tokens": {"mean": 200, "cv": 0.5},
    "prefix_hit_fraction": 0.25,
    "prefill_ms": {"base": 4, "per_token": 0.02, "per_token2": 1e-6},
    "prefill_max_batch_tokens": 4096,
    "decode_ms": {"base": 6, "per_seq": 0.05, "per_ctx_token": 1e-5},
    "decode_max_batch": 128, "kv_capacity_tokens": 500000,
    "kv": {"bytes_per_token": 131072, "fixed_bytes_per_request": 0, "bandwidth_GBps": 50, "setup_ms": 3},
    "requests": 1000, "seed": 7,
    "sources": {"prefill_ms.per_token": "hand"}
  })";
  WhatIfSpec s = spec_from_json(text);
  CHECK(s.gpus == 8);
  CHECK(s.instances() == 4);
  CHECK(s.arrival.rate_rps == 3.5);
  CHECK(s.arrival.cv == 2);
  CHECK(s.prompt_tokens.samples.size() == 2);
  CHECK(s.prompt_tokens.expected() == 200);
  CHECK(s.prompt_tokens.second_moment() == (100.0 * 100 + 300.0 * 300) / 2);
  CHECK(s.output_tokens.expected() == 200);
  CHECK(s.output_tokens.second_moment() == 200.0 * 200 * 1.25);
  CHECK(s.prefix_hit_fraction == 0.25);
  CHECK(s.prefill_ms.per_token2 == 1e-6);
  CHECK(s.prefill_max_batch_tokens == 4096);
  CHECK(s.decode_ms.per_ctx_token == 1e-5);
  CHECK(s.decode_max_batch == 128);
  CHECK(s.kv.bandwidth_GBps == 50);
  CHECK(s.kv.setup_ms == 3);
  CHECK(s.requests == 1000);
  CHECK(s.seed == 7);
  CHECK(s.sources.at("prefill_ms.per_token") == "hand");
  WhatIfSpec back = spec_from_json(spec_to_json(s).dump());
  CHECK(spec_to_json(back) == spec_to_json(s));
}

TEST_CASE("What-if spec: errors name the offset or the key", "[disagg][spec]") {
  CHECK_THROWS_WITH(spec_from_json("{\"gpus\": 8,, }", "s.json"),
                    Catch::StartsWith("s.json: byte 12: invalid JSON"));
  CHECK_THROWS_WITH(spec_from_json(R"({"arrival": {"rate_rps": "fast"}})", "s.json"),
                    "s.json: key 'arrival.rate_rps': expected a number, got string");
  CHECK_THROWS_WITH(spec_from_json(R"({"arival": {}})", "s.json"), "s.json: key 'arival': unknown key");
  CHECK_THROWS_WITH(spec_from_json(R"({"prefix_hit_fraction": 1.5})", "s.json"),
                    "s.json: key 'prefix_hit_fraction': value 1.5 out of range [0, 1]");
  CHECK_THROWS_WITH(spec_from_json(R"({"gpus": 2.5})", "s.json"),
                    "s.json: key 'gpus': expected a whole number");
  CHECK_THROWS_WITH(spec_from_json(R"({"prompt_tokens": {"samples": [1, -2]}})", "s.json"),
                    "s.json: key 'prompt_tokens.samples[1]': expected a number >= 0");
  CHECK_THROWS_WITH(spec_from_json("[1]", "s.json"), "s.json: byte 0: expected a JSON object");
}
