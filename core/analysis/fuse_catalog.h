#pragma once
// Fuse-pattern catalog (assets/fuse_patterns.json) and its matcher over the kernel sequence of one
// GPU stream: a pattern is Confirmed when its fused kernel is present, a Candidate when its unfused
// kernel sequence appears (consecutive, up to max_gap other kernels between steps).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace hp {

// One kernel in an unfused sequence: a category, a regex, or both (both must hold).
struct FuseStep {
  std::string category;
  std::string regex;
};

struct FusePattern {
  std::string id;
  std::string title;
  std::string framework;  // "sglang", "vllm", "trtllm", "tokenspeed", or "" for any
  std::string origin;     // "mainline", "upstream" or "inflight"
  std::vector<FuseStep> unfused;
  uint32_t max_gap = 0;
  std::string fused;  // regex of the fused kernel
  std::string candidate;
  std::string rationale;
  std::vector<std::string> references;  // "owner/repo:path" or "owner/repo#PR"
  std::vector<std::string> models;      // model-name substrings the pattern is specific to
  int min_tp = 0;
  std::vector<std::string> subsumes;  // ids whose Candidate this pattern makes redundant
};

enum class FuseStatus : uint8_t { Confirmed, Candidate };
const char* to_string(FuseStatus s);

struct FuseDetection {
  std::string_view id;
  FuseStatus status = FuseStatus::Candidate;
  uint32_t occurrences = 0;        // fused kernels seen (Confirmed) or unfused sequences seen (Candidate)
  std::vector<uint32_t> evidence;  // indices into the input names, at most kMaxEvidence
};

// What is known about the run. Empty / 0 means unknown.
//  - framework: patterns of another framework are skipped.
//  - model: model-specific patterns are skipped unless one of their substrings occurs in it; when the
//    model is unknown they may still be Confirmed (the fused kernel is proof) but not Candidates.
//  - tp_size: patterns with min_tp > tp_size are skipped.
struct FuseContext {
  std::string framework;
  std::string model;
  int tp_size = 0;
};

class FuseCatalog {
 public:
  static constexpr size_t kMaxEvidence = 64;

  // Throws AssetError naming the file and the offending entry (bad JSON, missing field, regex that
  // does not compile, malformed reference, duplicate id, subsumes naming an unknown id).
  static FuseCatalog load(const std::filesystem::path& file);
  static FuseCatalog load_builtin(const std::filesystem::path& assets_dir);  // <dir>/fuse_patterns.json
  static FuseCatalog from_json_text(std::string_view text, const std::string& origin);

  const std::vector<FusePattern>& patterns() const { return patterns_; }
  // Step categories that are not in `known` (to check the catalog against the category rules).
  std::vector<std::string> unknown_categories(const std::vector<std::string>& known) const;

  // names: kernels of one stream in time order (within a step or window); categories: the same
  // length with each kernel's category, or empty (then category steps never match).
  std::vector<FuseDetection> detect(std::span<const std::string_view> names,
                                    std::span<const std::string_view> categories,
                                    const FuseContext& ctx = {}) const;

 private:
  struct Compiled {
    std::shared_ptr<const re2::RE2> fused;
    std::vector<std::shared_ptr<const re2::RE2>> steps;  // null when the step has no regex
  };
  std::vector<FusePattern> patterns_;
  std::vector<Compiled> compiled_;
};

}  // namespace hp
