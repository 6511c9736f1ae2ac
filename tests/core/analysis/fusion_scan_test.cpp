// detect_framework: which serving engine a trace comes from, by hand and on real fixtures.
#include "core/analysis/fusion_scan.h"

#include <catch2/catch.hpp>

#include "tests/core/import/import_test_util.h"
#include "tests/support/fixture_run.h"
#include "tests/support/run_maker.h"

using namespace hp;

TEST_CASE("detect_framework: Python frames outvote operator names", "[analysis][fusion_scan]") {
  using K = SliceKind;
  Run run = test::make_run({{.start = 0,
                             .dur = 10,
                             .name = "vllm/worker/gpu_model_runner.py(10): execute_model",
                             .kind = K::PythonFunction},
                            {.start = 1,
                             .dur = 2,
                             .name = "vllm/model_executor/layers/linear.py(5): forward",
                             .kind = K::PythonFunction},
                            {.start = 20,
                             .dur = 5,
                             .name = "sglang/srt/managers/scheduler.py(1): event_loop",
                             .kind = K::PythonFunction},
                            {.start = 30, .dur = 5, .name = "sgl_kernel::rmsnorm", .kind = K::CpuOp},
                            {.start = 40, .dur = 5, .name = "sgl_kernel::silu", .kind = K::CpuOp}});
  CHECK(detect_framework(run) == "vllm");  // 2 vLLM frames vs 1 SGLang frame; CPU ops only break ties
}

TEST_CASE("detect_framework: without Python frames, operators and step markers decide",
          "[analysis][fusion_scan]") {
  using K = SliceKind;
  Run sgl =
      test::make_run({{.start = 0, .dur = 10, .name = "step[DECODE bs=8 toks=8]", .kind = K::UserAnnotation},
                      {.start = 20, .dur = 5, .name = "vllm::unified_attention", .kind = K::CpuOp},
                      {.start = 30, .dur = 5, .name = "vllm::rms_norm", .kind = K::CpuOp}});
  CHECK(detect_framework(sgl) == "sglang");  // the step marker weighs 1000
  Run trt = test::make_run({{.start = 0, .dur = 1, .name = "trtllm::moe", .kind = K::CpuOp},
                            {.start = 5, .dur = 1, .name = "trtllm::moe", .kind = K::CpuOp}});
  CHECK(detect_framework(trt) == "trtllm");
  Run none = test::make_run({{.start = 0, .dur = 1, .name = "aten::mm", .kind = K::CpuOp}});
  CHECK(detect_framework(none).empty());
}

TEST_CASE("detect_framework: real fixtures", "[analysis][fusion_scan][fixtures]") {
  auto vllm =
      test::load_fixture(test::kineto_fixture("tracelens_vllm_prefilldecode_piecewise_mi300x_exec.json.gz"));
  CHECK(detect_framework(*vllm) == "vllm");
  auto sgl = test::load_fixture(test::kineto_fixture("tracelens_sglang_qwen3-8b_decode_mi300x.json.gz"));
  CHECK(detect_framework(*sgl) == "sglang");
  auto train = test::load_fixture(test::kineto_fixture("hta_alexnet_a100_critical_path.json.gz"));
  CHECK(detect_framework(*train).empty());
}

TEST_CASE("detect_framework and detect_model say nothing without the engine's markers",
          "[analysis][fusion_scan]") {
  // The shape of an xDiT diffusion trace: its own package, diffusers modules, an "execute_" annotation.
  auto run = test::import_text(
      R"({"traceEvents":[)"
      R"({"ph":"X","cat":"python_function","name":"xfuser/model_executor/pipelines/pipeline_flux.py(120): __call__","pid":1,"tid":1,"ts":0,"dur":100,"args":{"Python id":1}},)"
      R"({"ph":"X","cat":"python_function","name":"diffusers/models/resnet.py(300): forward","pid":1,"tid":1,"ts":10,"dur":10,"args":{"Python id":2,"Python parent id":1}},)"
      R"({"ph":"X","cat":"python_function","name":"diffusers/models/resnet.py(300): forward","pid":1,"tid":1,"ts":30,"dur":10,"args":{"Python id":3,"Python parent id":1}},)"
      R"({"ph":"X","cat":"user_annotation","name":"execute_denoise_step","pid":1,"tid":2,"ts":0,"dur":50}]})");
  CHECK(detect_framework(*run).empty());
  CHECK(detect_model(*run).empty());
  // vLLM's model directory does name the model.
  auto vllm = test::import_text(
      R"({"traceEvents":[)"
      R"({"ph":"X","cat":"python_function","name":"vllm/model_executor/models/llama.py(300): forward","pid":1,"tid":1,"ts":0,"dur":10,"args":{"Python id":1}}]})");
  CHECK(detect_framework(*vllm) == "vllm");
  CHECK(detect_model(*vllm) == "llama llama");
}
