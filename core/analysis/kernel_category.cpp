#include "core/analysis/kernel_category.h"

#include <algorithm>

#include <fmt/format.h>
#include <re2/re2.h>

#include "core/analysis/asset_json.h"

namespace hp {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::shared_ptr<const re2::RE2> compile(const std::string& pattern, const std::string& origin,
                                        const std::string& where) {
  re2::RE2::Options opts;
  opts.set_case_sensitive(false);
  opts.set_log_errors(false);
  auto re = std::make_shared<const re2::RE2>(pattern, opts);
  if (!re->ok())
    throw AssetError(origin, 0, fmt::format("{}.regex: {} in \"{}\"", where, re->error(), pattern));
  return re;
}

}  // namespace

KernelCategorizer KernelCategorizer::from_json_text(std::string_view text, const std::string& origin) {
  nlohmann::json doc = parse_asset_json(text, origin);
  if (!doc.is_object()) throw AssetError(origin, 0, "top level is not an object");
  const auto& rules = required_array(doc, "rules", origin, "$");
  KernelCategorizer c;
  for (size_t i = 0; i < rules.size(); ++i) {
    std::string where = fmt::format("rules[{}]", i);
    if (!rules[i].is_object()) throw AssetError(origin, 0, where + ": not an object");
    CategoryRule r;
    r.category = required_string(rules[i], "category", origin, where);
    r.regex = required_string(rules[i], "regex", origin, where);
    r.note = optional_string(rules[i], "note", origin, where);
    r.source = optional_string(rules[i], "source", origin, where);
    r.origin = origin;
    if (iequals(r.category, kOther))
      throw AssetError(origin, 0, where + ": \"other\" is implicit, not a rule");
    c.compiled_.push_back(compile(r.regex, origin, where));
    c.rules_.push_back(std::move(r));
  }
  c.rebuild_categories();
  return c;
}

KernelCategorizer KernelCategorizer::load(const std::filesystem::path& rules_file) {
  return from_json_text(read_asset_text(rules_file), rules_file.string());
}

KernelCategorizer KernelCategorizer::load_builtin(const std::filesystem::path& assets_dir) {
  return load(assets_dir / "kernel_categories.json");
}

void KernelCategorizer::prepend_user_rules(const std::filesystem::path& rules_file) {
  prepend_rules(load(rules_file));
}

void KernelCategorizer::prepend_rules(const KernelCategorizer& user) {
  rules_.insert(rules_.begin(), user.rules_.begin(), user.rules_.end());
  compiled_.insert(compiled_.begin(), user.compiled_.begin(), user.compiled_.end());
  rebuild_categories();
}

void KernelCategorizer::rebuild_categories() {
  categories_.clear();
  for (const auto& r : rules_)
    if (std::find(categories_.begin(), categories_.end(), r.category) == categories_.end())
      categories_.push_back(r.category);
  categories_.emplace_back(kOther);
}

std::optional<std::string_view> KernelCategorizer::category_from_annotation(
    std::string_view annotation) const {
  static constexpr std::string_view kTag = "hotpath:cat=";
  std::string_view wanted = annotation;
  if (auto pos = annotation.find(kTag); pos != std::string_view::npos) {
    wanted = annotation.substr(pos + kTag.size());
    auto end = wanted.find_first_of(" \t,;)]");
    if (end != std::string_view::npos) wanted = wanted.substr(0, end);
  }
  for (const auto& c : categories_)
    if (iequals(c, wanted)) return std::string_view(c);
  return std::nullopt;
}

CategoryMatch KernelCategorizer::match(std::string_view kernel_name,
                                       std::optional<std::string_view> annotation) const {
  if (annotation)
    if (auto forced = category_from_annotation(*annotation)) return {*forced, -1, true};
  re2::StringPiece text(kernel_name.data(), kernel_name.size());
  for (size_t i = 0; i < compiled_.size(); ++i)
    if (re2::RE2::PartialMatch(text, *compiled_[i])) return {rules_[i].category, static_cast<int>(i), false};
  return {categories_.back(), -1, false};
}

}  // namespace hp
