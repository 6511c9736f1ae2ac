// Panel models computed on a worker thread: the newest job wins, failures keep the last model.
#include "app/background_model.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <stdexcept>

TEST_CASE("a background model takes the newest job's result, a superseded one is dropped",
          "[background_model]") {
  hp::BackgroundModel<int> bg;
  CHECK_FALSE(bg.busy());
  CHECK_FALSE(bg.poll());
  std::atomic<bool> release{false};
  std::atomic<int> wakes{0};
  bg.start([&] {
    while (!release) std::this_thread::yield();
    return 1;
  });
  bg.start([] { return 2; }, [&] { ++wakes; });
  CHECK(bg.busy());
  REQUIRE(bg.wait());
  CHECK(*bg.model() == 2);
  CHECK(wakes == 1);
  CHECK_FALSE(bg.busy());
  release = true;  // the first job finishes after the second: its 1 never replaces the 2
  bg.poll();
  CHECK(*bg.model() == 2);
}

TEST_CASE("a job that throws keeps the last model and reports why", "[background_model]") {
  hp::BackgroundModel<int> bg;
  bg.start([] { return 7; });
  REQUIRE(bg.wait());
  bg.start([]() -> int { throw std::runtime_error("no requests in the range"); });
  CHECK_FALSE(bg.wait());
  CHECK(*bg.model() == 7);
  CHECK(bg.error() == "no requests in the range");
  bg.start([] { return 8; });
  REQUIRE(bg.wait());
  CHECK(bg.error().empty());
  CHECK(*bg.model() == 8);
}
