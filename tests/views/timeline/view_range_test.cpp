#include <catch2/catch.hpp>

#include "views/timeline/view_range.h"

using hp::TimeWindow;
using hp::ViewRange;

TEST_CASE("wheel zoom keeps the time under the cursor fixed and clamps to the trace") {
  ViewRange v;
  v.reset({1'000, 1'001'000});  // 1 ms trace
  const double w = 1000;
  hp::Ns under = v.t_of(250, w);
  v.zoom_at(250, w, 1);  // one step in: span * 0.75
  v.step(1.0);
  CHECK(v.current().span() == 750'000);
  CHECK(v.t_of(250, w) == under);
  for (int i = 0; i < 200; ++i) v.zoom_at(250, w, 1);
  v.step(1.0);
  CHECK(v.current().span() == ViewRange::kMinSpan);
  for (int i = 0; i < 200; ++i) v.zoom_at(900, w, -1);
  v.step(1.0);
  CHECK(v.current() == TimeWindow{1'000, 1'001'000});
}

TEST_CASE("pan moves by pixels and never leaves the trace") {
  ViewRange v;
  v.reset({0, 1'000'000});
  v.zoom_to({400'000, 500'000}, false);
  v.pan_px(100, 1000);  // drag right by 100 px of a 100 us window = 10 us earlier
  CHECK(v.current() == TimeWindow{390'000, 490'000});
  v.pan_px(1e9, 1000);
  CHECK(v.current() == TimeWindow{0, 100'000});
  v.pan_fraction(100);
  v.step(1.0);
  CHECK(v.current() == TimeWindow{900'000, 1'000'000});
}

TEST_CASE("zoom animation eases to the target within a quarter second") {
  ViewRange v;
  v.reset({0, 1'000'000});
  v.zoom_to({100'000, 200'000});
  CHECK(v.animating());
  CHECK(v.step(0.1));
  hp::Ns mid = v.current().span();
  CHECK(mid < 1'000'000);
  CHECK(mid > 100'000);
  CHECK_FALSE(v.step(0.2));
  CHECK(v.current() == TimeWindow{100'000, 200'000});
}

TEST_CASE("x and t conversions are inverse") {
  ViewRange v;
  v.reset({5'000, 15'000});
  CHECK(v.x_of(10'000, 200) == Approx(100));
  CHECK(v.t_of(100, 200) == 10'000);
}
