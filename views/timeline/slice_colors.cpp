#include "views/timeline/slice_colors.h"

#include <algorithm>

namespace hp {

void SliceColors::build(const Run& run, const CategoryFn& categorize) {
  by_name_.assign(run.strings.size(), 0);
  legend_.clear();
  std::vector<bool> done(run.strings.size(), false);
  for (size_t i = 0; i < run.slices.size(); ++i) {
    StrId n = run.slices.name[i];
    if (done[n]) continue;
    done[n] = true;
    SliceKind k = run.slices.kind[i];
    if (k == SliceKind::Kernel && categorize) {
      std::string c = categorize(run.str(n));
      by_name_[n] = category_color(c);
      if (std::find(legend_.begin(), legend_.end(), c) == legend_.end()) legend_.push_back(c);
    } else {
      by_name_[n] = name_color(run.str(n), k);
    }
  }
}

}  // namespace hp
