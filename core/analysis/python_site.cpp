#include "core/analysis/python_site.h"

#include <array>

namespace hp {
namespace {

bool has(std::string_view s, std::string_view needle) {
  return s.find(needle) != std::string_view::npos;
}
bool starts(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// The path part of "path(line): func" ("" for frames that are not a .py location).
std::string_view frame_path(std::string_view f) {
  auto paren = f.find(".py(");
  return paren == std::string_view::npos ? std::string_view() : f.substr(0, paren + 3);
}
std::string_view frame_func(std::string_view f) {
  auto colon = f.find("): ");
  return colon == std::string_view::npos ? std::string_view() : f.substr(colon + 3);
}

// Engine source roots, matched at the start of the path or after a '/'.
int engine_score(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, int>, 7> kEngines{{{"python/sglang/", 300},
                                                                             {"sglang/", 290},
                                                                             {"vllm/", 285},
                                                                             {"tensorrt_llm/", 280},
                                                                             {"sgl_kernel/", 260},
                                                                             {"flashinfer/", 240},
                                                                             {"triton_kernels/", 220}}};
  for (auto [root, score] : kEngines) {
    auto pos = path.find(root);
    if (pos == 0 || (pos != std::string_view::npos && path[pos - 1] == '/')) return score;
  }
  return 0;
}

}  // namespace

int python_frame_score(std::string_view f) {
  if (starts(f, "<built-in") || starts(f, "<frozen")) return -20;
  if (starts(f, "nn.Module: ")) return 50;
  std::string_view path = frame_path(f), func = frame_func(f);
  if (path.empty()) return 0;

  int score;
  if (int e = engine_score(path)) {
    score = e;
    if (has(path, "model_executor/") || has(path, "srt/layers/") || has(path, "srt/models/") ||
        has(path, "_torch/models/") || has(path, "_torch/modules/"))
      score += 10;
    if (has(path, "/distributed/") || path.ends_with("/utils.py")) score -= 30;
  } else if (path == "torch/nn/modules/module.py" || path == "torch/_ops.py" ||
             path == "torch/utils/_contextlib.py") {
    score = 0;
  } else {
    static constexpr std::array<std::string_view, 10> kNoise{
        "threading.py", "asyncio/", "contextlib.py", "functools.py", "runpy.py",
        "queue.py",     "logging/", "socket.py",     "tqdm/",        "concurrent/"};
    bool noise = false;
    for (auto n : kNoise) noise = noise || starts(path, n);
    static constexpr std::array<std::string_view, 5> kLibs{"torch/", "site-packages/", "dist-packages/",
                                                           "transformers/", "triton/"};
    bool lib = false;
    for (auto l : kLibs) lib = lib || starts(path, l) || has(path, std::string("/") + std::string(l));
    score = noise ? -20 : lib ? 40 : 100;
  }

  static constexpr std::array<std::string_view, 6> kWrapperFuncs{"__call__",           "_call_impl",
                                                                 "_wrapped_call_impl", "__torch_function__",
                                                                 "__getattr__",        "decorate_context"};
  static constexpr std::array<std::string_view, 8> kWrapperFiles{"custom_op.py",
                                                                 "model_executor/parameter.py",
                                                                 "compilation/cuda_graph.py",
                                                                 "cuda_graph_runner.py",
                                                                 "py_executor.py",
                                                                 "compilation/decorators.py",
                                                                 "torch/fx/graph_module.py",
                                                                 "torch/nn/modules/module.py"};
  bool wrapper = false;
  for (auto w : kWrapperFuncs) wrapper = wrapper || func == w;
  for (auto w : kWrapperFiles) wrapper = wrapper || path.ends_with(w);
  return wrapper ? score - 80 : score;
}

SourceSite choose_source_site(std::span<const std::string_view> frames) {
  SourceSite best;
  for (size_t i = 0; i < frames.size(); ++i) {
    int s = python_frame_score(frames[i]);
    if (s > 0 && s >= best.score) best = {static_cast<int>(i), s};
  }
  return best;
}

std::string site_stack(std::span<const std::string_view> frames, size_t count) {
  std::vector<std::string_view> kept;
  for (size_t i = frames.size(); i-- > 0 && kept.size() < count;)
    if (python_frame_score(frames[i]) > 0) kept.push_back(frames[i]);
  std::string out;
  for (size_t i = kept.size(); i-- > 0;) {
    if (!out.empty()) out += " -> ";
    out += kept[i];
  }
  return out;
}

}  // namespace hp
