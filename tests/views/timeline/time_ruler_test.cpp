#include <catch2/catch.hpp>

#include "views/timeline/time_ruler.h"

using namespace hp;

TEST_CASE("ruler uses a 1-2-5 step at least min_px apart and adapts its unit") {
  CHECK(ruler_step(1'000'000, 1000, 90) == 100'000);  // 90 us wanted -> 100 us
  CHECK(ruler_step(1'000, 1000, 90) == 100);
  CHECK(ruler_step(3'000'000'000, 1500, 90) == 200'000'000);
  auto ticks = ruler_ticks({0, 1'000'000}, 0, 1000, 90);
  REQUIRE(!ticks.empty());
  CHECK(ticks[0].label == "0 µs");
  std::vector<std::string> labels;
  for (auto& t : ticks)
    if (!t.label.empty()) labels.push_back(t.label);
  CHECK(labels.size() == 11);
  CHECK(labels[1] == "100 µs");
  CHECK(labels[10] == "1.0 ms");
  auto ms = ruler_ticks({2'500'000'000, 2'502'000'000}, 0, 800, 90);
  CHECK(std::find_if(ms.begin(), ms.end(), [](auto& t) { return t.label == "2.5005 s"; }) != ms.end());
}
