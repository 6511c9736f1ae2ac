#pragma once
// KV-cache bytes that move from a prefill to a decode instance, from a Hugging Face config.json
// (reference disaggregation.md §3): GQA/MHA, MLA (one latent per token), sliding-window layers (a fixed
// window per request), hybrid linear attention (a fixed recurrent + conv state per request per linear
// layer) and fp8 KV. Multimodal configs keep the text model under "text_config".
#include <string>
#include <string_view>

namespace hp::disagg {

struct KvBytesOptions {
  double kv_dtype_bytes = 0;     // 0: the model's dtype (--kv-cache-dtype auto); 1 for fp8
  double state_dtype_bytes = 4;  // linear-attention recurrent state (fp32 in vLLM/SGLang by default)
  double conv_dtype_bytes = 0;   // linear-attention conv state; 0: the model's dtype
};

struct KvBytes {
  std::string attention;         // "gqa", "mla", "gqa+sliding", "gqa+linear"
  double per_token = 0;          // bytes per prompt token, whole model
  double fixed_per_request = 0;  // sliding windows (full window assumed) + linear-attention state
  int layers = 0, full_layers = 0, sliding_layers = 0, linear_layers = 0;
  std::string detail;  // one line: the formula's inputs
};

// Throws std::runtime_error naming `name` and the missing or invalid key.
KvBytes kv_bytes_from_config(std::string_view config_json, const KvBytesOptions& opt = {},
                             const std::string& name = "config.json");
KvBytes kv_bytes_from_file(const std::string& path, const KvBytesOptions& opt = {});

}  // namespace hp::disagg
