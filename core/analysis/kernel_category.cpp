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
  if (!doc.contains("rules") && !doc.contains("annotation_rules"))
    throw AssetError(origin, 0, "$.rules: missing or not an array (and no $.annotation_rules either)");
  KernelCategorizer c;
  auto read = [&](const char* key, std::vector<CategoryRule>& out,
                  std::vector<std::shared_ptr<const re2::RE2>>& compiled) {
    if (!doc.contains(key)) return;
    const auto& rules = required_array(doc, key, origin, "$");
    for (size_t i = 0; i < rules.size(); ++i) {
      std::string where = fmt::format("{}[{}]", key, i);
      uint64_t at = array_element_offset(text, key, i);
      try {
        if (!rules[i].is_object()) throw AssetError(origin, 0, where + ": not an object");
        CategoryRule r;
        r.category = required_string(rules[i], "category", origin, where);
        r.regex = required_string(rules[i], "regex", origin, where);
        r.note = optional_string(rules[i], "note", origin, where);
        r.source = optional_string(rules[i], "source", origin, where);
        r.origin = origin;
        if (iequals(r.category, kOther))
          throw AssetError(origin, 0, where + ": \"other\" is implicit, not a rule");
        compiled.push_back(compile(r.regex, origin, where));
        out.push_back(std::move(r));
      } catch (const AssetError& e) {
        // Re-thrown at the byte where the offending rule starts.
        std::string what = e.what();
        std::string prefix = fmt::format("{}: byte 0: ", origin);
        throw AssetError(origin, at, what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what);
      }
    }
  };
  read("rules", c.rules_, c.compiled_);
  read("annotation_rules", c.annotation_rules_, c.compiled_annotation_);
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
  annotation_rules_.insert(annotation_rules_.begin(), user.annotation_rules_.begin(),
                           user.annotation_rules_.end());
  compiled_annotation_.insert(compiled_annotation_.begin(), user.compiled_annotation_.begin(),
                              user.compiled_annotation_.end());
  rebuild_categories();
}

void KernelCategorizer::rebuild_categories() {
  categories_.clear();
  for (const auto* list : {&rules_, &annotation_rules_})
    for (const auto& r : *list)
      if (std::find(categories_.begin(), categories_.end(), r.category) == categories_.end())
        categories_.push_back(r.category);
  categories_.emplace_back(kOther);
}

std::optional<std::string_view> KernelCategorizer::category_from_annotation(
    std::string_view annotation) const {
  auto known = [&](std::string_view wanted) -> std::optional<std::string_view> {
    for (const auto& c : categories_)
      if (iequals(c, wanted)) return std::string_view(c);
    return std::nullopt;
  };
  for (std::string_view tag : {std::string_view("hotpath:cat="), std::string_view("hotpath:category=")}) {
    auto pos = annotation.find(tag);
    if (pos == std::string_view::npos) continue;
    std::string_view wanted = annotation.substr(pos + tag.size());
    auto end = wanted.find_first_of(" \t,;)]");
    if (end != std::string_view::npos) wanted = wanted.substr(0, end);
    return known(wanted);  // an explicit tag with an unknown category overrides nothing
  }
  if (auto exact = known(annotation)) return exact;
  re2::StringPiece text(annotation.data(), annotation.size());
  for (size_t i = 0; i < compiled_annotation_.size(); ++i)
    if (re2::RE2::PartialMatch(text, *compiled_annotation_[i])) return known(annotation_rules_[i].category);
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
