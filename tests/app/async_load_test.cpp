#include "app/async_load.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

namespace {
const std::string kTrace = HOTPATH_TEST_DATA "/shell/hta_trace_compare_base.json.gz";
const std::string kText = HOTPATH_TEST_DATA "/shell/not_a_trace.txt";
}  // namespace

TEST_CASE("load_now turns an ImportError into an import log entry", "[load]") {
  hp::LoadProgress progress;
  auto out = hp::load_now({kText}, progress);
  CHECK_FALSE(out.run);
  REQUIRE(out.error);
  CHECK(out.error->severity == hp::Severity::Error);
  CHECK(out.error->code == "load.failed");
  CHECK(out.error->file == kText);
  CHECK(out.error->offset == 0);
  CHECK(out.error->message == "unsupported file type");

  auto missing = hp::load_now({"/nonexistent.json"}, progress);
  REQUIRE(missing.error);
  CHECK(missing.error->message == "no such file or directory");
}

TEST_CASE("AsyncLoader loads on a worker thread and wakes the UI", "[load]") {
  std::atomic<int> wakes{0};
  hp::AsyncLoader loader([&] { ++wakes; });
  CHECK_FALSE(loader.busy());
  loader.start({kText});
  CHECK(loader.busy());
  std::optional<hp::LoadOutcome> out;
  for (int i = 0; i < 500 && !out; ++i) {
    out = loader.take();
    if (!out) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(out);
  CHECK(wakes == 1);
  CHECK_FALSE(loader.busy());
  REQUIRE(out->error);
  CHECK(out->error->message == "unsupported file type");
  CHECK_FALSE(loader.take());  // taken once
}

TEST_CASE("AsyncLoader restarted while busy keeps only the last load", "[load]") {
  hp::AsyncLoader loader;
  loader.start({kText});
  loader.start({"/nonexistent.json"});
  std::optional<hp::LoadOutcome> out;
  for (int i = 0; i < 500 && !out; ++i) {
    out = loader.take();
    if (!out) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(out);
  REQUIRE(out->inputs.size() == 1);
  CHECK(out->inputs[0] == "/nonexistent.json");
}
