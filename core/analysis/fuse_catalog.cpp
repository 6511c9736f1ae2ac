#include "core/analysis/fuse_catalog.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <re2/re2.h>

#include "core/analysis/asset_json.h"

namespace hp {
namespace {

std::shared_ptr<const re2::RE2> compile(const std::string& pattern, const std::string& origin,
                                        const std::string& where) {
  re2::RE2::Options opts;
  opts.set_case_sensitive(false);
  opts.set_log_errors(false);
  auto re = std::make_shared<const re2::RE2>(pattern, opts);
  if (!re->ok()) throw AssetError(origin, 0, fmt::format("{}: {} in \"{}\"", where, re->error(), pattern));
  return re;
}

std::vector<std::string> string_list(const nlohmann::json& obj, const char* key, const std::string& origin,
                                     const std::string& where) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end()) return out;
  if (!it->is_array()) throw AssetError(origin, 0, fmt::format("{}.{}: not an array", where, key));
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string())
      throw AssetError(origin, 0, fmt::format("{}.{}[{}]: not a string", where, key, i));
    out.push_back((*it)[i].get<std::string>());
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Lazily evaluated regex hits per distinct kernel name.
class HitCache {
 public:
  explicit HitCache(size_t distinct) : distinct_(distinct) {}
  bool hit(const re2::RE2& re, uint32_t d, std::string_view name) {
    auto& row = rows_[&re];
    if (row.empty()) row.assign(distinct_, -1);
    if (row[d] < 0) row[d] = re2::RE2::PartialMatch(re2::StringPiece(name.data(), name.size()), re) ? 1 : 0;
    return row[d] == 1;
  }

 private:
  size_t distinct_;
  std::unordered_map<const re2::RE2*, std::vector<int8_t>> rows_;
};

}  // namespace

const char* to_string(FuseStatus s) {
  return s == FuseStatus::Confirmed ? "Confirmed" : "Candidate";
}

FuseCatalog FuseCatalog::from_json_text(std::string_view text, const std::string& origin) {
  static const re2::RE2 reference(R"(^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(:\S+|#\d+)$)");
  nlohmann::json doc = parse_asset_json(text, origin);
  if (!doc.is_object()) throw AssetError(origin, 0, "top level is not an object");
  const auto& list = required_array(doc, "patterns", origin, "$");
  FuseCatalog cat;
  std::unordered_set<std::string> ids;
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& e = list[i];
    std::string where = fmt::format("patterns[{}]", i);
    if (!e.is_object()) throw AssetError(origin, 0, where + ": not an object");
    FusePattern p;
    p.id = required_string(e, "id", origin, where);
    where += " (" + p.id + ")";
    if (!ids.insert(p.id).second) throw AssetError(origin, 0, where + ": duplicate id");
    p.title = required_string(e, "title", origin, where);
    p.fused = required_string(e, "fused", origin, where);
    p.candidate = required_string(e, "candidate", origin, where);
    p.rationale = required_string(e, "rationale", origin, where);
    p.framework = optional_string(e, "framework", origin, where);
    p.origin = optional_string(e, "origin", origin, where);
    p.references = string_list(e, "references", origin, where);
    p.models = string_list(e, "models", origin, where);
    p.subsumes = string_list(e, "subsumes", origin, where);
    if (p.references.empty())
      throw AssetError(origin, 0, where + ".references: at least one reference is required");
    for (const auto& r : p.references)
      if (!re2::RE2::FullMatch(r, reference))
        throw AssetError(
            origin, 0,
            fmt::format("{}.references: \"{}\" is not owner/repo:path or owner/repo#PR", where, r));
    if (auto g = e.find("max_gap"); g != e.end()) {
      if (!g->is_number_unsigned() || g->get<uint64_t>() > 16)
        throw AssetError(origin, 0, where + ".max_gap: not an integer in 0..16");
      p.max_gap = g->get<uint32_t>();
    }
    if (auto t = e.find("min_tp"); t != e.end()) {
      if (!t->is_number_unsigned())
        throw AssetError(origin, 0, where + ".min_tp: not a non-negative integer");
      p.min_tp = t->get<int>();
    }
    Compiled c;
    c.fused = compile(p.fused, origin, where + ".fused");
    if (auto u = e.find("unfused"); u != e.end()) {
      if (!u->is_array()) throw AssetError(origin, 0, where + ".unfused: not an array");
      for (size_t k = 0; k < u->size(); ++k) {
        std::string sw = fmt::format("{}.unfused[{}]", where, k);
        if (!(*u)[k].is_object()) throw AssetError(origin, 0, sw + ": not an object");
        FuseStep s{optional_string((*u)[k], "category", origin, sw),
                   optional_string((*u)[k], "regex", origin, sw)};
        if (s.category.empty() && s.regex.empty())
          throw AssetError(origin, 0, sw + ": needs a category or a regex");
        c.steps.push_back(s.regex.empty() ? nullptr : compile(s.regex, origin, sw + ".regex"));
        p.unfused.push_back(std::move(s));
      }
    }
    cat.patterns_.push_back(std::move(p));
    cat.compiled_.push_back(std::move(c));
  }
  for (const auto& p : cat.patterns_)
    for (const auto& s : p.subsumes)
      if (!ids.count(s)) throw AssetError(origin, 0, fmt::format("{}: subsumes unknown id \"{}\"", p.id, s));
  return cat;
}

