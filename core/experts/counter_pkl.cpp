#include "core/experts/counter_pkl.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <regex>

#include "core/experts/pair_pkl.h"
#include "core/experts/pickle_reader.h"
#include "core/model/load_status.h"

namespace hp::experts {
namespace {

// "..._L0-7-15.pkl" -> {0, 7, 15}; empty when the name has no such part.
std::vector<int64_t> layers_from_name(const std::string& file) {
  static const std::regex kLayers("_L([0-9]+(?:-[0-9]+)*)(?:[._]|$)");
  const std::string name = std::filesystem::path(file).filename().string();
  std::smatch m;
  if (!std::regex_search(name, m, kLayers)) return {};
  std::vector<int64_t> out;
  std::string s = m[1].str();
  for (size_t p = 0; p <= s.size();) {
    size_t q = s.find('-', p);
    if (q == std::string::npos) q = s.size();
    out.push_back(std::stoll(s.substr(p, q - p)));
    p = q + 1;
  }
  return out;
}

}  // namespace

ExpertLoad read_counter_pkl(std::string_view bytes, const std::string& file, uint32_t experts) {
  PRef root = read_pickle(bytes, file);
  if (root->kind != PKind::List)
    throw ImportError(
        file, root->offset,
        fmt::format("expected a list of per-layer Counters, found a {}", to_string(root->kind)));
  constexpr int64_t kMaxExperts = 1 << 16;
  // A list of Counters keyed by (expert, expert) tuples is a co-routing file.
  for (const PRef& layer : root->items)
    if (layer->kind == PKind::Dict && !layer->items.empty())
      if (layer->items[0]->kind == PKind::Tuple) return read_pair_counters(*root, file);
  ExpertLoad out;
  out.source = std::filesystem::path(file).filename().string();
  out.format = "counter-pkl";
  int64_t max_id = -1;
  for (const PRef& layer : root->items) {
    if (layer->kind != PKind::Dict)
      throw ImportError(
          file, layer->offset,
          fmt::format("layer {} is a {}, not a Counter", out.layer_ids.size(), to_string(layer->kind)));
    for (size_t i = 0; i + 1 < layer->items.size(); i += 2) {
      const PValue& k = *layer->items[i];
      const PValue& v = *layer->items[i + 1];
      if (k.kind == PKind::Tuple)
        throw ImportError(file, k.offset, "keys are expert tuples (a co-selection file), not expert ids");
      if (k.kind != PKind::Int || k.num < 0 || k.num >= kMaxExperts)
        throw ImportError(file, k.offset, fmt::format("expert id is not an int in 0..{}", kMaxExperts - 1));
      if (v.kind != PKind::Int || v.num < 0)
        throw ImportError(file, v.offset, fmt::format("count of expert {} is not a non-negative int", k.num));
      max_id = std::max(max_id, k.num);
    }
    out.layer_ids.push_back(static_cast<int64_t>(out.layer_ids.size()));
  }
  out.experts = std::max<uint32_t>(experts, static_cast<uint32_t>(max_id + 1));
  if (out.layers() * out.experts > kMaxCells)
    throw ImportError(
        file, root->offset,
        fmt::format("{} layers x {} experts is more than {} cells", out.layers(), out.experts, kMaxCells));
  out.counts.assign(out.layers() * out.experts, 0);
  for (size_t l = 0; l < root->items.size(); ++l) {
    const PValue& layer = *root->items[l];
    for (size_t i = 0; i + 1 < layer.items.size(); i += 2)
      if (!add_count(out.counts[l * out.experts + static_cast<size_t>(layer.items[i]->num)],
                     layer.items[i + 1]->num))
        throw ImportError(file, layer.items[i + 1]->offset, "count is above 2^46 (or the layer's sum is)");
  }
  std::vector<int64_t> named = layers_from_name(file);
  if (named.size() == out.layers()) out.layer_ids = named;
  return out;
}

}  // namespace hp::experts
