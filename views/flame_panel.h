#pragma once
// The flame view panel: merged CPU ops / Python frames, sized by CPU or GPU time; click zooms
// into a node, search highlights matching names.
#include <memory>
#include <string>

#include "views/flame_layout.h"
#include "views/view_state.h"

namespace hp {

class FlamePanel {
 public:
  void set_run(std::shared_ptr<const Run> run);
  void draw(ViewState& vs);
  FlameMetric metric = FlameMetric::Gpu;
  uint32_t root = 0;
  bool merge_numbered = true;  // TransformerBlock_0…35 as one node (a checkbox)
  const FlameTree& tree() const { return tree_; }

 private:
  std::shared_ptr<const Run> run_;
  FlameTree tree_;
};

}  // namespace hp
