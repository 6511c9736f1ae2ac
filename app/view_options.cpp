#include "app/view_options.h"

#include "core/analysis/slice_search.h"

namespace hp {

void apply_view_options(const Run& run, ViewState& vs, const std::string& range, const std::string& select) {
  Ns origin = vs.view.extent().t0;
  if (auto colon = range.find(':'); colon != std::string::npos) {
    Ns a = std::stoll(range.substr(0, colon)), b = std::stoll(range.substr(colon + 1));
    vs.view.zoom_to({origin + a, origin + b}, false);
  }
  if (select.empty()) return;
  SearchResult r = search_slices(run, select, false);
  if (r.slices.empty()) return;
  vs.highlighted = r.slices;
  // With a range, the first match inside it; otherwise the first match.
  size_t pick = 0;
  for (size_t i = 0; !range.empty() && i < r.slices.size(); ++i)
    if (run.slices.start[r.slices[i]] >= vs.view.target().t0) {
      pick = i;
      break;
    }
  vs.selected = r.slices[pick];
  vs.highlight_cursor = pick;
  if (range.empty()) vs.select_and_reveal(run, vs.selected);
  vs.view.step(1.0);
}

}  // namespace hp
