#pragma once
// A/B diff of two Runs: GPU ops (kernels, memcpys, memsets) by category and by name, with
// counts, total time, delta = B - A and delta% = delta / A (NaN when A has none). Names are
// compared as text (the two Runs have separate string pools). Stage-aware: with `stage_of`
// and a non-empty `stage`, only ops whose stage_of() equals `stage` are compared in each Run;
// no stage = every op.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/analysis/kernel_category.h"
#include "core/model/run.h"

namespace hp {

struct DiffRow {
  std::string key;       // category, or op name
  std::string category;  // for name rows
  uint64_t count_a = 0, count_b = 0;
  Ns time_a = 0, time_b = 0;
  Ns delta() const { return time_b - time_a; }
  double delta_pct() const;  // NaN when time_a == 0
};

using StageOf = std::function<std::string_view(const Run& run, uint32_t slice)>;

struct DiffOptions {
  StageOf stage_of;   // empty: no stages
  std::string stage;  // "" = all ops
};

struct TraceDiff {
  std::string stage;
  uint64_t count_a = 0, count_b = 0;
  Ns time_a = 0, time_b = 0;
  std::vector<DiffRow> categories;                 // by |delta| descending, then key
  std::vector<DiffRow> names;                      // by |delta| descending, then key
  std::vector<std::string> new_in_b, gone_from_b;  // names, sorted
};

TraceDiff trace_diff(const Run& a, const Run& b, const KernelCategorizer& categorizer,
                     const DiffOptions& options = {});

}  // namespace hp
