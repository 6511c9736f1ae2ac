#include "core/experts/trtllm_stats.h"

#include <fmt/format.h>

#include <charconv>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "core/model/load_status.h"

namespace hp::experts {

uint32_t read_trtllm_meta(std::string_view text, const std::string& file) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw ImportError(file, 0, "meta_info.json is not a JSON object");
  auto it = j.find("num_experts");
  if (it == j.end()) return 0;
  if (!it->is_number_unsigned() || it->get<uint64_t>() > (1 << 16))
    throw ImportError(file, 0, "num_experts is not a positive integer up to 65536");
  return it->get<uint32_t>();
}

ExpertLoad read_trtllm_safetensors(std::string_view b, const std::string& file, uint32_t experts) {
  if (b.size() < 8) throw ImportError(file, 0, "safetensors file is truncated: no header length");
  uint64_t n = 0;
  std::memcpy(&n, b.data(), 8);
  if (n > b.size() - 8)
    throw ImportError(
        file, 0, fmt::format("safetensors header of {} bytes runs past the end ({} bytes)", n, b.size()));
  nlohmann::json h = nlohmann::json::parse(b.substr(8, n), nullptr, false);
  if (h.is_discarded() || !h.is_object())
    throw ImportError(file, 8, "safetensors header is not a JSON object");
  const uint64_t data = 8 + n;
  // "<iter>_<layer>" -> counts
  std::map<int64_t, std::map<int64_t, std::vector<int64_t>>> by_iter;
  size_t width = 0;
  for (const auto& [key, t] : h.items()) {
    if (key == "__metadata__") continue;
    int64_t iter = -1, layer = -1;
    const char* p = key.data();
    const char* end = key.data() + key.size();
    auto r1 = std::from_chars(p, end, iter);
    auto r2 = r1.ec == std::errc() && r1.ptr < end && *r1.ptr == '_'
                  ? std::from_chars(r1.ptr + 1, end, layer)
                  : std::from_chars_result{end, std::errc::invalid_argument};
    if (r2.ec != std::errc() || r2.ptr != end || iter < 0 || layer < 0 || layer >= (1 << 12))
      throw ImportError(file, 8, fmt::format("tensor name '{}' is not '<iteration>_<layer>'", key));
    if (!t.is_object() || t.value("dtype", "") != "I64" || !t.contains("shape") ||
        !t.contains("data_offsets"))
      throw ImportError(file, 8,
                        fmt::format("tensor '{}' is not an I64 tensor with shape and data_offsets", key));
    const auto& shape = t["shape"];
    const auto& off = t["data_offsets"];
    if (!shape.is_array() || shape.size() != 1 || !shape[0].is_number_unsigned() || !off.is_array() ||
        off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      throw ImportError(file, 8, fmt::format("tensor '{}' should be 1-D with two data offsets", key));
    const uint64_t len = shape[0].get<uint64_t>(), a = off[0].get<uint64_t>(), z = off[1].get<uint64_t>();
    if (len > (1 << 16) || z < a || z - a != len * 8)
      throw ImportError(file, 8, fmt::format("tensor '{}': {} elements but {} bytes", key, len, z - a));
    if (z > b.size() - data)
      throw ImportError(file, data + a, fmt::format("tensor '{}' runs past the end of the file", key));
    std::vector<int64_t> v(len);
    if (len) std::memcpy(v.data(), b.data() + data + a, len * 8);
    width = std::max<size_t>(width, len);
    by_iter[iter][layer] = std::move(v);
  }
  if (by_iter.empty()) throw ImportError(file, 8, "safetensors file holds no '<iteration>_<layer>' tensors");
  ExpertLoad out;
  out.source = std::filesystem::path(file).filename().string();
  out.format = "trtllm-safetensors";
  out.experts = std::max<uint32_t>(experts, static_cast<uint32_t>(width));
  std::map<int64_t, size_t> row;
  for (const auto& [iter, layers] : by_iter)
    for (const auto& [layer, v] : layers) row.emplace(layer, 0);
  for (auto& [layer, r] : row) r = out.layer_ids.size(), out.layer_ids.push_back(layer);
  if (out.layers() * out.experts > kMaxCells || out.layers() * out.experts * by_iter.size() > kMaxPassCells)
    throw ImportError(file, 8,
                      fmt::format("{} iterations x {} layers x {} experts is too large", by_iter.size(),
                                  out.layers(), out.experts));
  out.counts.assign(out.layers() * out.experts, 0);
  for (const auto& [iter, layers] : by_iter) {
    std::vector<int64_t> pass(out.counts.size(), 0);
    for (const auto& [layer, v] : layers)
      for (size_t e = 0; e < v.size(); ++e) pass[row[layer] * out.experts + e] = v[e];
    for (size_t i = 0; i < pass.size(); ++i)
      if (!add_count(out.counts[i], pass[i]))
        throw ImportError(file, 8, fmt::format("iteration {}: a count is negative or above 2^46", iter));
    out.pass_ids.push_back(iter);
    out.pass_counts.push_back(std::move(pass));
  }
  return out;
}

}  // namespace hp::experts
