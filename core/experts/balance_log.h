#pragma once
// Expert-balance lines of server logs, as imbalance over time:
//  - vLLM EPLB (rank 0): `EPLB step: avg_tokens=A, max_tokens=M, balancedness=B` with an optional
//    `S for model NAME:` prefix and `, steps until the next rearrangement: K` suffix;
//  - SGLang: `[Expert Balancedness] forward_pass_id=N current_pass_balancedness=F ...`.
// Other lines are skipped. The result has no counts, only ExpertLoad::balance.
#include <string>
#include <string_view>

#include "core/experts/expert_load.h"

namespace hp::experts {

// True when `text` holds at least one such line.
bool has_balance_lines(std::string_view text);
// Throws ImportError (file, byte offset) on a balance line whose numbers do not parse.
ExpertLoad read_balance_log(std::string_view text, const std::string& file);

}  // namespace hp::experts
