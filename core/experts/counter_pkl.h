#pragma once
// Pickled per-layer expert counters (the OLMoE routing-analysis files): a list of
// collections.Counter, one per layer, expert id (int or numpy int scalar) -> routed count. Read with
// the safe pickle subset; experts missing from a Counter count 0.
#include <string>
#include <string_view>

#include "core/experts/expert_load.h"

namespace hp::experts {

// `file` names the input in errors and gives the layer ids when its name carries them ("_L0-7-15").
// `experts` sizes the matrix when larger than the highest id seen + 1 (0: from the data).
ExpertLoad read_counter_pkl(std::string_view bytes, const std::string& file, uint32_t experts = 0);

}  // namespace hp::experts
