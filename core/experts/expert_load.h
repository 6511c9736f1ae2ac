#pragma once
// The expert-load model every expert source reads into: a layers x experts matrix of routed
// token-slots (a missing (layer, expert) pair is 0), optionally per forward pass, plus balancedness
// over time from log lines. Pure data; the maths is in core/analysis/expert_balance.h.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace hp::experts {

// One balancedness reading over time: a vLLM `EPLB step:` line or an SGLang `[Expert Balancedness]`
// line. NaN where the line has no such field.
struct BalancePoint {
  int64_t step = -1;                                    // forward pass id or line index
  int64_t ts_ns = std::numeric_limits<int64_t>::min();  // epoch ns of the line, when it has a time
  double balancedness = 0;
  double avg_tokens = std::numeric_limits<double>::quiet_NaN();
  double max_tokens = std::numeric_limits<double>::quiet_NaN();
};

// Every cell of a count matrix stays in [0, kMaxCount], so that sums over a layer fit in int64.
constexpr int64_t kMaxCount = int64_t{1} << 46;
// a += b for counts; false (a unchanged) when b is negative or the sum would pass kMaxCount.
inline bool add_count(int64_t& a, int64_t b) {
  if (b < 0 || b > kMaxCount || a > kMaxCount - b) return false;
  a += b;
  return true;
}

// At most this many cells in one count matrix (layers x experts; 61 x 256 is a DeepSeek model),
// and in all per-pass matrices together, so that a small hostile file cannot ask for gigabytes.
constexpr size_t kMaxCells = size_t{1} << 24, kMaxPassCells = size_t{1} << 27;

// Co-routing counts between two layers: counts[a * experts_b + b] = tokens whose choice in layer_a
// was expert a and in layer_b expert b (pickled pair Counters).
struct CoRouting {
  int64_t layer_a = 0, layer_b = 0;  // model layers (list positions when the source does not say)
  uint32_t experts_a = 0, experts_b = 0;
  std::vector<int64_t> counts;  // experts_a x experts_b, row-major
  int64_t total = 0;
  int64_t at(uint32_t a, uint32_t b) const { return counts[static_cast<size_t>(a) * experts_b + b]; }
};

struct ExpertLoad {
  std::string source;              // file name(s)
  std::string format;              // "counter-pkl", "sglang-pt-stat", "sglang-pt-per-pass", "sglang-csv", ...
  std::vector<int64_t> layer_ids;  // model layer (or list position) of each row
  uint32_t experts = 0;            // logical experts per layer
  std::vector<int64_t> counts;     // layers x experts, row-major
  // Per forward pass, when the source has passes: pass_ids[p] and pass_counts[p] (layers x experts).
  std::vector<int64_t> pass_ids;
  std::vector<std::vector<int64_t>> pass_counts;
  std::vector<int64_t> pass_ts_ns;  // epoch ns of each pass when the source has times (scrapes), else empty
  // True when the columns are GPU ranks rather than experts (sglang:eplb_gpu_physical_count).
  bool columns_are_ranks = false;
  // Physical slot -> logical expert per layer (layers x slots), when the source gives a placement.
  std::vector<std::vector<int32_t>> physical_to_logical;
  std::string placement_source;       // "dump" (the source's own map), a placement file's name, or empty
  std::vector<BalancePoint> balance;  // imbalance over time from log lines
  std::vector<CoRouting> pairs;       // co-routing matrices (a pair file has no per-expert counts)
  std::vector<std::string> warnings;  // counted problems that did not stop the load

  size_t layers() const { return layer_ids.size(); }
  int64_t at(size_t layer, size_t expert) const { return counts[layer * experts + expert]; }
  bool has_counts() const { return !counts.empty(); }
};

// Sums `b` into `a` (same layers and experts; e.g. per-rank files of one run). Throws
// std::invalid_argument naming what differs.
void add_into(ExpertLoad& a, const ExpertLoad& b);

}  // namespace hp::experts
