#pragma once
// Colour per slice name, computed once per Run: GPU kernels by kernel category (when a
// categorizer is given), everything else by kind with a stable per-name shade.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/analysis/kernel_table.h"
#include "core/model/run.h"
#include "views/palette.h"

namespace hp {

// Kernel name -> category (see core/analysis/kernel_table.h CategoryFn).

class SliceColors {
 public:
  void build(const Run& run, const CategoryFn& categorize = {});
  Color of(const Run& run, uint32_t slice) const {
    StrId n = run.slices.name[slice];
    return n < by_name_.size() ? by_name_[n] : kind_color(run.slices.kind[slice]);
  }
  // Categories present among GPU kernels, for the legend, in order of first appearance.
  const std::vector<std::string>& legend() const { return legend_; }

 private:
  std::vector<Color> by_name_;
  std::vector<std::string> legend_;
};

}  // namespace hp
