#include "core/experts/sglang_dump.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "core/experts/torch_archive.h"
#include "core/model/load_status.h"

namespace hp::experts {
namespace {

constexpr int64_t kMaxExperts = 1 << 16, kMaxLayers = 1 << 12;
constexpr const char* kBadCount = "a count is negative or above 2^46 (summed over passes or ranks)";

std::string base_name(const std::string& file) {
  return std::filesystem::path(file).filename().string();
}

const PValue& need(const TorchArchive& a, const PValue& dict, std::string_view key) {
  const PValue* v = dict_get(dict, key);
  if (!v) throw ImportError(a.pickle_name(), dict.offset, fmt::format("dump has no '{}'", key));
  return *v;
}

// stat mode: logical_count [passes, layers, experts], summed over ranks; rows circular, zero-padded.
ExpertLoad stat_mode(const TorchArchive& a, const PValue& t, ExpertLoad out) {
  std::vector<int64_t> v = a.ints(t);
  std::vector<int64_t> shape = t.shape;
  if (shape.size() == 2) shape.insert(shape.begin(), 1);
  if (shape.size() != 3 || shape[1] > kMaxLayers || shape[2] > kMaxExperts)
    throw ImportError(a.pickle_name(), t.offset, "logical_count should be [passes, layers, experts]");
  const auto passes = static_cast<size_t>(shape[0]), layers = static_cast<size_t>(shape[1]);
  out.format = "sglang-pt-stat";
  out.experts = static_cast<uint32_t>(shape[2]);
  for (size_t l = 0; l < layers; ++l) out.layer_ids.push_back(static_cast<int64_t>(l));
  const size_t cell = layers * out.experts;
  out.counts.assign(cell, 0);
  size_t empty = 0;
  for (size_t p = 0; p < passes; ++p) {
    std::vector<int64_t> row(v.begin() + static_cast<std::ptrdiff_t>(p * cell),
                             v.begin() + static_cast<std::ptrdiff_t>((p + 1) * cell));
    if (std::all_of(row.begin(), row.end(), [](int64_t x) { return x == 0; })) {
      ++empty;
      continue;
    }
    for (size_t i = 0; i < cell; ++i)
      if (!add_count(out.counts[i], row[i])) throw ImportError(a.pickle_name(), t.offset, kBadCount);
    out.pass_ids.push_back(static_cast<int64_t>(p));
    out.pass_counts.push_back(std::move(row));
  }
  if (empty)
    out.warnings.push_back(fmt::format("{} of {} buffer rows are empty (not yet filled)", empty, passes));
  return out;
}

// per_pass / per_token: physical counts per record, folded to logical ids by the map.
ExpertLoad per_pass_mode(const TorchArchive& a, const PValue& records, const PValue* map, ExpertLoad out) {
  out.format = "sglang-pt-per-pass";
  size_t layers = 0, slots = 0;
  std::vector<int32_t> fold;  // layers x slots, or empty = identity
  if (map && map->kind == PKind::Tensor) {
    std::vector<int64_t> m = a.ints(*map);
    if (map->shape.size() != 2)
      throw ImportError(a.pickle_name(), map->offset, "physical_to_logical_map should be 2-D");
    layers = static_cast<size_t>(map->shape[0]);
    slots = static_cast<size_t>(map->shape[1]);
    int64_t hi = -1;
    for (int64_t x : m) {
      if (x < 0 || x >= kMaxExperts)
        throw ImportError(a.pickle_name(), map->offset, fmt::format("map names logical expert {}", x));
      hi = std::max(hi, x);
      fold.push_back(static_cast<int32_t>(x));
    }
    out.experts = static_cast<uint32_t>(hi + 1);
    out.placement_source = "dump";
    for (size_t l = 0; l < layers; ++l)
      out.physical_to_logical.emplace_back(fold.begin() + static_cast<std::ptrdiff_t>(l * slots),
                                           fold.begin() + static_cast<std::ptrdiff_t>((l + 1) * slots));
  }
  if (records.kind != PKind::List)
    throw ImportError(a.pickle_name(), records.offset, "'records' is not a list");
  for (const PRef& r : records.items) {
    if (r->kind != PKind::Dict) throw ImportError(a.pickle_name(), r->offset, "a record is not a dict");
    const PValue& t = need(a, *r, "global_physical_count");
    if (t.kind != PKind::Tensor || t.shape.size() != 2)
      throw ImportError(a.pickle_name(), t.offset,
                        "global_physical_count should be a [layers, physical] tensor");
    if (out.counts.empty()) {
      if (fold.empty()) {
        layers = static_cast<size_t>(t.shape[0]);
        slots = static_cast<size_t>(t.shape[1]);
        if (layers > kMaxLayers || slots > kMaxExperts)
          throw ImportError(a.pickle_name(), t.offset, "global_physical_count is too large");
        out.experts = static_cast<uint32_t>(slots);
      }
      if (layers * out.experts > kMaxCells || layers * out.experts * records.items.size() > kMaxPassCells)
        throw ImportError(a.pickle_name(), t.offset,
                          fmt::format("{} records x {} layers x {} experts is too large",
                                      records.items.size(), layers, out.experts));
      for (size_t l = 0; l < layers; ++l) out.layer_ids.push_back(static_cast<int64_t>(l));
      out.counts.assign(layers * out.experts, 0);
    }
    if (static_cast<size_t>(t.shape[0]) != layers || static_cast<size_t>(t.shape[1]) != slots)
      throw ImportError(a.pickle_name(), t.offset,
                        fmt::format("global_physical_count is [{}, {}], expected [{}, {}]", t.shape[0],
                                    t.shape[1], layers, slots));
    std::vector<int64_t> phys = a.ints(t);
    std::vector<int64_t> logical(layers * out.experts, 0);
    for (size_t l = 0; l < layers; ++l)
      for (size_t s = 0; s < slots; ++s)
        if (!add_count(
                logical[l * out.experts + (fold.empty() ? s : static_cast<size_t>(fold[l * slots + s]))],
                phys[l * slots + s]))
          throw ImportError(a.pickle_name(), t.offset, kBadCount);
    for (size_t i = 0; i < logical.size(); ++i)
      if (!add_count(out.counts[i], logical[i])) throw ImportError(a.pickle_name(), t.offset, kBadCount);
    const PValue* id = dict_get(*r, "forward_pass_id");
    out.pass_ids.push_back(id && id->kind == PKind::Int ? id->num
                                                        : static_cast<int64_t>(out.pass_ids.size()));
    out.pass_counts.push_back(std::move(logical));
  }
  if (out.counts.empty()) throw ImportError(a.pickle_name(), records.offset, "dump holds no records");
  return out;
}

}  // namespace

ExpertLoad read_sglang_pt(std::string_view bytes, const std::string& file) {
  TorchArchive a(bytes, file);
  const PValue& root = a.root();
  if (root.kind != PKind::Dict)
    throw ImportError(a.pickle_name(), root.offset,
                      fmt::format("expected a dict, found a {}", to_string(root.kind)));
  ExpertLoad out;
  out.source = base_name(file);
  if (const PValue* lc = dict_get(root, "logical_count")) return stat_mode(a, *lc, std::move(out));
  if (const PValue* rec = dict_get(root, "records"))
    return per_pass_mode(a, *rec, dict_get(root, "last_physical_to_logical_map"), std::move(out));
  throw ImportError(a.pickle_name(), root.offset,
                    "dict has neither 'logical_count' (stat) nor 'records' (per_pass)");
}

ExpertLoad read_sglang_csv(std::string_view text, const std::string& file) {
  struct Row {
    int64_t layer, expert, count;
  };
  std::vector<Row> rows;
  size_t pos = 0;
  bool header = false;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    const size_t at = pos;
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (!header) {
      if (line != "layer_id,expert_id,count")
        throw ImportError(file, at, "expected the header 'layer_id,expert_id,count'");
      header = true;
      continue;
    }
    Row r{};
    int64_t* f[] = {&r.layer, &r.expert, &r.count};
    const char* p = line.data();
    const char* end = line.data() + line.size();
    for (int i = 0; i < 3; ++i) {
      auto [q, ec] = std::from_chars(p, end, *f[i]);
      if (ec != std::errc() || (i < 2 ? q == end || *q != ',' : q != end))
        throw ImportError(file, at + static_cast<uint64_t>(p - line.data()),
                          "expected three integers 'layer_id,expert_id,count'");
      p = q + 1;
    }
    if (r.layer < 0 || r.layer >= kMaxLayers || r.expert < 0 || r.expert >= kMaxExperts || r.count < 0)
      throw ImportError(file, at, "layer, expert or count out of range");
    rows.push_back(r);
  }
  if (!header) throw ImportError(file, 0, "empty file: expected the header 'layer_id,expert_id,count'");
  ExpertLoad out;
  out.source = base_name(file);
  out.format = "sglang-csv";
  int64_t layers = 0, experts = 0;
  for (const Row& r : rows) layers = std::max(layers, r.layer + 1), experts = std::max(experts, r.expert + 1);
  for (int64_t l = 0; l < layers; ++l) out.layer_ids.push_back(l);
  out.experts = static_cast<uint32_t>(experts);
  if (static_cast<size_t>(layers * experts) > kMaxCells)
    throw ImportError(
        file, 0, fmt::format("{} layers x {} experts is more than {} cells", layers, experts, kMaxCells));
  out.counts.assign(static_cast<size_t>(layers * experts), 0);
  for (const Row& r : rows)
    if (!add_count(out.counts[static_cast<size_t>(r.layer * experts + r.expert)], r.count))
      throw ImportError(file, 0, kBadCount);
  return out;
}

}  // namespace hp::experts
