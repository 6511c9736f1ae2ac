#include "views/timeline/view_range.h"

#include <algorithm>
#include <cmath>

namespace hp {

void ViewRange::reset(TimeWindow extent) {
  if (extent.t1 <= extent.t0) extent.t1 = extent.t0 + kMinSpan;
  extent_ = extent;
  cur_ = from_ = target_ = extent;
  anim_ = 1.0;
}

TimeWindow ViewRange::clamp(TimeWindow w) const {
  Ns span = std::clamp<Ns>(w.span(), kMinSpan, extent_.span());
  if (span > extent_.span()) span = extent_.span();
  Ns t0 = std::clamp<Ns>(w.t0, extent_.t0, extent_.t1 - span);
  return {t0, t0 + span};
}

void ViewRange::zoom_at(double x, double width, double steps, double factor) {
  if (width <= 0 || steps == 0) return;
  TimeWindow base = target_;  // successive wheel ticks compose on the target, not the animated frame
  double p = std::clamp(x / width, 0.0, 1.0);
  double scale = std::pow(1.0 - factor, steps);  // < 1 zooms in
  double span = static_cast<double>(base.span());
  double pivot = static_cast<double>(base.t0) + p * span;
  double new_span = std::max(static_cast<double>(kMinSpan), span * scale);
  Ns t0 = static_cast<Ns>(std::llround(pivot - p * new_span));
  zoom_to(clamp({t0, t0 + static_cast<Ns>(std::llround(new_span))}), true);
}

void ViewRange::pan_px(double dx, double width) {
  if (width <= 0) return;
  Ns shift = static_cast<Ns>(std::llround(dx * ns_per_px(width)));
  cur_ = clamp({cur_.t0 - shift, cur_.t1 - shift});
  target_ = from_ = cur_;
  anim_ = 1.0;
}

void ViewRange::pan_fraction(double f) {
  Ns shift = static_cast<Ns>(std::llround(f * static_cast<double>(target_.span())));
  zoom_to(clamp({target_.t0 + shift, target_.t1 + shift}), true);
}

void ViewRange::zoom_to(TimeWindow w, bool animate) {
  target_ = clamp(w);
  if (!animate) {
    cur_ = from_ = target_;
    anim_ = 1.0;
    return;
  }
  from_ = cur_;
  anim_ = 0.0;
}

bool ViewRange::step(double dt) {
  if (anim_ >= 1.0) return false;
  anim_ = std::min(1.0, anim_ + dt / 0.25);
  double e = 1.0 - (1.0 - anim_) * (1.0 - anim_) * (1.0 - anim_);  // ease-out cubic
  auto lerp = [e](Ns a, Ns b) { return a + static_cast<Ns>(std::llround(e * static_cast<double>(b - a))); };
  cur_ = anim_ >= 1.0 ? target_ : TimeWindow{lerp(from_.t0, target_.t0), lerp(from_.t1, target_.t1)};
  return anim_ < 1.0;
}

double ViewRange::x_of(Ns t, double width) const {
  return static_cast<double>(t - cur_.t0) / static_cast<double>(cur_.span()) * width;
}

Ns ViewRange::t_of(double x, double width) const {
  return cur_.t0 + static_cast<Ns>(std::llround(x / width * static_cast<double>(cur_.span())));
}

}  // namespace hp
