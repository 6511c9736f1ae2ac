#pragma once
// Engine step markers: parses the names of per-step annotations (torch record_function /
// user_annotation / gpu_user_annotation, NVTX ranges) and trace paths into a stage and batch shape.
//
// Recognised names (serving.md §2.1, §2.2, Facts C):
//   vLLM     execute_context_{ctx_reqs}({ctx_tokens}[_{x}])_generation_{gen_reqs}({gen_tokens}[_{x}])
//            execute_{total_tokens}_context_{n}(sq{}sk{}sqsq{}sqsk{})_generation_{m}(sq{}sk{}sqsq{}sqsk{})
//            execute_new_{new_reqs}_cached_{cached_reqs}        (0.11 era)
//            capture_{batch}_{FULL|PIECEWISE}                    (CUDA-graph capture, not a step)
//   SGLang   step[{MODE} bs={n}[ toks={m}]]                      (EXTEND, DECODE, MIXED, IDLE, TARGET_VERIFY,
//   ...) NVTX     prefill_batch | decode_batch | mixed_batch (vllm PR #37095), forward_extend |
//   forward_decode torch    ProfilerStep#{n}                                    (a step, stage unknown)
// Stage rule: context > 0 and generation == 0 -> prefill; context == 0 and generation > 0 -> decode;
// both > 0 -> mixed (chunked prefill); neither -> idle.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hp {

// Extend is SGLang's prefill (new tokens over a possibly cached prefix); analyses may merge it with Prefill.
enum class Stage : uint8_t { Unknown, Prefill, Extend, Decode, Mixed, Idle };
const char* to_string(Stage s);

enum class MarkerKind : uint8_t {
  VllmContextGeneration,  // execute_context_..._generation_...
  VllmDetailed,           // execute_N_context_..(sq..)_generation_..(sq..)
  VllmNewCached,          // execute_new_N_cached_M
  VllmGraphCapture,       // capture_N_MODE
  SglangStep,             // step[MODE bs=N toks=M]
  NvtxStage,              // prefill_batch / decode_batch / mixed_batch / forward_extend / forward_decode
  ProfilerStep,           // ProfilerStep#N
};
const char* to_string(MarkerKind k);

struct StepMarker {
  MarkerKind kind = MarkerKind::ProfilerStep;
  Stage stage = Stage::Unknown;
  std::optional<int64_t> batch_size;            // requests in the step
  std::optional<int64_t> tokens;                // tokens scheduled in the step
  std::optional<int64_t> context_reqs;          // vLLM: requests in context (prefill) phase
  std::optional<int64_t> context_tokens;        //       their query tokens
  std::optional<int64_t> generation_reqs;       //       requests in generation (decode) phase
  std::optional<int64_t> generation_tokens;     //       their query tokens
  std::optional<int64_t> context_kv_tokens;     // detailed form: sum of key lengths (sk) of context requests
  std::optional<int64_t> generation_kv_tokens;  // detailed form: sum of key lengths of generation requests
  std::optional<int64_t> step_index;            // ProfilerStep#N
  std::string mode;                             // SGLang forward mode / capture mode, as written
};

// Parses one annotation or NVTX range name; nullopt when it is not a step marker.
std::optional<StepMarker> parse_step_marker(std::string_view name);

// Stage from a trace path: a directory named prefill/extend/decode, or such a word delimited by
// - _ . / in one of the last six path components ("…-TP-0-decode.trace.json.gz"). Unknown when
// absent or when both a prefill-like and a decode word occur.
Stage stage_from_path(std::string_view path);

// The stage rule on request counts (see the header comment).
Stage stage_from_counts(int64_t context_reqs, int64_t generation_reqs);

}  // namespace hp
