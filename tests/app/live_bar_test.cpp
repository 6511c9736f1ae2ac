// The capture bar's text and levels from a capture status.
#include "app/live_bar.h"

#include <catch2/catch.hpp>

using namespace hp;

namespace {
constexpr int64_t kNow = 1'700'000'000'000'000'000;
constexpr int64_t kSec = 1'000'000'000;
}  // namespace

TEST_CASE("live bar: traffic, a fresh scrape, the log and the profiler", "[live_bar]") {
  capture::ServeStatus s;
  s.traffic_running = true;
  s.sent = 12, s.ok = 9, s.failed = 0, s.in_flight = 3;
  s.scrapes = 7, s.last_scrape_ok_ns = kNow - kSec / 2;
  s.running = 3, s.waiting = 1;
  s.log_lines = 40, s.log_last_line_ns = kNow - 2 * kSec;
  s.profiler = "armed for 5 s";
  auto items = live_bar_items(s, kNow, 2);
  REQUIRE(items.size() == 5);
  CHECK(items[0].text == "traffic running: 12 sent, 9 ok, 0 failed, 3 in flight");
  CHECK(items[0].level == LiveLevel::Ok);
  CHECK(items[1].text == "/metrics: 0.5 s ago");
  CHECK(items[1].level == LiveLevel::Ok);
  CHECK(items[2].text == "running 3, waiting 1");
  CHECK(items[3].text == "log: 40 lines, last 2.0 s ago");
  CHECK(items[4].text == "profiler: armed for 5 s");
}

TEST_CASE("live bar: a stale scrape warns, a dead endpoint is bad, failures are counted", "[live_bar]") {
  capture::ServeStatus s;
  s.watching = true;
  s.scrapes = 3, s.scrape_failures = 2, s.last_scrape_ok_ns = kNow - 4 * kSec;
  auto items = live_bar_items(s, kNow, 2);  // 3 periods at 2 Hz: 1.5 s
  REQUIRE(items.size() == 2);
  CHECK(items[0].text == "watching (no traffic)");
  CHECK(items[1].text == "/metrics: 4.0 s ago, 2 failed");
  CHECK(items[1].level == LiveLevel::Warn);
  s.last_scrape_ok_ns = kNow - 11 * kSec;
  CHECK(live_bar_items(s, kNow, 2)[1].level == LiveLevel::Bad);
  s.last_scrape_ok_ns = 0, s.scrapes = 0;
  s.scrape_error = "connection refused";
  items = live_bar_items(s, kNow, 2);
  CHECK(items[1].text == "/metrics: down (2 failed: connection refused)");
  CHECK(items[1].level == LiveLevel::Bad);
  s.profiler = "error: 404";
  CHECK(live_bar_items(s, kNow, 2).back().level == LiveLevel::Bad);
}
