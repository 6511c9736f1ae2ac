#pragma once
// serve-report's "phases" object: engine iterations by kind and the prefill/decode cost fits.
//   phases{iterations, timed, share_of ("time" | "count"),
//          by_kind[{kind, count, seconds, prefill_tokens, decode_tokens, tokens_per_s, share}],
//          prefill_fit{source, n, base_ms, per_token_ms, r2}, decode_fit{source, n, base_ms, per_seq_ms, r2}}
// A fit with fewer than two distinct x is null.
#include <nlohmann/json.hpp>

#include "core/session/phase_split.h"

namespace hp {

nlohmann::json phase_split_json(const PhaseSplit& p);

}  // namespace hp
