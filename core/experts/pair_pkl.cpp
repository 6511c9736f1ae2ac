#include "core/experts/pair_pkl.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <regex>

#include "core/model/load_status.h"

namespace hp::experts {
namespace {

constexpr int64_t kMaxExperts = 1 << 12;

// "..._L0xL7_L7xL15.pkl" -> {(0, 7), (7, 15)}.
std::vector<std::pair<int64_t, int64_t>> layer_pairs_from_name(const std::string& file) {
  static const std::regex kPair("L([0-9]{1,6})xL([0-9]{1,6})");
  const std::string name = std::filesystem::path(file).filename().string();
  std::vector<std::pair<int64_t, int64_t>> out;
  for (auto it = std::sregex_iterator(name.begin(), name.end(), kPair); it != std::sregex_iterator(); ++it)
    out.emplace_back(std::stoll((*it)[1].str()), std::stoll((*it)[2].str()));
  return out;
}

}  // namespace

ExpertLoad read_pair_counters(const PValue& root, const std::string& file) {
  if (root.kind != PKind::List)
    throw ImportError(file, root.offset,
                      fmt::format("expected a list of pair Counters, found a {}", to_string(root.kind)));
  ExpertLoad out;
  out.source = std::filesystem::path(file).filename().string();
  out.format = "pair-pkl";
  for (size_t m = 0; m < root.items.size(); ++m) {
    const PValue& c = *root.items[m];
    if (c.kind != PKind::Dict)
      throw ImportError(file, c.offset,
                        fmt::format("matrix {} is a {}, not a Counter", m, to_string(c.kind)));
    CoRouting r;
    r.layer_a = static_cast<int64_t>(m);
    r.layer_b = static_cast<int64_t>(m) + 1;
    int64_t hi_a = -1, hi_b = -1;
    for (size_t i = 0; i + 1 < c.items.size(); i += 2) {
      const PValue& k = *c.items[i];
      const PValue& v = *c.items[i + 1];
      if (k.kind != PKind::Tuple || k.items.size() != 2 || k.items[0]->kind != PKind::Int ||
          k.items[1]->kind != PKind::Int)
        throw ImportError(file, k.offset, fmt::format("matrix {}: a key is not an (expert, expert) pair", m));
      const int64_t a = k.items[0]->num, b = k.items[1]->num;
      if (a < 0 || b < 0 || a >= kMaxExperts || b >= kMaxExperts)
        throw ImportError(file, k.offset,
                          fmt::format("matrix {}: pair ({}, {}) is outside 0..{}", m, a, b, kMaxExperts - 1));
      if (v.kind != PKind::Int || v.num < 0 || v.num > kMaxCount)
        throw ImportError(file, v.offset,
                          fmt::format("matrix {}: count of ({}, {}) is not an int in 0..2^46", m, a, b));
      hi_a = std::max(hi_a, a), hi_b = std::max(hi_b, b);
    }
    r.experts_a = static_cast<uint32_t>(hi_a + 1);
    r.experts_b = static_cast<uint32_t>(hi_b + 1);
    r.counts.assign(static_cast<size_t>(r.experts_a) * r.experts_b, 0);
    for (size_t i = 0; i + 1 < c.items.size(); i += 2) {
      const PValue& k = *c.items[i];
      const auto cell = static_cast<size_t>(k.items[0]->num * r.experts_b + k.items[1]->num);
      if (!add_count(r.counts[cell], c.items[i + 1]->num) || !add_count(r.total, c.items[i + 1]->num))
        throw ImportError(file, c.items[i + 1]->offset, fmt::format("matrix {}: counts sum above 2^46", m));
    }
    out.pairs.push_back(std::move(r));
  }
  const auto named = layer_pairs_from_name(file);
  if (named.size() == out.pairs.size())
    for (size_t m = 0; m < named.size(); ++m) std::tie(out.pairs[m].layer_a, out.pairs[m].layer_b) = named[m];
  return out;
}

std::vector<PairCount> top_pairs(const CoRouting& m, size_t n) {
  std::vector<int64_t> row(m.experts_a, 0), col(m.experts_b, 0);
  for (uint32_t a = 0; a < m.experts_a; ++a)
    for (uint32_t b = 0; b < m.experts_b; ++b) {
      row[a] += m.counts[a * m.experts_b + b];
      col[b] += m.counts[a * m.experts_b + b];
    }
  std::vector<PairCount> all;
  for (uint32_t a = 0; a < m.experts_a; ++a)
    for (uint32_t b = 0; b < m.experts_b; ++b) {
      const int64_t c = m.counts[a * m.experts_b + b];
      if (c == 0) continue;
      const double expect =
          static_cast<double>(row[a]) * static_cast<double>(col[b]) / static_cast<double>(m.total);
      all.push_back({a, b, c, static_cast<double>(c) / expect});
    }
  std::stable_sort(all.begin(), all.end(),
                   [](const PairCount& x, const PairCount& y) { return x.count > y.count; });
  if (all.size() > n) all.resize(n);
  return all;
}

int64_t diagonal_sum(const CoRouting& m) {
  int64_t s = 0;
  for (uint32_t e = 0; e < std::min(m.experts_a, m.experts_b); ++e) s += m.counts[e * m.experts_b + e];
  return s;
}

}  // namespace hp::experts
