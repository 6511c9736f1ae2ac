#pragma once
// The Ranks panel: per-rank GPU busy, compute and communication time, communication wait and the
// skew between ranks, with the straggler named (core/analysis/rank_skew.h).
#include "core/analysis/rank_skew.h"

namespace hp {

void draw_ranks_panel(const RankSkew& skew);

}  // namespace hp
