#include <catch2/catch.hpp>

#include <string_view>
#include <vector>

#include "core/analysis/python_site.h"

// Parent chains (root first) of python_function events in the fixture
// kineto_traces/tracelens_vllm_b200_tp8_eager_rank0.json.gz, walked with "Python parent id" in python3.
namespace {
const std::vector<std::string_view> kQkvProj{
    "torch/utils/_contextlib.py(117): decorate_context",
    "vllm/v1/worker/gpu_model_runner.py(2907): execute_model",
    "vllm/v1/worker/gpu_model_runner.py(2726): _model_forward",
    "nn.Module: GptOssForCausalLM_0",
    "torch/nn/modules/module.py(1779): _call_impl",
    "vllm/model_executor/models/gpt_oss.py(715): forward",
    "vllm/compilation/decorators.py(367): __call__",
    "vllm/model_executor/models/gpt_oss.py(276): forward",
    "nn.Module: TransformerBlock_0",
    "torch/nn/modules/module.py(1779): _call_impl",
    "vllm/model_executor/models/gpt_oss.py(221): forward",
    "nn.Module: OAIAttention_0",
    "torch/nn/modules/module.py(1779): _call_impl",
    "vllm/model_executor/models/gpt_oss.py(130): forward",
    "nn.Module: QKVParallelLinear_0",
    "torch/nn/modules/module.py(1779): _call_impl",
    "vllm/model_executor/layers/linear.py(557): forward",
    "vllm/model_executor/layers/linear.py(234): apply",
};
const std::vector<std::string_view> kEmbeddingAllReduce{
    "torch/utils/_contextlib.py(117): decorate_context",
    "vllm/v1/worker/gpu_model_runner.py(2907): execute_model",
    "vllm/v1/worker/gpu_model_runner.py(2726): _model_forward",
    "nn.Module: GptOssForCausalLM_0",
    "torch/nn/modules/module.py(1779): _call_impl",
    "vllm/model_executor/models/gpt_oss.py(715): forward",
    "vllm/compilation/decorators.py(367): __call__",
    "vllm/model_executor/models/gpt_oss.py(276): forward",
    "vllm/model_executor/models/gpt_oss.py(273): embed_input_ids",
    "nn.Module: VocabParallelEmbedding_0",
    "torch/nn/modules/module.py(1779): _call_impl",
    "vllm/model_executor/custom_op.py(46): forward",
    "vllm/model_executor/layers/vocab_parallel_embedding.py(483): forward_cuda",
    "vllm/model_executor/layers/vocab_parallel_embedding.py(461): forward_native",
    "vllm/distributed/communication_op.py(12): tensor_model_parallel_all_reduce",
    "vllm/distributed/parallel_state.py(480): all_reduce",
    "torch/_ops.py(1244): __call__",
    "<built-in method all_reduce of "
    "pybind11_builtins.pybind11_detail_function_record_v1_system_libstdcpp_gxx_abi_"
    "1xxx_use_cxx11_abi_1 object at 0x7fdc74225570>",
    "vllm/distributed/parallel_state.py(117): all_reduce",
    "vllm/distributed/parallel_state.py(504): _all_reduce_out_place",
    "vllm/distributed/device_communicators/cuda_communicator.py(126): all_reduce",
};
const std::vector<std::string_view> kBlockTableCopy{
    "torch/utils/_contextlib.py(117): decorate_context",
    "vllm/v1/worker/gpu_model_runner.py(2907): execute_model",
    "vllm/v1/worker/gpu_model_runner.py(1297): _prepare_inputs",
    "vllm/v1/worker/block_table.py(329): commit_block_table",
    "vllm/v1/worker/block_table.py(192): commit_block_table",
    "vllm/v1/utils.py(131): copy_to_gpu",
    "<built-in method copy_ of Tensor object at 0x7fdc681f0eb0>",
};
}  // namespace

