#pragma once
// Flame graph layout (pure): a zoom root, a metric (CPU or GPU time), and pixel width in; one
// rectangle per node wide enough to see, with children laid left to right inside their parent.
#include <vector>

#include "core/analysis/flame_tree.h"

namespace hp {

enum class FlameMetric { Cpu, Gpu };

struct FlameRect {
  float x0, x1;
  uint16_t level;  // 0 = the zoom root's row
  uint32_t node;
};

Ns flame_value(const FlameNode& n, FlameMetric m);
// Nodes narrower than min_px are skipped with their subtree (their time still counts in the parent).
std::vector<FlameRect> layout_flame(const FlameTree& tree, uint32_t root, FlameMetric metric, float width,
                                    float min_px = 2, uint16_t max_levels = 64);

}  // namespace hp
