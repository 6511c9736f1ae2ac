#include "views/plot/zoom.h"

#include <catch2/catch.hpp>
#include <cmath>

using namespace hp::plot;

TEST_CASE("plot zoom: a drag maps to the data box it covers", "[plot][zoom]") {
  const PlotMap m{{100, 50, 300, 150}, 0, 1000, 0, 10};  // 200 x 100 px: 5 units/px in x, 0.1/px in y
  auto box = drag_to_box(m, 250, 140, 150, 60);          // right-to-left, bottom-to-top
  REQUIRE(box);
  CHECK(box->x0 == Approx(250));
  CHECK(box->x1 == Approx(750));
  CHECK(box->y0 == Approx(1));  // 140 px is 10 px above the bottom
  CHECK(box->y1 == Approx(9));
  CHECK(box->zoom_y);
  // A flat drag zooms x only; one past the plot is clamped to its edge.
  box = drag_to_box(m, 120, 100, 400, 102);
  REQUIRE(box);
  CHECK(box->x0 == Approx(100));
  CHECK(box->x1 == Approx(1000));
  CHECK(box->y0 == 0);
  CHECK(box->y1 == 10);
  CHECK_FALSE(box->zoom_y);
  // A click (narrower than 4 px), a drag outside the plot and an empty plot give nothing.
  CHECK_FALSE(drag_to_box(m, 200, 60, 203, 140));
  CHECK_FALSE(drag_to_box(m, 10, 60, 90, 140));
  CHECK_FALSE(drag_to_box({{0, 0, 0, 0}, 0, 1, 0, 1}, 0, 0, 50, 50));
}

TEST_CASE("plot zoom: stacked bars pile each bin's series in order", "[plot][stack]") {
  const Stacks s = stack_bars({{1, 0, 2}, {3, NAN, 0.5}, {-1, 4}});
  REQUIRE(s.segments.size() == 5);
  CHECK((s.segments[0].bin == 0 && s.segments[0].series == 0 && s.segments[0].y0 == 0 &&
         s.segments[0].y1 == 1));
  CHECK((s.segments[1].bin == 0 && s.segments[1].series == 1 && s.segments[1].y0 == 1 &&
         s.segments[1].y1 == 4));
  CHECK((s.segments[2].bin == 1 && s.segments[2].series == 2 && s.segments[2].y0 == 0 &&
         s.segments[2].y1 == 4));
  CHECK((s.segments[3].bin == 2 && s.segments[3].series == 0 && s.segments[3].y1 == 2));
  CHECK((s.segments[4].bin == 2 && s.segments[4].series == 1 && s.segments[4].y0 == 2 &&
         s.segments[4].y1 == 2.5));
  CHECK(s.top == 4);
  CHECK(s.skipped == 2);  // the NaN and the negative value
  CHECK(stack_bars({}).segments.empty());
}