FuseCatalog FuseCatalog::load(const std::filesystem::path& file) {
  return from_json_text(read_asset_text(file), file.string());
}

FuseCatalog FuseCatalog::load_builtin(const std::filesystem::path& assets_dir) {
  return load(assets_dir / "fuse_patterns.json");
}

std::vector<std::string> FuseCatalog::unknown_categories(const std::vector<std::string>& known) const {
  std::vector<std::string> out;
  for (const auto& p : patterns_)
    for (const auto& s : p.unfused)
      if (!s.category.empty() && std::find(known.begin(), known.end(), s.category) == known.end() &&
          std::find(out.begin(), out.end(), s.category) == out.end())
        out.push_back(s.category);
  return out;
}

std::vector<FuseDetection> FuseCatalog::detect(std::span<const std::string_view> names,
                                               std::span<const std::string_view> categories,
                                               const FuseContext& ctx) const {
  const size_t n = names.size();
  std::unordered_map<std::string_view, uint32_t> distinct;
  std::vector<uint32_t> did(n);
  for (size_t i = 0; i < n; ++i)
    did[i] = distinct.emplace(names[i], static_cast<uint32_t>(distinct.size())).first->second;
  HitCache cache(distinct.size());
  const bool have_categories = categories.size() == n;
  const std::string model = lower(ctx.model);

  std::vector<FuseDetection> out;
  for (size_t pi = 0; pi < patterns_.size(); ++pi) {
    const FusePattern& p = patterns_[pi];
    const Compiled& c = compiled_[pi];
    if (!ctx.framework.empty() && !p.framework.empty() && p.framework != ctx.framework) continue;
    if (ctx.tp_size > 0 && p.min_tp > ctx.tp_size) continue;
    bool model_known_match = p.models.empty();
    if (!p.models.empty() && !model.empty()) {
      for (const auto& m : p.models)
        model_known_match = model_known_match || model.find(lower(m)) != std::string::npos;
      if (!model_known_match) continue;
    }

    FuseDetection d{p.id, FuseStatus::Confirmed, 0, {}};
    for (size_t i = 0; i < n; ++i) {
      if (!cache.hit(*c.fused, did[i], names[i])) continue;
      ++d.occurrences;
      if (d.evidence.size() < kMaxEvidence) d.evidence.push_back(static_cast<uint32_t>(i));
    }
    if (d.occurrences == 0 && !p.unfused.empty() && model_known_match) {
      d.status = FuseStatus::Candidate;
      auto step_hit = [&](size_t k, size_t i) {
        const FuseStep& s = p.unfused[k];
        if (!s.category.empty() && !(have_categories && categories[i] == s.category)) return false;
        return !c.steps[k] || cache.hit(*c.steps[k], did[i], names[i]);
      };
      std::vector<uint32_t> seq;
      for (size_t i = 0; i < n;) {
        if (!step_hit(0, i)) {
          ++i;
          continue;
        }
        seq.assign(1, static_cast<uint32_t>(i));
        size_t pos = i;
        for (size_t k = 1; k < p.unfused.size(); ++k) {
          size_t last = std::min(n - 1, pos + 1 + p.max_gap), j = pos + 1;
          while (j <= last && !step_hit(k, j)) ++j;
          if (j > last) break;
          seq.push_back(static_cast<uint32_t>(j));
          pos = j;
        }
        // Skip when a later start reaches the same next kernel: it gives the tighter occurrence.
        bool later_start = false;
        for (size_t j = i + 1; seq.size() > 1 && j < seq[1] && !later_start; ++j)
          later_start = step_hit(0, j);
        if (seq.size() != p.unfused.size() || later_start) {
          ++i;
          continue;
        }
        ++d.occurrences;
        for (auto x : seq)
          if (d.evidence.size() < kMaxEvidence) d.evidence.push_back(x);
        i = pos + 1;
      }
    }
    if (d.occurrences > 0) out.push_back(std::move(d));
  }

  // A detected pattern makes the Candidates it subsumes redundant.
  std::unordered_set<std::string_view> drop;
  for (const auto& d : out)
    for (const auto& p : patterns_)
      if (p.id == d.id)
        for (const auto& s : p.subsumes) drop.insert(s);
  std::erase_if(
      out, [&](const FuseDetection& d) { return d.status == FuseStatus::Candidate && drop.count(d.id); });
  return out;
}

}  // namespace hp
