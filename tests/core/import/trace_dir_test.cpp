#include "core/import/trace_dir.h"

#include <catch2/catch.hpp>

#include "core/import/registry.h"
#include "tests/core/import/import_test_util.h"

TEST_CASE("rank and stage from trace file names", "[import][trace_dir]") {
  auto info = hp::trace_file_info("/t/vllm_rank0.1700000000.pt.trace.json.gz");
  CHECK(info.rank == 0u);
  CHECK(hp::trace_file_info("/t/1712345678-TP-3.trace.json.gz").rank == 3u);
  CHECK(hp::trace_file_info("/t/rank-12.Apr_03_18_51_38.1102.pt.trace.json.gz").rank == 12u);
  CHECK_FALSE(hp::trace_file_info("/t/trace.json").rank.has_value());
  CHECK(hp::trace_file_info("/t/1712345678-TP-1-decode.trace.json.gz").stage == "decode");
  CHECK(hp::trace_file_info("/t/prefill/1712345678-TP-1.trace.json.gz").stage == "prefill");
  CHECK(hp::trace_file_info("/t/extend/x.json").stage == "extend");
  CHECK(hp::trace_file_info("/t/merged-123.json.gz").merged);
  CHECK(hp::is_trace_file_name("a.pt.trace.json.gz"));
  CHECK(hp::is_trace_file_name("a.json.zst"));
  CHECK_FALSE(hp::is_trace_file_name("notes.txt"));
}

TEST_CASE("a trace directory loads every rank into one Run, merged files are skipped",
          "[import][trace_dir]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "hotpath_trace_dir_test";
  fs::remove_all(dir);
  fs::create_directories(dir / "decode");
  fs::path src = fs::path(HOTPATH_TEST_DATA) / "kineto/hta_call_stack_backward_thread.json";
  fs::copy_file(src, dir / "host-TP-0.trace.json");
  fs::copy_file(src, dir / "host-TP-1.trace.json");
  fs::copy_file(src, dir / "merged-host.trace.json");
  fs::copy_file(src, dir / "decode" / "host-TP-0.trace.json");
  fs::path gz = fs::path(HOTPATH_TEST_DATA) / "kineto/hta_trace_compare_base.json.gz";
  fs::copy_file(gz, dir / "decode" / "host-TP-1.trace.json.gz");
  std::ofstream(dir / "README.txt") << "not a trace";
  auto files = hp::expand_trace_dir(dir);
  REQUIRE(files.size() == 4);
  hp::LoadProgress p;
  auto run = hp::load_inputs({dir}, p);
  REQUIRE(run->sources.size() == 4);
  CHECK(run->rank_count() == 2);
  CHECK(run->sources[0].stage == "");
  CHECK(run->sources[0].rank == 0);
  CHECK(run->sources[1].rank == 1);
  CHECK(run->sources[2].stage == "decode");
  CHECK(run->sources[3].stage == "decode");
  CHECK(run->sources[3].rank == 1);
  uint64_t events = 0;
  for (const auto& s : run->sources) events += s.events;
  CHECK(events == 7 + 7 + 7 + 33);
  // The backward-thread trace has 3 (pid, tid) pairs; rank 0 and 1 each have their own tracks.
  uint32_t rank1_tracks = 0;
  for (const auto& t : run->tracks) rank1_tracks += t.rank == 1;
  CHECK(rank1_tracks >= 3);
  fs::remove_all(dir);
}

TEST_CASE("sidecar JSON files in a trace directory are skipped with an info line", "[import][trace_dir]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "hotpath_sidecar_test";
  fs::remove_all(dir);
  fs::create_directories(dir / "other");
  auto put = [&](const fs::path& p, const std::string& text) { std::ofstream(p) << text; };
  put(dir / "1712345678-TP-0.trace.json",
      R"({"traceEvents":[{"ph":"X","name":"a","pid":1,"tid":1,"ts":1,"dur":2}]})");
  // SGLang writes execution_details.json beside its traces: an array of objects, no "ph".
  put(dir / "execution_details.json", R"([{"batch_size":8,"latency_ms":12.5}])");
  put(dir / "other" / "config.json", R"({"model":"llama","tp":2})");
  hp::LoadProgress progress;
  auto run = hp::load_inputs({dir}, progress);
  REQUIRE(run->sources.size() == 1);
  CHECK(run->sources[0].events == 1);
  CHECK(run->log.count("import.not_a_trace") == 2);
  CHECK(hp::not_a_trace_reason(dir / "execution_details.json") ==
        "a JSON array whose first object has no \"ph\"");
  CHECK(hp::not_a_trace_reason(dir / "other" / "config.json") == "a JSON object without \"traceEvents\"");
  CHECK(hp::not_a_trace_reason(dir / "1712345678-TP-0.trace.json").empty());
  // A directory of sidecars only still says that it holds no traces.
  CHECK_THROWS_WITH(hp::load_inputs({dir / "other"}, progress), Catch::Contains("holds no trace files"));
  fs::remove_all(dir);
}
