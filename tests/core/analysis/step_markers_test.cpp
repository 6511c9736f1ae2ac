#include <catch2/catch.hpp>

#include "core/analysis/step_markers.h"

using hp::MarkerKind;
using hp::parse_step_marker;
using hp::Stage;

// Annotation names below are copied verbatim from the user_annotation / gpu_user_annotation events of
// the fixtures named next to them (extracted with python3 gzip+json).

TEST_CASE("step markers: vLLM detailed annotations from real traces", "[analysis][step_markers]") {
  // tracelens_vllm_decode_fullgraph_mi300x_exec.json.gz
  auto m =
      parse_step_marker("execute_32_context_0(sq0sk0sqsq0sqsk0)_generation_32(sq32sk55086sqsq32sqsk55086)");
  REQUIRE(m);
  CHECK(m->kind == MarkerKind::VllmDetailed);
  CHECK(m->stage == Stage::Decode);
  CHECK(m->batch_size == 32);
  CHECK(m->tokens == 32);
  CHECK(m->context_reqs == 0);
  CHECK(m->context_tokens == 0);
  CHECK(m->generation_reqs == 32);
  CHECK(m->generation_tokens == 32);
  CHECK(m->generation_kv_tokens == 55086);
  CHECK(m->context_kv_tokens == 0);

  // tracelens_vllm_prefilldecode_piecewise_mi300x_exec.json.gz: chunked prefill + decode in one step.
  m = parse_step_marker(
      "execute_8192_context_9(sq8155sk8430sqsq7475785sqsk7671310)_generation_37(sq37sk34489sqsq37sqsk34489)");
  REQUIRE(m);
  CHECK(m->stage == Stage::Mixed);
  CHECK(m->batch_size == 46);
  CHECK(m->context_tokens == 8155);
  CHECK(m->context_kv_tokens == 8430);
  CHECK(m->generation_tokens == 37);
  CHECK(m->generation_kv_tokens == 34489);
  CHECK(m->tokens == 8192);  // the leading number: 8155 + 37
  CHECK(*m->context_tokens + *m->generation_tokens == *m->tokens);

  // tracelens_sglang_qwen3-8b_decode_mi300x.json.gz carries the same vLLM-style name.
  m = parse_step_marker("execute_32_context_0(sq0sk0sqsq0sqsk0)_generation_32(sq32sk32785sqsq32sqsk32785)");
  REQUIRE(m);
  CHECK(m->stage == Stage::Decode);
  CHECK(m->generation_kv_tokens == 32785);
}

TEST_CASE("step markers: vLLM context/generation annotations", "[analysis][step_markers]") {
  // tracelens_vllm_b200_tp8_eager_rank0.json.gz: tokens followed by an extra _field.
  auto m = parse_step_marker("execute_context_1(888_788544)_generation_0(0)");
  REQUIRE(m);
  CHECK(m->kind == MarkerKind::VllmContextGeneration);
  CHECK(m->stage == Stage::Prefill);
  CHECK(m->batch_size == 1);
  CHECK(m->context_tokens == 888);
  CHECK(m->generation_tokens == 0);
  CHECK(m->tokens == 888);
  // Documented forms (serving.md §2.1, Facts C).
  m = parse_step_marker("execute_context_0(0)_generation_64(64)");
  REQUIRE(m);
  CHECK(m->stage == Stage::Decode);
  CHECK(m->batch_size == 64);
  m = parse_step_marker("execute_context_2(1024)_generation_30(30)");
  REQUIRE(m);
  CHECK(m->stage == Stage::Mixed);
  CHECK(m->tokens == 1054);
  m = parse_step_marker("execute_context_0(0)_generation_0(0)");
  REQUIRE(m);
  CHECK(m->stage == Stage::Idle);
  // A detail we cannot read keeps counts but leaves tokens unknown.
  m = parse_step_marker("execute_context_1(abc)_generation_0(0)");
  REQUIRE(m);
  CHECK(m->stage == Stage::Prefill);
  CHECK(!m->context_tokens);
  CHECK(!m->tokens);
}

TEST_CASE("step markers: vLLM 0.11 new/cached and graph capture", "[analysis][step_markers]") {
  auto m = parse_step_marker("execute_new_4_cached_0");
  REQUIRE(m);
  CHECK(m->kind == MarkerKind::VllmNewCached);
  CHECK(m->stage == Stage::Prefill);
  CHECK(m->batch_size == 4);
  CHECK(parse_step_marker("execute_new_0_cached_12")->stage == Stage::Decode);
  CHECK(parse_step_marker("execute_new_1_cached_12")->stage == Stage::Mixed);
  // tracelens_vllm_decode_fullgraph_mi300x_capture.pt.trace.json.gz
  m = parse_step_marker("capture_32_FULL");
  REQUIRE(m);
  CHECK(m->kind == MarkerKind::VllmGraphCapture);
  CHECK(m->stage == Stage::Unknown);
  CHECK(m->batch_size == 32);
  CHECK(m->mode == "FULL");
}

