#pragma once
// Source-site choice: which frame of a Python stack (torch profiler python_function names such as
// "vllm/model_executor/layers/linear.py(234): apply") to show as the code that launched a kernel.
//
// Scores (highest wins; ties go to the innermost frame, the most specific one):
//   engine code   python/sglang/ 300, sglang/ 290, vllm/ 285, tensorrt_llm/ 280, sgl_kernel/ 260,
//                 flashinfer/ 240, triton_kernels/ 220; +10 inside model_executor/, srt/layers/, srt/models/,
//                 _torch/models|modules/; -30 for engine plumbing (distributed/, utils.py helpers)
//   user code     any other .py frame 100 (absolute /data/, /home/, /Users/ paths included)
//   nn.Module     "nn.Module: Name_0" 50
//   libraries     torch/, site-packages/, dist-packages/, transformers/, triton/ 40
//   wrappers      0 for torch/nn/modules/module.py, torch/_ops.py, torch/utils/_contextlib.py
//   noise         -20 for <built-in ...>, <frozen ...>, threading, asyncio, contextlib, functools, runpy,
//                 queue, logging, socket, tqdm
//   penalty       -80 on top for __call__, _call_impl, _wrapped_call_impl, __torch_function__, __getattr__,
//                 decorate_context, custom_op.py, model_executor/parameter.py, compilation/cuda_graph.py,
//                 cuda_graph_runner.py, py_executor.py, compilation/decorators.py, torch/fx/graph_module.py
// A frame must score above 0 to be chosen.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hp {

int python_frame_score(std::string_view frame);

struct SourceSite {
  int frame = -1;  // index into the input, -1 when no frame scores above 0
  int score = 0;
};
// frames: outermost first (root .. leaf), as a python_function parent chain reads.
SourceSite choose_source_site(std::span<const std::string_view> frames);

// The last `count` frames with a positive score, outermost first, joined by " -> ".
std::string site_stack(std::span<const std::string_view> frames, size_t count = 4);

}  // namespace hp
