// Shapes of Chrome/Kineto JSON written by tools outside the project (issue 21): each case builds
// the smallest input with the shape that a public trace had, and asserts exact counts.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <set>

#include "core/import/chrome_json.h"
#include "core/import/registry.h"
#include "tests/core/import/import_test_util.h"

using hp::test::import_text;

TEST_CASE("trailing commas in traceEvents and in args are accepted with a warning", "[import][chrome_json]") {
  SECTION("a comma before traceEvents' ']' makes no phantom event") {
    const std::string t = R"({"traceEvents":[{"ph":"X","name":"a","pid":1,"tid":1,"ts":1,"dur":2},)"
                          "\n"
                          R"({"ph":"X","name":"b","pid":1,"tid":1,"ts":4,"dur":1},]})";
    auto run = import_text(t);
    CHECK(run->slices.size() == 2);
    CHECK(run->sources[0].events == 2);
    CHECK(run->sources[0].by_ph.count("(invalid)") == 0);
    CHECK(run->log.count("json.not_an_object") == 0);
    REQUIRE(run->log.count("json.trailing_comma") == 1);
    CHECK(run->log.entries()[0].offset == t.find(",]"));
  }
  SECTION("a bare array with a trailing comma") {
    auto run = import_text(R"([{"ph":"X","name":"a","pid":1,"tid":1,"ts":1,"dur":2} , ])");
    CHECK(run->slices.size() == 1);
    CHECK(run->sources[0].events == 1);
    CHECK(run->log.count("json.trailing_comma") == 1);
  }
  SECTION("a comma before '}' in args keeps the event and its args") {
    auto run = import_text(
        R"({"traceEvents":[{"ph":"X","name":"a","pid":1,"tid":1,"ts":1,"dur":2,"args":{"k":[1,2,],"n":3,}},)"
        R"({"ph":"X","name":"b","pid":1,"tid":1,"ts":4,"dur":1}]})");
    REQUIRE(run->slices.size() == 2);
    CHECK(run->sources[0].events == 2);
    CHECK(run->sources[0].by_ph.at("X") == 2);
    CHECK(run->log.count("json.bad_event") == 0);
    CHECK(run->log.count("json.trailing_comma") == 1);
    CHECK(run->args_text(run->slices.args[0]) == R"({"k":[1,2 ],"n":3 })");
  }
}

namespace {

// A tensorboard_trace_handler capture of worker0: one launch and its kernel at `t0` (µs).
std::string worker_capture(long long t0) {
  return fmt::format(
      R"({{"traceEvents":[)"
      R"({{"ph":"X","cat":"cuda_runtime","name":"cudaLaunchKernel","pid":11,"tid":11,"ts":{},"dur":5,"args":{{"correlation":7}}}},)"
      R"({{"ph":"X","cat":"kernel","name":"k","pid":0,"tid":7,"ts":{},"dur":10,"args":{{"correlation":7,"device":0,"stream":7}}}}]}})",
      t0, t0 + 10);
}

}  // namespace