TEST_CASE("step markers: SGLang step annotations", "[analysis][step_markers]") {
  // tracelens_sglang_qwen3-8b_decode_mi300x.json.gz
  auto m = parse_step_marker("step[DECODE bs=32]");
  REQUIRE(m);
  CHECK(m->kind == MarkerKind::SglangStep);
  CHECK(m->stage == Stage::Decode);
  CHECK(m->batch_size == 32);
  CHECK(!m->tokens);
  CHECK(m->mode == "DECODE");
  // Documented forms (serving.md §2.2).
  m = parse_step_marker("step[EXTEND bs=3 toks=4096]");
  REQUIRE(m);
  CHECK(m->stage == Stage::Extend);
  CHECK(m->tokens == 4096);
  CHECK(parse_step_marker("step[MIXED bs=8]")->stage == Stage::Mixed);
  CHECK(parse_step_marker("step[IDLE bs=0]")->stage == Stage::Idle);
  CHECK(parse_step_marker("step[TARGET_VERIFY bs=16]")->stage == Stage::Decode);
  m = parse_step_marker("step[SOMETHING_NEW bs=2]");
  REQUIRE(m);
  CHECK(m->stage == Stage::Unknown);
  CHECK(m->mode == "SOMETHING_NEW");
}

TEST_CASE("step markers: NVTX stage ranges, profiler steps and non-markers", "[analysis][step_markers]") {
  CHECK(parse_step_marker("prefill_batch")->stage == Stage::Prefill);
  CHECK(parse_step_marker("decode_batch")->stage == Stage::Decode);
  CHECK(parse_step_marker("mixed_batch")->stage == Stage::Mixed);
  CHECK(parse_step_marker("ModelRunner.forward_extend")->stage == Stage::Extend);
  CHECK(parse_step_marker("forward_decode")->stage == Stage::Decode);
  auto m = parse_step_marker("ProfilerStep#550");  // hta_a100_ws16_rank0_cudagraph.json.gz
  REQUIRE(m);
  CHECK(m->kind == MarkerKind::ProfilerStep);
  CHECK(m->step_index == 550);
  CHECK(m->stage == Stage::Unknown);
  // Other real annotation / NVTX names are not step markers.
  for (const char* n : {"## Call CompiledFxGraph fud64jsrxcxliekg7lptyw24yz5k3oa65b73wjfbhz6j2fg6ouu7 ##",
                        "nccl:_all_gather_base", "gpu_model_runner: forward", "scheduler.run_batch",
                        "ncclGroupStart", "cub::DeviceSegmentedRadixSort", "## forward ##",
                        "decode_attention", "execute_context_1(8)", "step[DECODE bs=]", ""})
    CHECK(!parse_step_marker(n));
}

TEST_CASE("step markers: stage from trace paths", "[analysis][step_markers]") {
  CHECK(hp::stage_from_path("/runs/qwen/prefill/dp0_pp0_tp0_rank0.123.pt.trace.json.gz") == Stage::Prefill);
  CHECK(hp::stage_from_path("/runs/qwen/decode/dp0_pp0_tp0_rank0.123.pt.trace.json.gz") == Stage::Decode);
  CHECK(hp::stage_from_path("/tmp/1712345.67-TP-0-decode.trace.json.gz") == Stage::Decode);
  CHECK(hp::stage_from_path("/tmp/1712345.67-TP-0-EXTEND.trace.json.gz") == Stage::Extend);
  CHECK(hp::stage_from_path("out/extend/x.trace.json.gz") == Stage::Extend);
  // Real fixture file names.
  CHECK(hp::stage_from_path("kineto_traces/tracelens_vllm_decode_fullgraph_mi300x_exec.json.gz") ==
        Stage::Decode);
  CHECK(hp::stage_from_path("kineto_traces/tracelens_sglang_qwen3-8b_decode_mi300x.json.gz") ==
        Stage::Decode);
  CHECK(hp::stage_from_path("nsys/llmperfopt_dsocr_per-stage_prefill_cuda_gpu_kern_sum.csv") ==
        Stage::Prefill);
  CHECK(hp::stage_from_path("nsys/llmperfopt_dsocr_all-stage_cuda_gpu_kern_sum.csv") == Stage::Unknown);
  // "prefilldecode" is one word: neither; both words: ambiguous.
  CHECK(hp::stage_from_path("kineto_traces/tracelens_vllm_prefilldecode_piecewise_mi300x_exec.json.gz") ==
        Stage::Unknown);
  CHECK(hp::stage_from_path("prefill/decode/x.json") == Stage::Unknown);
  // Only the last six components count.
  CHECK(hp::stage_from_path("/decode/a/b/c/d/e/f/x.json") == Stage::Unknown);
  CHECK(hp::stage_from_path("") == Stage::Unknown);
}
