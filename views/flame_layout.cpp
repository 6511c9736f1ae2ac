#include "views/flame_layout.h"

namespace hp {

Ns flame_value(const FlameNode& n, FlameMetric m) {
  return m == FlameMetric::Cpu ? n.cpu_time : n.gpu_time;
}

std::vector<FlameRect> layout_flame(const FlameTree& tree, uint32_t root, FlameMetric metric, float width,
                                    float min_px, uint16_t max_levels) {
  std::vector<FlameRect> out;
  if (root >= tree.nodes.size()) return out;
  Ns total = flame_value(tree.nodes[root], metric);
  if (total <= 0 || width <= 0) return out;
  const double px_per_ns = static_cast<double>(width) / static_cast<double>(total);
  struct Item {
    uint32_t node;
    double x0;
    uint16_t level;
  };
  std::vector<Item> todo{{root, 0.0, 0}};
  while (!todo.empty()) {
    Item it = todo.back();
    todo.pop_back();
    const FlameNode& n = tree.nodes[it.node];
    double w = static_cast<double>(flame_value(n, metric)) * px_per_ns;
    if (w < min_px) continue;
    out.push_back({static_cast<float>(it.x0), static_cast<float>(it.x0 + w), it.level, it.node});
    if (it.level + 1 >= max_levels) continue;
    double cx = it.x0;
    for (uint32_t c : n.children) {
      todo.push_back({c, cx, static_cast<uint16_t>(it.level + 1)});
      cx += static_cast<double>(flame_value(tree.nodes[c], metric)) * px_per_ns;
    }
  }
  return out;
}

}  // namespace hp