TEST_CASE("two captures of the same rank stay apart, with a warning", "[import][chrome_json]") {
  hp::register_builtin_importers();
  auto dir = std::filesystem::temp_directory_path() / "hotpath_same_rank";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "worker0.1700000000000.pt.trace.json") << worker_capture(1700000000000000);
  std::ofstream(dir / "worker0.1700000360000.pt.trace.json") << worker_capture(1700000360000000);
  hp::LoadProgress progress;
  auto run = hp::load_inputs({dir}, progress);
  REQUIRE(run->sources.size() == 2);
  CHECK(run->sources[0].rank == 0);
  CHECK(run->sources[1].rank == 1);
  CHECK(run->sources[1].claimed_rank == 0);
  CHECK(run->log.count("import.same_rank") == 1);
  CHECK(run->rank_count() == 2);
  std::set<std::pair<uint32_t, int32_t>> gpus;
  for (const auto& t : run->tracks)
    if (t.kind == hp::TrackKind::GpuStream) gpus.insert({t.rank, t.device});
  CHECK(gpus == std::set<std::pair<uint32_t, int32_t>>{{0, 0}, {1, 0}});
  // Each kernel links to the launch of its own capture (same correlation id in both).
  REQUIRE(run->gpu.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    uint32_t k = run->gpu.slice[i], l = run->gpu.launch_slice[i];
    REQUIRE(l != hp::kNone);
    CHECK(run->tracks[run->slices.track[l]].rank == run->tracks[run->slices.track[k]].rank);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("an empty string pid is named, not shown as its hash", "[import][chrome_json]") {
  auto run = import_text(R"({"traceEvents":[{"ph":"X","name":"a","pid":5,"tid":5,"ts":1,"dur":2},)"
                         R"({"ph":"i","name":"Record Window End","pid":"","tid":"","ts":9,"s":"t"}]})");
  REQUIRE(run->tracks.size() == 2);
  REQUIRE(run->instants.size() == 1);
  const hp::Track& t = run->tracks[run->instants.track[0]];
  REQUIRE(t.pid_name != 0);
  CHECK(run->str(t.pid_name) == "(empty pid)");
  CHECK(run->str(t.tid_name) == "(empty tid)");
  CHECK(run->log.count(hp::Severity::Warning) == 0);
}

TEST_CASE("async events become async tracks, an unknown phase is a counted warning",
          "[import][chrome_json]") {
  // The shape of clang -ftime-trace's async pairs, a nested pair, a legacy S/T/F pair and ph "XXX".
  auto run = import_text(R"({"traceEvents":[{"ph":"X","name":"main","pid":1,"tid":1,"ts":0,"dur":100},)"
                         R"({"ph":"b","cat":"c","name":"Module","id":"0x1","pid":1,"tid":1,"ts":10},)"
                         R"({"ph":"b","cat":"c","name":"Inner","id":"0x1","pid":1,"tid":1,"ts":12},)"
                         R"({"ph":"n","cat":"c","name":"mark","id":"0x1","pid":1,"tid":1,"ts":13},)"
                         R"({"ph":"e","cat":"c","name":"Inner","id":"0x1","pid":1,"tid":1,"ts":14},)"
                         R"({"ph":"e","cat":"c","name":"Module","id":"0x1","pid":1,"tid":2,"ts":20},)"
                         R"({"ph":"S","cat":"d","name":"Legacy","id":7,"pid":1,"tid":1,"ts":30},)"
                         R"({"ph":"T","cat":"d","name":"Legacy","id":7,"pid":1,"tid":1,"ts":31},)"
                         R"({"ph":"F","cat":"d","name":"Legacy","id":7,"pid":1,"tid":1,"ts":35},)"
                         R"({"ph":"XXX","name":"odd","pid":1,"tid":1,"ts":40}]})");
  CHECK(run->sources[0].events == 10);
  REQUIRE(run->slices.size() == 4);  // main, Module, Inner, Legacy
  CHECK(run->instants.size() == 2);  // n, T
  REQUIRE(run->tracks.size() == 3);
  std::map<std::string, std::pair<hp::Ns, hp::Ns>> by_name;
  for (size_t i = 0; i < run->slices.size(); ++i)
    by_name[std::string(run->str(run->slices.name[i]))] = {run->slices.start[i], run->slices.dur[i]};
  CHECK(by_name.at("Module") == std::pair<hp::Ns, hp::Ns>{10000, 10000});
  CHECK(by_name.at("Inner") == std::pair<hp::Ns, hp::Ns>{12000, 2000});
  CHECK(by_name.at("Legacy") == std::pair<hp::Ns, hp::Ns>{30000, 5000});
  std::set<std::string> names;
  for (const auto& t : run->tracks)
    if (t.tid_name) names.insert(std::string(run->str(t.tid_name)));
  CHECK(names == std::set<std::string>{"async Module", "async Legacy"});
  CHECK(run->log.count("json.unsupported_phase") == 1);
  CHECK(run->log.count(hp::Severity::Warning) == 1);
}

TEST_CASE("a truncated .json.gz is salvaged like truncated plain JSON", "[import][chrome_json]") {
  std::string gz = hp::test::read_file(std::filesystem::path(HOTPATH_TEST_DATA) / "kineto" /
                                       "hta_trace_compare_base.json.gz");
  REQUIRE(gz.size() == 1594);
  auto p = hp::test::temp_file("cut.pt.trace.json.gz", std::string_view(gz).substr(0, 1000));
  hp::RunBuilder b;
  hp::LoadProgress progress;
  REQUIRE_NOTHROW(hp::load_chrome_json_file(p, b, progress));
  auto run = b.finish();
  // Counted with Python's zlib.decompressobj + json.raw_decode: the first 1000 compressed bytes
  // inflate to 4924 bytes, which hold 14 complete traceEvents entries.
  CHECK(run->sources.at(0).events == 14);
  CHECK(run->log.count("json.truncated_compressed") == 1);
  CHECK(run->log.count("json.truncated") == 1);
  const hp::LogEntry& e = run->log.entries().at(0);
  CHECK(e.offset == 1000);
  CHECK(e.message.find("4924 bytes inflated") != std::string::npos);
  std::filesystem::remove(p);
}
