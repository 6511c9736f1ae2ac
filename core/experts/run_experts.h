#pragma once
// Expert-load inputs kept in a hotpath run file: the SGLang recorder dumps that serve-profile /
// attach --expert-recorder stored (table expert_dumps: name, bytes) and the sglang:eplb_* series
// it scraped. A dump that does not parse becomes an input with only its warning: opening the run
// still works.
#include <filesystem>
#include <vector>

#include "core/experts/expert_load.h"

namespace hp::experts {

// The stored dumps, in the order they were saved; empty when the run has none.
std::vector<ExpertLoad> read_run_expert_dumps(const std::filesystem::path& run_file);
// Dumps, then the eplb series (when scraped). For `hotpath experts RUN`.
std::vector<ExpertLoad> run_expert_inputs(const std::filesystem::path& run_file);

}  // namespace hp::experts