TEST_CASE("python site: frame scores", "[analysis][python_site]") {
  CHECK(hp::python_frame_score("vllm/model_executor/layers/linear.py(234): apply") == 295);
  CHECK(hp::python_frame_score("vllm/v1/worker/gpu_model_runner.py(2907): execute_model") == 285);
  CHECK(hp::python_frame_score("vllm/distributed/parallel_state.py(480): all_reduce") == 255);
  CHECK(hp::python_frame_score("vllm/v1/utils.py(131): copy_to_gpu") == 255);
  CHECK(hp::python_frame_score("python/sglang/srt/layers/layernorm.py(80): forward_cuda") == 310);
  CHECK(hp::python_frame_score(
            "/usr/lib/python3/dist-packages/sglang/srt/managers/scheduler.py(1): run_batch") == 290);
  CHECK(hp::python_frame_score("tensorrt_llm/_torch/modules/rms_norm.py(60): forward") == 290);
  CHECK(hp::python_frame_score("/home/me/bench/model.py(12): forward") == 100);
  CHECK(hp::python_frame_score("nn.Module: QKVParallelLinear_0") == 50);
  CHECK(hp::python_frame_score("torch/nn/modules/linear.py(130): forward") == 40);
  // Wrappers and noise.
  CHECK(hp::python_frame_score("torch/nn/modules/module.py(1779): _call_impl") == -80);
  CHECK(hp::python_frame_score("torch/nn/modules/module.py(1951): __getattr__") == -80);
  CHECK(hp::python_frame_score("torch/_ops.py(1244): __call__") == -80);
  CHECK(hp::python_frame_score("vllm/compilation/decorators.py(367): __call__") == 205);
  CHECK(hp::python_frame_score("vllm/compilation/cuda_graph.py(233): __call__") == 205);
  CHECK(hp::python_frame_score("vllm/model_executor/custom_op.py(46): forward") == 215);
  CHECK(hp::python_frame_score("contextlib.py(141): __exit__") == -20);
  CHECK(hp::python_frame_score("logging/__init__.py(1517): debug") == -20);
  CHECK(hp::python_frame_score("<built-in function isinstance>") == -20);
  CHECK(hp::python_frame_score("<frozen importlib._bootstrap>(1390): _handle_fromlist") == -20);
  CHECK(hp::python_frame_score("") == 0);
}

TEST_CASE("python site: choice on real vLLM stacks", "[analysis][python_site]") {
  auto s = hp::choose_source_site(kQkvProj);
  REQUIRE(s.frame >= 0);
  CHECK(kQkvProj[s.frame] == "vllm/model_executor/layers/linear.py(234): apply");
  CHECK(hp::site_stack(kQkvProj) ==
        "vllm/model_executor/models/gpt_oss.py(130): forward -> nn.Module: QKVParallelLinear_0 -> "
        "vllm/model_executor/layers/linear.py(557): forward -> vllm/model_executor/layers/linear.py(234): "
        "apply");
  // The layer that issues the all-reduce, not the communicator plumbing below it.
  s = hp::choose_source_site(kEmbeddingAllReduce);
  REQUIRE(s.frame >= 0);
  CHECK(kEmbeddingAllReduce[s.frame] ==
        "vllm/model_executor/layers/vocab_parallel_embedding.py(461): forward_native");
  s = hp::choose_source_site(kBlockTableCopy);
  REQUIRE(s.frame >= 0);
  CHECK(kBlockTableCopy[s.frame] == "vllm/v1/worker/block_table.py(192): commit_block_table");
}

TEST_CASE("python site: CUDA-graph replay and empty stacks", "[analysis][python_site]") {
  // Graph replay: only the runner's wrapper frames -> the runner itself, never the wrapper __call__.
  std::vector<std::string_view> graph{"torch/utils/_contextlib.py(117): decorate_context",
                                      "vllm/v1/worker/gpu_model_runner.py(2726): _model_forward",
                                      "vllm/compilation/cuda_graph.py(233): __call__"};
  auto s = hp::choose_source_site(graph);
  CHECK(s.frame == 1);
  std::vector<std::string_view> noise{"<built-in method copy_ of Tensor object at 0x7fdc681f0eb0>",
                                      "torch/nn/modules/module.py(1779): _call_impl"};
  CHECK(hp::choose_source_site(noise).frame == -1);
  CHECK(hp::choose_source_site({}).frame == -1);
  CHECK(hp::site_stack(noise).empty());
}
