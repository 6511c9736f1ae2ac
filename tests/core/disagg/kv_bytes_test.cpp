#include "core/disagg/kv_bytes.h"

#include <catch2/catch.hpp>

#include <string>

using namespace hp::disagg;

// Config fields as in the models' Hugging Face config.json (values per reference disaggregation.md §3,
// which lists them with the expected bytes); only the fields the formula reads.
TEST_CASE("KV bytes per token of the reference's worked models", "[disagg][kv_bytes]") {
  SECTION("Llama-3.1-8B: GQA, head_dim from hidden_size") {
    auto kv =
        kv_bytes_from_config(R"({"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,
      "hidden_size":4096,"torch_dtype":"bfloat16"})");
    CHECK(kv.attention == "gqa");
    CHECK(kv.per_token == 131072);
    CHECK(kv.fixed_per_request == 0);
    CHECK(kv.per_token * 4096 == 512.0 * 1024 * 1024);
  }
  SECTION("Llama-3.1-70B") {
    auto kv =
        kv_bytes_from_config(R"({"num_hidden_layers":80,"num_attention_heads":64,"num_key_value_heads":8,
      "hidden_size":8192,"torch_dtype":"bfloat16"})");
    CHECK(kv.per_token == 327680);
    CHECK(kv.per_token * 131072 == 40.0 * 1024 * 1024 * 1024);
  }
  SECTION("Qwen3-8B: explicit head_dim; sliding_window set but unused") {
    auto kv =
        kv_bytes_from_config(R"({"num_hidden_layers":36,"num_attention_heads":32,"num_key_value_heads":8,
      "head_dim":128,"hidden_size":4096,"sliding_window":null,"use_sliding_window":false,"torch_dtype":"bfloat16"})");
    CHECK(kv.per_token == 147456);
    CHECK(kv.sliding_layers == 0);
  }
  SECTION("Mixtral-8x7B: MoE does not change KV") {
    auto kv =
        kv_bytes_from_config(R"({"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,
      "hidden_size":4096,"num_local_experts":8,"sliding_window":null,"torch_dtype":"bfloat16"})");
    CHECK(kv.per_token == 131072);
  }
  SECTION("DeepSeek-V3: MLA, bf16 and fp8") {
    std::string cfg = R"({"num_hidden_layers":61,"num_attention_heads":128,"num_key_value_heads":128,
      "kv_lora_rank":512,"qk_rope_head_dim":64,"qk_nope_head_dim":128,"v_head_dim":128,"torch_dtype":"bfloat16"})";
    auto kv = kv_bytes_from_config(cfg);
    CHECK(kv.attention == "mla");
    CHECK(kv.per_token == 70272);
    KvBytesOptions fp8;
    fp8.kv_dtype_bytes = 1;
    CHECK(kv_bytes_from_config(cfg, fp8).per_token == 35136);
    CHECK(kv.per_token * 4096 / (1024.0 * 1024) == Approx(274.5));
  }
  SECTION("gpt-oss-120b: 18 sliding (window 128) + 18 full layers") {
    std::string types = "[";
    for (int i = 0; i < 36; ++i)
      types += std::string(i ? "," : "") + (i % 2 ? "\"full_attention\"" : "\"sliding_attention\"");
    types += "]";
    auto kv =
        kv_bytes_from_config(R"({"num_hidden_layers":36,"num_attention_heads":64,"num_key_value_heads":8,
      "head_dim":64,"hidden_size":2880,"sliding_window":128,"torch_dtype":"bfloat16","layer_types":)" +
                             types + "}");
    CHECK(kv.attention == "gqa+sliding");
    CHECK(kv.per_token == 36864);
    CHECK(kv.fixed_per_request == 4.5 * 1024 * 1024);
    CHECK((kv.per_token * 4096 + kv.fixed_per_request) / (1024.0 * 1024) == 148.5);
  }
  SECTION("Qwen3.5-35B-A3B: 10 full + 30 GDN layers in text_config, fp32 and bf16 recurrent state") {
    std::string types = "[";
    for (int i = 0; i < 40; ++i)
      types += std::string(i ? "," : "") + (i % 4 == 3 ? "\"full_attention\"" : "\"linear_attention\"");
    types += "]";
    std::string cfg = R"({"architectures":["Qwen3_5MoeForConditionalGeneration"],"text_config":{
      "num_hidden_layers":40,"num_attention_heads":16,"num_key_value_heads":2,"head_dim":256,"hidden_size":2048,
      "linear_num_key_heads":16,"linear_num_value_heads":32,"linear_key_head_dim":128,"linear_value_head_dim":128,
      "linear_conv_kernel_dim":4,"dtype":"bfloat16","layer_types":)" +
                      types + "}}";
    auto kv = kv_bytes_from_config(cfg);
    CHECK(kv.attention == "gqa+linear");
    CHECK(kv.full_layers == 10);
    CHECK(kv.linear_layers == 30);
    CHECK(kv.per_token == 20480);
    // 30 x (3 x (2x16x128 + 32x128) x 2 B + 32x128x128 x 4 B) = 64,389,120 B = 61.4 MiB
    CHECK(kv.fixed_per_request == 64389120);
    CHECK(kv.fixed_per_request / (1024.0 * 1024) == Approx(61.4).margin(0.05));
    CHECK((kv.per_token * 4096 + kv.fixed_per_request) / (1024.0 * 1024) == Approx(141.4).margin(0.05));
    KvBytesOptions bf16;
    bf16.state_dtype_bytes = 2;
    CHECK(kv_bytes_from_config(cfg, bf16).fixed_per_request / (1024.0 * 1024) == Approx(31.4).margin(0.05));
  }
  SECTION("Qwen3-Next-80B-A3B: full_attention_interval 4 over 48 layers") {
    auto kv =
        kv_bytes_from_config(R"({"num_hidden_layers":48,"num_attention_heads":16,"num_key_value_heads":2,
      "head_dim":256,"hidden_size":2048,"full_attention_interval":4,"linear_num_key_heads":16,
      "linear_num_value_heads":32,"linear_key_head_dim":128,"linear_value_head_dim":128,"linear_conv_kernel_dim":4,
      "torch_dtype":"bfloat16"})");
    CHECK(kv.full_layers == 12);
    CHECK(kv.per_token == 24576);
    CHECK(kv.fixed_per_request / (1024.0 * 1024) == Approx(73.7).margin(0.05));
    CHECK((kv.per_token * 4096 + kv.fixed_per_request) / (1024.0 * 1024) == Approx(169.7).margin(0.05));
  }
}

TEST_CASE("KV bytes: bad configs name the file and the key", "[disagg][kv_bytes]") {
  CHECK_THROWS_WITH(kv_bytes_from_config(R"({"num_attention_heads":8})", {}, "m/config.json"),
                    "m/config.json: key 'num_hidden_layers' missing");
  CHECK_THROWS_WITH(kv_bytes_from_config(R"({"num_hidden_layers":"x"})", {}, "c.json"),
                    "c.json: key 'num_hidden_layers': expected a number");
  CHECK_THROWS_WITH(kv_bytes_from_config("{\"num_hidden_layers\": 2,", {}, "c.json"),
                    Catch::StartsWith("c.json: byte 25: invalid JSON"));
  CHECK_THROWS_WITH(kv_bytes_from_config(R"({"num_hidden_layers":3,"num_attention_heads":8,"head_dim":64,
      "layer_types":["full_attention"]})",
                                         {}, "c.json"),
                    "c.json: key 'layer_types': 1 entries for 3 layers");
}
