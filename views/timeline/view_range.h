#pragma once
// The visible time window of the timeline: zoom around a pixel, pan by pixels, clamp to the
// trace, and a short eased animation toward a target window.
#include <cstdint>

namespace hp {

using Ns = int64_t;

struct TimeWindow {
  Ns t0 = 0, t1 = 1;
  Ns span() const { return t1 - t0; }
  bool operator==(const TimeWindow&) const = default;
};

class ViewRange {
 public:
  static constexpr Ns kMinSpan = 100;  // ns: below this, labels and pixels stop being useful

  // `extent` is the trace's [begin, end); the view never leaves it.
  void reset(TimeWindow extent);
  const TimeWindow& current() const { return cur_; }
  const TimeWindow& target() const { return target_; }
  const TimeWindow& extent() const { return extent_; }
  bool animating() const { return anim_ < 1.0; }

  // x in [0, width) px. steps > 0 zooms in (wheel up), < 0 zooms out; `factor` per step (0.25 default).
  void zoom_at(double x, double width, double steps, double factor = 0.25);
  void pan_px(double dx, double width);  // dx > 0 moves the view to earlier times (drag right)
  void pan_fraction(double f);           // f of the span; > 0 moves later (D key)
  void zoom_to(TimeWindow w, bool animate = true);
  // Advances the animation by dt seconds (~0.25 s total, ease-out). Returns true while moving.
  bool step(double dt);

  double x_of(Ns t, double width) const;
  Ns t_of(double x, double width) const;
  double ns_per_px(double width) const { return static_cast<double>(cur_.span()) / width; }

 private:
  TimeWindow clamp(TimeWindow w) const;
  TimeWindow extent_{0, 1}, cur_{0, 1}, from_{0, 1}, target_{0, 1};
  double anim_ = 1.0;
};

}  // namespace hp
