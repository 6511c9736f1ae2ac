#include "core/report/phase_split_json.h"

namespace hp {
namespace {

nlohmann::json fit_json(const CostCurve& c, const char* slope_name) {
  if (!c.fit.valid()) return nullptr;
  return {{"source", c.source},
          {"n", c.fit.n},
          {"base_ms", c.fit.intercept},
          {slope_name, c.fit.slope},
          {"r2", c.fit.r2}};
}

}  // namespace

nlohmann::json phase_split_json(const PhaseSplit& p) {
  nlohmann::json kinds = nlohmann::json::array();
  for (const auto& k : p.by_kind) {
    if (!k.count) continue;
    kinds.push_back({{"kind", to_string(k.kind)},
                     {"count", k.count},
                     {"seconds", k.seconds},
                     {"prefill_tokens", k.prefill_tokens},
                     {"decode_tokens", k.decode_tokens},
                     {"tokens_per_s", k.tokens_per_s},
                     {"share", k.share}});
  }
  return {{"iterations", p.iterations},
          {"timed", p.timed},
          {"share_of", p.timed ? "time" : "count"},
          {"by_kind", kinds},
          {"prefill_fit", fit_json(p.prefill, "per_token_ms")},
          {"decode_fit", fit_json(p.decode, "per_seq_ms")}};
}

}  // namespace hp
