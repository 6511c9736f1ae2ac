#include "views/timeline/time_ruler.h"

#include "core/util/time_format.h"

namespace hp {

Ns ruler_step(Ns span, double width, double min_px) {
  double want = static_cast<double>(span) / width * min_px;  // ns that min_px pixels cover
  for (Ns decade = 1;; decade *= 10) {
    for (Ns m : {1, 2, 5})
      if (static_cast<double>(decade * m) >= want) return decade * m;
    if (decade > (INT64_MAX / 100)) return decade;
  }
}

std::vector<RulerTick> ruler_ticks(TimeWindow view, Ns origin, double width, double min_px) {
  std::vector<RulerTick> ticks;
  if (view.span() <= 0 || width <= 0) return ticks;
  Ns step = ruler_step(view.span(), width, min_px);
  Ns minor = step / (step % 5 == 0 && step >= 5 ? 5 : 2);
  if (minor <= 0) minor = step;
  Ns rel0 = view.t0 - origin;
  Ns first = (rel0 >= 0 ? (rel0 + minor - 1) / minor : -((-rel0) / minor)) * minor;
  double px_per_ns = width / static_cast<double>(view.span());
  for (Ns rel = first; origin + rel <= view.t1; rel += minor) {
    RulerTick t{static_cast<double>(origin + rel - view.t0) * px_per_ns, origin + rel, {}};
    if (rel % step == 0) t.label = format_tick(rel, step);
    ticks.push_back(std::move(t));
  }
  return ticks;
}

}  // namespace hp
