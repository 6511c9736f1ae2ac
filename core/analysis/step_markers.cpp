#include "core/analysis/step_markers.h"

#include <array>
#include <charconv>
#include <vector>

#include <re2/re2.h>

namespace hp {
namespace {

int64_t to_i64(std::string_view s) {
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// "(888)", "(888_788544)" -> 888; "(sq32sk32785sqsq32sqsk32785)" -> sq=32, sk=32785.
struct TokenDetail {
  std::optional<int64_t> tokens, kv_tokens;
};
TokenDetail parse_detail(const std::string& d) {
  static const re2::RE2 plain(R"(^(\d+)(?:_\d+)*$)");
  static const re2::RE2 sq(R"(^sq(\d+)sk(\d+)(?:sqsq\d+sqsk\d+)?$)");
  std::string a, b;
  if (re2::RE2::FullMatch(d, plain, &a)) return {to_i64(a), std::nullopt};
  if (re2::RE2::FullMatch(d, sq, &a, &b)) return {to_i64(a), to_i64(b)};
  return {};
}

Stage sglang_stage(std::string_view mode) {
  if (mode == "EXTEND" || mode == "PREFILL" || mode == "SPLIT_PREFILL") return Stage::Extend;
  // Speculative decoding's verify and draft passes belong to decode steps (sglang#34942).
  if (mode == "DECODE" || mode == "TARGET_VERIFY" || mode == "DRAFT_EXTEND") return Stage::Decode;
  if (mode == "MIXED") return Stage::Mixed;
  if (mode == "IDLE" || mode == "DUMMY_FIRST") return Stage::Idle;
  return Stage::Unknown;
}

void fill_context_generation(StepMarker& m, int64_t ctx, const std::string& ctx_detail, int64_t gen,
                             const std::string& gen_detail) {
  m.context_reqs = ctx;
  m.generation_reqs = gen;
  auto c = parse_detail(ctx_detail), g = parse_detail(gen_detail);
  m.context_tokens = c.tokens;
  m.context_kv_tokens = c.kv_tokens;
  m.generation_tokens = g.tokens;
  m.generation_kv_tokens = g.kv_tokens;
  m.batch_size = ctx + gen;
  if (c.tokens && g.tokens) m.tokens = *c.tokens + *g.tokens;
  m.stage = stage_from_counts(ctx, gen);
}

}  // namespace

const char* to_string(Stage s) {
  switch (s) {
    case Stage::Prefill:
      return "prefill";
    case Stage::Extend:
      return "extend";
    case Stage::Decode:
      return "decode";
    case Stage::Mixed:
      return "mixed";
    case Stage::Idle:
      return "idle";
    case Stage::Unknown:
      break;
  }
  return "unknown";
}

const char* to_string(MarkerKind k) {
  switch (k) {
    case MarkerKind::VllmContextGeneration:
      return "vllm-context-generation";
    case MarkerKind::VllmDetailed:
      return "vllm-detailed";
    case MarkerKind::VllmNewCached:
      return "vllm-new-cached";
    case MarkerKind::VllmGraphCapture:
      return "vllm-graph-capture";
    case MarkerKind::SglangStep:
      return "sglang-step";
    case MarkerKind::NvtxStage:
      return "nvtx-stage";
    case MarkerKind::ProfilerStep:
      return "profiler-step";
  }
  return "?";
}

Stage stage_from_counts(int64_t context_reqs, int64_t generation_reqs) {
  if (context_reqs > 0) return generation_reqs > 0 ? Stage::Mixed : Stage::Prefill;
  return generation_reqs > 0 ? Stage::Decode : Stage::Idle;
}

std::optional<StepMarker> parse_step_marker(std::string_view name) {
  static const re2::RE2 ctx_gen(R"(^execute_context_(\d+)\(([^)]*)\)_generation_(\d+)\(([^)]*)\)$)");
  static const re2::RE2 detailed(R"(^execute_(\d+)_context_(\d+)\(([^)]*)\)_generation_(\d+)\(([^)]*)\)$)");
  static const re2::RE2 new_cached(R"(^execute_new_(\d+)_cached_(\d+)$)");
  static const re2::RE2 capture(R"(^capture_(\d+)_([A-Z_]+)$)");
  static const re2::RE2 sglang(R"(^step\[([A-Z_]+) bs=(\d+)(?: toks=(\d+))?\]$)");
  static const re2::RE2 nvtx(
      R"(^(?:\S+\.)?(prefill|decode|mixed|extend)_batch$|^(?:\S+\.)?forward_(extend|decode|idle)$)");
  static const re2::RE2 profiler_step(R"(^ProfilerStep#(\d+)$)");

  re2::StringPiece text(name.data(), name.size());
  std::string a, b, c, d, e;
  StepMarker m;
  if (re2::RE2::FullMatch(text, ctx_gen, &a, &b, &c, &d)) {
    m.kind = MarkerKind::VllmContextGeneration;
    fill_context_generation(m, to_i64(a), b, to_i64(c), d);
    return m;
  }
  if (re2::RE2::FullMatch(text, detailed, &a, &b, &c, &d, &e)) {
    m.kind = MarkerKind::VllmDetailed;
    fill_context_generation(m, to_i64(b), c, to_i64(d), e);
    m.tokens = to_i64(a);  // the leading number is the step's scheduled token total
    return m;
  }
  if (re2::RE2::FullMatch(text, new_cached, &a, &b)) {
    // New requests are in prefill; cached ones continue (decode, or a later chunk of a chunked prefill).
    m.kind = MarkerKind::VllmNewCached;
    m.context_reqs = to_i64(a);
    m.generation_reqs = to_i64(b);
    m.batch_size = *m.context_reqs + *m.generation_reqs;
    m.stage = stage_from_counts(*m.context_reqs, *m.generation_reqs);
    return m;
  }
  if (re2::RE2::FullMatch(text, capture, &a, &b)) {
    m.kind = MarkerKind::VllmGraphCapture;
    m.batch_size = to_i64(a);
    m.mode = b;
    return m;
  }
  if (re2::RE2::FullMatch(text, sglang, &a, &b, &c)) {
    m.kind = MarkerKind::SglangStep;
    m.mode = a;
    m.stage = sglang_stage(a);
    m.batch_size = to_i64(b);
    if (!c.empty()) m.tokens = to_i64(c);
    return m;
  }
  if (re2::RE2::FullMatch(text, nvtx, &a, &b)) {
    m.kind = MarkerKind::NvtxStage;
    std::string w = a.empty() ? b : a;
    m.mode = w;
    m.stage = w == "prefill"  ? Stage::Prefill
              : w == "extend" ? Stage::Extend
              : w == "decode" ? Stage::Decode
              : w == "mixed"  ? Stage::Mixed
                              : Stage::Idle;
    return m;
  }
  if (re2::RE2::FullMatch(text, profiler_step, &a)) {
    m.kind = MarkerKind::ProfilerStep;
    m.step_index = to_i64(a);
    return m;
  }
  return std::nullopt;
}

Stage stage_from_path(std::string_view path) {
  // Split into components and keep the last six.
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/' || path[i] == '\\') {
      if (i > start) parts.emplace_back(path.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() > 6) parts.erase(parts.begin(), parts.end() - 6);
  static const re2::RE2 prefill_word(R"((?i)(?:^|[-_.])(prefill|extend)(?:[-_.]|$))");
  static const re2::RE2 decode_word(R"((?i)(?:^|[-_.])decode(?:[-_.]|$))");
  bool pre = false, dec = false, ext = false;
  for (auto p : parts) {
    re2::StringPiece t(p.data(), p.size());
    std::string w;
    if (re2::RE2::PartialMatch(t, prefill_word, &w)) {
      pre = true;
      ext = ext || (w[0] | 0x20) == 'e';
    }
    dec = dec || re2::RE2::PartialMatch(t, decode_word);
  }
  if (pre == dec) return Stage::Unknown;
  if (dec) return Stage::Decode;
  return ext ? Stage::Extend : Stage::Prefill;
}

}  // namespace hp
