#include "core/analysis/flame_tree.h"

#include <cctype>
#include <unordered_map>

namespace hp {
namespace {

bool is_cpu_side(SliceKind k) {
  return !is_gpu_activity(k) && k != SliceKind::GpuAnnotation;
}

struct ChildKey {
  uint64_t v;
  bool operator==(const ChildKey&) const = default;
};
struct ChildHash {
  size_t operator()(ChildKey k) const { return std::hash<uint64_t>{}(k.v); }
};

}  // namespace

std::string_view numbered_stem(std::string_view name) {
  size_t d = name.size();
  while (d > 0 && name[d - 1] >= '0' && name[d - 1] <= '9') --d;
  if (d == name.size() || d < 2 || name[d - 1] != '_') return name;
  std::string_view ident = name.substr(0, d - 1);
  constexpr std::string_view kModule = "nn.Module: ";
  if (ident.starts_with(kModule)) ident.remove_prefix(kModule.size());
  if (ident.empty()) return name;
  for (char c : ident)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return name;
  return name.substr(0, d - 1);
}

std::string flame_label(const Run& run, const FlameNode& n) {
  std::string_view name = run.str(n.name);
  if (!n.merged) return std::string(name);
  return std::string(numbered_stem(name)) + "_*";
}

FlameTree build_flame_tree(const Run& run, const FlameOptions& opts) {
  FlameTree tree;
  tree.nodes.push_back({});
  std::unordered_map<ChildKey, uint32_t, ChildHash> child_of;  // (parent, name) -> node
  // With merging, every numbered instance stands for the first name seen with its stem.
  std::unordered_map<StrId, StrId> canonical;
  std::unordered_map<std::string_view, StrId> by_stem;
  auto key_name = [&](StrId name) {
    if (!opts.merge_numbered) return name;
    auto [it, added] = canonical.try_emplace(name, name);
    if (added) {
      std::string_view full = run.str(name), stem = numbered_stem(full);
      if (stem.size() != full.size()) it->second = by_stem.try_emplace(stem, name).first->second;
    }
    return it->second;
  };
  auto child = [&](uint32_t parent, StrId raw) {
    const StrId name = key_name(raw);
    ChildKey key{(uint64_t{parent} << 32) | name};
    auto [it, added] = child_of.try_emplace(key, static_cast<uint32_t>(tree.nodes.size()));
    if (added) {
      FlameNode n;
      n.name = name;
      n.merged = opts.merge_numbered && numbered_stem(run.str(name)).size() != run.str(name).size();
      n.parent = parent;
      n.depth = parent == 0 ? 0 : static_cast<uint16_t>(tree.nodes[parent].depth + 1);
      tree.nodes.push_back(std::move(n));
      tree.nodes[parent].children.push_back(it->second);
    }
    return it->second;
  };

  const Slices& s = run.slices;
  std::unordered_map<uint32_t, uint32_t> node_of_launch;  // API-call slice -> node
  for (size_t a = 0; a < run.api.size(); ++a) node_of_launch.emplace(run.api.slice[a], kNone);

  std::vector<uint32_t> stack;  // node per open depth
  std::vector<uint32_t> open;   // slice per open depth
  for (const Track& t : run.tracks) {
    if (t.kind == TrackKind::GpuStream) continue;
    stack.clear();
    open.clear();
    uint8_t lane = 0;
    for (uint32_t i = t.slice_begin; i < t.slice_end; ++i) {
      if (!is_cpu_side(s.kind[i]) || s.kind[i] == SliceKind::Trace) continue;
      if (s.lane[i] != lane) stack.clear(), open.clear(), lane = s.lane[i];
      while (!open.empty() && (s.depth[open.back()] >= s.depth[i] || s.end(open.back()) <= s.start[i])) {
        open.pop_back();
        stack.pop_back();
      }
      uint32_t node = child(stack.empty() ? 0 : stack.back(), s.name[i]);
      tree.nodes[node].count++;
      tree.nodes[node].cpu_time += s.dur[i];
      if (auto it = node_of_launch.find(i); it != node_of_launch.end()) it->second = node;
      stack.push_back(node);
      open.push_back(i);
    }
  }
  for (size_t g = 0; g < run.gpu.size(); ++g) {
    Ns d = s.dur[run.gpu.slice[g]];
    uint32_t launch = run.gpu.launch_slice[g];
    auto it = launch == kNone ? node_of_launch.end() : node_of_launch.find(launch);
    if (it == node_of_launch.end() || it->second == kNone) {
      tree.unattributed_gpu += d;
      continue;
    }
    for (uint32_t n = it->second; n != kNone; n = tree.nodes[n].parent) tree.nodes[n].gpu_time += d;
  }
  // The root's CPU time is the sum of its children (its GPU time was accumulated above).
  for (uint32_t c : tree.nodes[0].children) tree.nodes[0].cpu_time += tree.nodes[c].cpu_time;
  return tree;
}

}  // namespace hp
