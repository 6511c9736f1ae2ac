#include "views/plot/heatmap.h"

#include <catch2/catch.hpp>
#include <cmath>

using namespace hp::plot;

TEST_CASE("plot heatmap: cells tile the area and hit-testing inverts them", "[plot][heatmap]") {
  HeatmapGrid g = heatmap_grid({10, 20, 110, 80}, 3, 4);  // 100 x 60: cells 25 x 20
  CHECK(g.cell_w == 25);
  CHECK(g.cell_h == 20);
  Rect c = g.cell(2, 3);
  CHECK(c.x0 == 85);
  CHECK(c.y0 == 60);
  CHECK(c.x1 == 110);
  CHECK(c.y1 == 80);
  CHECK(g.hit(10, 20) == std::make_pair(size_t{0}, size_t{0}));
  CHECK(g.hit(109.9f, 79.9f) == std::make_pair(size_t{2}, size_t{3}));
  CHECK(g.hit(36, 41) == std::make_pair(size_t{1}, size_t{1}));
  CHECK_FALSE(g.hit(110, 50));  // right edge is outside
  CHECK_FALSE(g.hit(9, 50));
  CHECK_FALSE(heatmap_grid({0, 0, 10, 10}, 0, 5).hit(1, 1));
}

TEST_CASE("plot heatmap: scale ends, clamping and missing cells", "[plot][heatmap]") {
  CHECK(scale_color(0, 0, 1) == 0xff591230u);  // 48,18,89
  CHECK(scale_color(1, 0, 1) == 0xff25e7fdu);  // 253,231,37
  CHECK(scale_color(0.5, 0, 1) == 0xff8c9121u);
  CHECK(scale_color(-5, 0, 1) == scale_color(0, 0, 1));
  CHECK(scale_color(7, 0, 1) == scale_color(1, 0, 1));
  CHECK(scale_color(NAN, 0, 1) == kMissing);
  for (int i = 0; i <= 100; ++i) CHECK(scale_color(i / 100.0, 0, 1) != kMissing);
  CHECK(heatmap_colors({0, NAN, 1}, 0, 1) == std::vector<Rgba>{0xff591230u, kMissing, 0xff25e7fdu});
  CHECK(scale_color(3, 3, 3) == scale_color(0, 0, 1));  // no range: the low end
}

TEST_CASE("plot heatmap: legend steps, ticks and the expected-share mark", "[plot][heatmap]") {
  Legend l = heatmap_legend(0, 0.125, Unit::Fraction, 8, {{1.0 / 64, "1/E"}, {0.5, "off scale"}});
  REQUIRE(l.steps.size() == 8);
  CHECK(l.steps.front() == scale_color(0, 0, 1));
  CHECK(l.steps.back() == scale_color(1, 0, 1));
  REQUIRE(l.marks.size() == 1);
  CHECK(l.marks[0].label == "1/E");
  CHECK(l.marks[0].at == Approx(0.125));
  REQUIRE_FALSE(l.ticks.empty());
  CHECK(l.ticks.front().value == 0);
}
