#include "core/report/info.h"

#include <catch2/catch.hpp>

#include <fstream>

#include "core/import/registry.h"

TEST_CASE("info summary of a real trace", "[report][info]") {
  hp::LoadProgress p;
  auto run = hp::load_inputs(
      {std::filesystem::path(HOTPATH_TEST_DATA) / "kineto/hta_event_sync_multi_stream_a100.json.gz"}, p);
  auto j = hp::info_json(*run);
  // PROVENANCE: by_cat, by_ph, 3 kernels. The span is Run::span(), over every timed event: from
  // the "Iteration Start" instant (ts 1712867402305721) to "Record Window End" (1712867402368330),
  // 62609 µs; PROVENANCE's 62477 µs covers the X events only.
  CHECK(j["by_cat"]["ac2g"] == 50);
  CHECK(j["by_cat"]["(none)"] == 42);
  CHECK(j["by_ph"]["X"] == 57);
  CHECK(j["kernels"] == 3);
  CHECK(j["span_ns"] == 62609000);
  CHECK(j["span_ns"] == run->span().second - run->span().first);
  CHECK(j["ranks"] == 1);
  // (pid, tid) of GPU-category events (python): (0,-1) (0,20) (0,24) (0,28); (0,-1) holds cuda_sync only.
  CHECK(j["gpu_tracks"] == 4);
  CHECK(j["redactions"] == 0);
  REQUIRE(j["sources"].size() == 1);
  CHECK(j["sources"][0]["events"] == 149);
  CHECK(j["sources"][0]["format"] == "kineto-json");
  int64_t ktime = 0;
  for (size_t i = 0; i < run->slices.size(); ++i)
    if (run->slices.kind[i] == hp::SliceKind::Kernel) ktime += run->slices.dur[i];
  CHECK(j["kernel_time_ns"] == ktime);
  CHECK(ktime > 0);
  std::string text = hp::info_text(*run);
  CHECK_THAT(text, Catch::Contains("kernels 3"));
  CHECK_THAT(text, Catch::Contains("62.609 ms"));
}

TEST_CASE("info: entries without a byte offset say so, an empty category is named", "[report][info]") {
  // Two files of one rank (an offset-less warning), and an event with "cat": "".
  std::string one = R"({"traceEvents":[{"ph":"X","cat":"","name":"a","pid":1,"tid":1,"ts":1,"dur":2},)"
                    R"({"ph":"X","cat":"","name":"b","pid":1,"tid":1,"ts":4,"dur":1}]})";
  auto dir = std::filesystem::temp_directory_path() / "hotpath_info_offsets";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "a.json") << one;
  std::ofstream(dir / "b.json") << one;
  hp::LoadProgress p;
  auto run = hp::load_inputs({dir / "a.json", dir / "b.json"}, p);
  std::string text = hp::info_text(*run);
  CHECK_THAT(text, Catch::Contains("import.same_rank"));
  CHECK_THAT(text, Catch::Contains("(no byte offset)"));
  CHECK_THAT(text, !Catch::Contains("first at byte 0"));
  CHECK_THAT(text, Catch::Contains(" (empty)=4"));
  CHECK_THAT(text, !Catch::Contains(" =4"));
  std::filesystem::remove_all(dir);
}
