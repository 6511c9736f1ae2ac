#pragma once
// TensorRT-LLM expert statistics (tensorrt_llm/_torch/expert_statistic.py): with
// EXPERT_STATISTIC_ITER_RANGE and EXPERT_STATISTIC_PATH set, each rank writes rank<R>.safetensors
// (tensors "<iter>_<layer>", int64 counts of length num_experts) and rank 0 writes meta_info.json
// {"num_experts": E, "num_experts_per_token": k}. Iterations become passes; ranks are summed.
#include <string>
#include <string_view>

#include "core/experts/expert_load.h"

namespace hp::experts {

// One rank's file; `experts` from meta_info.json (0: the tensor length).
ExpertLoad read_trtllm_safetensors(std::string_view bytes, const std::string& file, uint32_t experts = 0);
// meta_info.json -> num_experts (0 when absent); throws ImportError on bad JSON.
uint32_t read_trtllm_meta(std::string_view text, const std::string& file);

}  // namespace hp::experts
