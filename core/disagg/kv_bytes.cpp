#include "core/disagg/kv_bytes.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace hp::disagg {

namespace {

using nlohmann::json;

double dtype_bytes(const std::string& d) {
  if (d == "float32" || d == "fp32") return 4;
  if (d == "float8" || d == "fp8" || d.starts_with("float8_")) return 1;
  return 2;  // bfloat16, float16 and unknown
}

struct Cfg {
  const json& j;
  const std::string& name;
  bool has(const char* k) const { return j.contains(k) && !j[k].is_null(); }
  double num(const char* k) const {
    if (!has(k)) throw std::runtime_error(name + ": key '" + k + "' missing");
    if (!j[k].is_number()) throw std::runtime_error(name + ": key '" + k + "': expected a number");
    return j[k].get<double>();
  }
  double num_or(const char* k, double dflt) const { return has(k) ? num(k) : dflt; }
};

}  // namespace

KvBytes kv_bytes_from_config(std::string_view text, const KvBytesOptions& opt, const std::string& name) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(name + ": byte " + std::to_string(e.byte) + ": invalid JSON (" + e.what() + ")");
  }
  if (!root.is_object()) throw std::runtime_error(name + ": byte 0: expected a JSON object");
  const json& j =
      root.contains("text_config") && root["text_config"].is_object() ? root["text_config"] : root;
  Cfg c{j, name};
  std::string dtype = "bfloat16";
  for (const char* k : {"torch_dtype", "dtype"})
    if (c.has(k) && j[k].is_string()) dtype = j[k].get<std::string>();
  if (dtype == "bfloat16" && root.contains("torch_dtype") && root["torch_dtype"].is_string())
    dtype = root["torch_dtype"].get<std::string>();
  const double model_b = dtype_bytes(dtype);
  const double b = opt.kv_dtype_bytes > 0 ? opt.kv_dtype_bytes : model_b;
  KvBytes out;
  out.layers = static_cast<int>(c.num("num_hidden_layers"));
  if (out.layers <= 0) throw std::runtime_error(name + ": key 'num_hidden_layers': must be > 0");
  std::ostringstream d;
  if (c.has("kv_lora_rank")) {  // MLA: one compressed latent + the rope key per token and layer
    const double rank = c.num("kv_lora_rank"), rope = c.num_or("qk_rope_head_dim", 0);
    out.attention = "mla";
    out.full_layers = out.layers;
    out.per_token = out.layers * (rank + rope) * b;
    d << "MLA: " << out.layers << " layers x (kv_lora_rank " << rank << " + rope " << rope << ") x " << b
      << " B";
    out.detail = d.str();
    return out;
  }
  const double heads = c.num("num_attention_heads");
  const double kv_heads = c.num_or("num_key_value_heads", heads);
  const double head_dim = c.has("head_dim") ? c.num("head_dim") : c.num("hidden_size") / heads;
  const double per_layer_token = 2 * kv_heads * head_dim * b;
  // Layer kinds: layer_types when given, else full_attention_interval (hybrids), else a model-wide window.
  int full = 0, sliding = 0, linear = 0;
  if (c.has("layer_types") && j["layer_types"].is_array()) {
    for (const json& t : j["layer_types"]) {
      std::string s = t.is_string() ? t.get<std::string>() : "";
      if (s.find("sliding") != std::string::npos)
        ++sliding;
      else if (s.find("linear") != std::string::npos || s.find("mamba") != std::string::npos)
        ++linear;
      else
        ++full;
    }
    if (full + sliding + linear != out.layers)
      throw std::runtime_error(name + ": key 'layer_types': " + std::to_string(full + sliding + linear) +
                               " entries for " + std::to_string(out.layers) + " layers");
  } else if (c.has("full_attention_interval")) {
    const int every = static_cast<int>(c.num("full_attention_interval"));
    if (every <= 0) throw std::runtime_error(name + ": key 'full_attention_interval': must be > 0");
    full = out.layers / every;
    linear = out.layers - full;
  } else {
    const bool use_swa = !j.contains("use_sliding_window") ||
                         (j["use_sliding_window"].is_boolean() && j["use_sliding_window"].get<bool>());
    if (c.has("sliding_window") && use_swa)
      sliding = out.layers;
    else
      full = out.layers;
  }
  out.full_layers = full;
  out.sliding_layers = sliding;
  out.linear_layers = linear;
  out.per_token = full * per_layer_token;
  d << full << " full layers x 2 x kv_heads " << kv_heads << " x head_dim " << head_dim << " x " << b << " B";
  out.attention = "gqa";
  if (sliding) {
    const double window = c.num("sliding_window");
    out.fixed_per_request += sliding * window * per_layer_token;
    out.attention = "gqa+sliding";
    d << "; " << sliding << " sliding layers x window " << window << " tokens";
  }
  if (linear) {
    const double nk = c.num("linear_num_key_heads"), nv = c.num("linear_num_value_heads");
    const double dk = c.num("linear_key_head_dim"), dv = c.num("linear_value_head_dim");
    const double kernel = c.num_or("linear_conv_kernel_dim", 4);
    const double conv_b = opt.conv_dtype_bytes > 0 ? opt.conv_dtype_bytes : model_b;
    const double conv = (kernel - 1) * (2 * nk * dk + nv * dv) * conv_b;
    const double rec = nv * dk * dv * opt.state_dtype_bytes;
    out.fixed_per_request += linear * (conv + rec);
    out.attention = "gqa+linear";
    d << "; " << linear << " linear layers x (conv " << conv << " + recurrent " << rec << " B) state";
  }
  out.detail = d.str();
  return out;
}

KvBytes kv_bytes_from_file(const std::string& path, const KvBytesOptions& opt) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  std::ostringstream os;
  os << in.rdbuf();
  return kv_bytes_from_config(os.str(), opt, path);
}

}  // namespace hp::disagg
