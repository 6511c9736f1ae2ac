#pragma once
// Opens expert-load inputs by content: a pickled Counter list (.pkl), an SGLang .pt dump (zip), an
// SGLang per-rank CSV, a TensorRT-LLM rank<R>.safetensors or its EXPERT_STATISTIC_PATH directory
// (all ranks + meta_info.json), or a log with vLLM `EPLB step:` / SGLang `[Expert Balancedness]`
// lines. Per-rank files given together (CSV ranks, safetensors ranks) are summed into one load.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/experts/expert_load.h"

namespace hp::experts {

// True when the file (its first bytes in `head`) or directory is an expert-load input; logs count
// only when `head` already shows a balance line.
bool is_expert_input(const std::filesystem::path& p, std::string_view head);
// Throws ImportError naming the file, byte offset and problem. `experts` widens the matrix (0: data).
// A whole file's bytes; ImportError naming it when it cannot be opened.
std::string read_expert_file(const std::filesystem::path& p);
ExpertLoad load_expert_input(const std::filesystem::path& p, uint32_t experts = 0);
// The same for a file's bytes already in memory (a dump stored in a run file); no safetensors.
ExpertLoad load_expert_bytes(const std::string& bytes, const std::string& name, uint32_t experts = 0,
                             int64_t mtime_ns = 0);
std::vector<ExpertLoad> load_expert_inputs(const std::vector<std::filesystem::path>& inputs,
                                           uint32_t experts = 0);

}  // namespace hp::experts
