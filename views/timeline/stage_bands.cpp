#include "views/timeline/stage_bands.h"

#include <algorithm>

namespace hp {

std::vector<StageBand> stage_bands(const StageAssignment& st) {
  bool cpu = std::any_of(st.steps.begin(), st.steps.end(), [](const EngineStep& s) { return !s.gpu; });
  std::vector<StageBand> bands;
  for (const EngineStep& s : st.steps) {
    if (s.gpu == cpu || s.stage == Stage::Unknown || s.stage == Stage::Idle) continue;
    Color c = s.stage == Stage::Decode  ? rgba(60, 180, 90, 34)
              : s.stage == Stage::Mixed ? rgba(230, 150, 40, 34)
                                        : rgba(70, 130, 230, 34);  // prefill / extend
    std::string label = to_string(s.stage);
    if (s.batch) label += " bs=" + std::to_string(*s.batch);
    bands.push_back({s.start, s.end, c, std::move(label)});
  }
  std::sort(bands.begin(), bands.end(), [](const StageBand& a, const StageBand& b) { return a.t0 < b.t0; });
  return bands;
}

}  // namespace hp
