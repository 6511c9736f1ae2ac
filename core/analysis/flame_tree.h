#pragma once
// The merged call tree behind the flame view: CPU ops and Python frames of every CPU thread,
// merged by name per level (same name path = same node), with CPU time and the GPU time of the
// kernels each op launched (through the launch -> kernel correlation), both inclusive.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/run.h"

namespace hp {

struct FlameNode {
  StrId name = 0;
  uint32_t parent = kNone;
  uint16_t depth = 0;              // root children are depth 0
  uint64_t count = 0;              // slices merged into this node
  Ns cpu_time = 0;                 // inclusive
  Ns gpu_time = 0;                 // inclusive: kernels/memcpys launched from inside this node
  std::vector<uint32_t> children;  // ordered by first appearance
  bool merged = false;             // numbered instances merged: the label is "Name_*"
};

struct FlameTree {
  std::vector<FlameNode> nodes;  // nodes[0] is the synthetic root ("all")
  Ns unattributed_gpu = 0;       // GPU time whose launch could not be found
};

struct FlameOptions {
  // "nn.Module: TransformerBlock_0" … "_35" (and plain "Name_12") become one "…TransformerBlock_*"
  // node per level, so the same code path adds up across layers.
  bool merge_numbered = false;
};
FlameTree build_flame_tree(const Run& run, const FlameOptions& opts = {});

// "TransformerBlock" for "TransformerBlock_12" (an identifier, "_", digits, optionally after
// "nn.Module: "); the name itself otherwise.
std::string_view numbered_stem(std::string_view name);
// What the flame view shows for a node: its name, or "stem_*" for merged instances.
std::string flame_label(const Run& run, const FlameNode& n);

}  // namespace hp
