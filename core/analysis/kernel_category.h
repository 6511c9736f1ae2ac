#pragma once
// Kernel categories from kernel names: ordered regex rules kept as data (assets/kernel_categories.json),
// first match wins, user rules tried before the built-ins, and an annotation override.
//
// Annotation override: analyses pass the name of an enclosing NVTX range or record_function /
// user_annotation (core/analysis/annotation_category.h finds it). It overrides the rules when,
// in this order, it
//   1. contains "hotpath:cat=<category>" or "hotpath:category=<category>" anywhere
//      ("layer3 hotpath:cat=attention"; the category ends at a space, tab, ',', ';', ')' or ']');
//   2. is exactly a category name, case-insensitive ("attention", "MoE");
//   3. matches an annotation rule: "annotation_rules" in the same files, ordered regexes over
//      annotation names (the built-in ones send c10d's "nccl:all_reduce"-style ranges to comm).
// In 1 and 2 the category must be one the rules know (built-in or user, kernel or annotation
// rules); anything else is ignored, so ordinary annotations ("ProfilerStep#3",
// "execute_context_1(8)_generation_0(0)") and typos never override.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace hp {

struct CategoryRule {
  std::string category;
  std::string regex;   // RE2 syntax, matched case-insensitively anywhere in the name
  std::string note;    // what it catches and why it sits where it does
  std::string source;  // where the naming fact comes from
  std::string origin;  // file the rule was loaded from
};

struct CategoryMatch {
  std::string_view category;  // "other" when nothing matched
  int rule = -1;              // index into rules(), -1 for "other" or an annotation override
  bool from_annotation = false;
};

class KernelCategorizer {
 public:
  static constexpr std::string_view kOther = "other";

  // Loads rules from a rules file ({"rules":[{category, regex, note, source}, ...],
  // "annotation_rules":[...same fields...]}; either array may be absent, not both).
  // Throws AssetError naming the file, the byte offset of the offending rule and the problem
  // (bad JSON, missing field, bad regex).
  static KernelCategorizer load(const std::filesystem::path& rules_file);
  // Loads <assets_dir>/kernel_categories.json.
  static KernelCategorizer load_builtin(const std::filesystem::path& assets_dir);
  static KernelCategorizer from_json_text(std::string_view text, const std::string& origin);

  // User rules (same schema) go before every rule already loaded, kernel rules before kernel rules
  // and annotation rules before annotation rules; their order is kept.
  void prepend_user_rules(const std::filesystem::path& rules_file);
  void prepend_rules(const KernelCategorizer& user);

  CategoryMatch match(std::string_view kernel_name,
                      std::optional<std::string_view> annotation = std::nullopt) const;
  std::string_view categorize(std::string_view kernel_name,
                              std::optional<std::string_view> annotation = std::nullopt) const {
    return match(kernel_name, annotation).category;
  }
  // The category an annotation name forces, if any (see the header comment).
  std::optional<std::string_view> category_from_annotation(std::string_view annotation) const;

  const std::vector<CategoryRule>& rules() const { return rules_; }
  const std::vector<CategoryRule>& annotation_rules() const { return annotation_rules_; }
  // Every category a rule can produce, in first-appearance order, then "other".
  const std::vector<std::string>& categories() const { return categories_; }

 private:
  void rebuild_categories();

  std::vector<CategoryRule> rules_;
  std::vector<std::shared_ptr<const re2::RE2>> compiled_;
  std::vector<CategoryRule> annotation_rules_;
  std::vector<std::shared_ptr<const re2::RE2>> compiled_annotation_;
  std::vector<std::string> categories_;
};

}  // namespace hp
