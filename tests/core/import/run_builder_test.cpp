// The build stage on small hand-written traces with hand-computed expectations (times in µs in
// the JSON, ns in the Run).
#include "core/import/run_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/core/import/import_test_util.h"

using hp::test::import_text;

namespace {

// Index of the slice named `name` (the first one).
uint32_t find_slice(const hp::Run& run, std::string_view name) {
  for (uint32_t i = 0; i < run.slices.size(); ++i)
    if (run.str(run.slices.name[i]) == name) return i;
  FAIL("no slice " << name);
  return hp::kNone;
}

}  // namespace

TEST_CASE("partially overlapping slices go to overflow lanes, never dropped", "[import][builder]") {
  // A [0,10] holds B [2,5]; C [8,15] starts inside A and ends after it -> lane 1;
  // D [9,12] overlaps A partially too, but nests in C -> lane 1, depth 1; E [20,30] lane 0.
  // File order is scrambled on purpose.
  auto run = import_text(R"([
    {"ph":"X","name":"E","pid":1,"tid":1,"ts":20,"dur":10},
    {"ph":"X","name":"D","pid":1,"tid":1,"ts":9,"dur":3},
    {"ph":"X","name":"B","pid":1,"tid":1,"ts":2,"dur":3},
    {"ph":"X","name":"C","pid":1,"tid":1,"ts":8,"dur":7},
    {"ph":"X","name":"A","pid":1,"tid":1,"ts":0,"dur":10}])");
  REQUIRE(run->tracks.size() == 1);
  const hp::Track& t = run->tracks[0];
  CHECK(t.slice_begin == 0);
  CHECK(t.slice_end == 5);
  CHECK(t.lanes == 2);
  CHECK(t.overflow_slices == 2);
  CHECK(t.max_depth == 1);
  const char* order[] = {"A", "B", "E", "C", "D"};  // (lane, start, -dur)
  const int depth[] = {0, 1, 0, 0, 1};
  const int lane[] = {0, 0, 0, 1, 1};
  for (uint32_t i = 0; i < 5; ++i) {
    INFO(i);
    CHECK(run->str(run->slices.name[i]) == order[i]);
    CHECK(run->slices.depth[i] == depth[i]);
    CHECK(run->slices.lane[i] == lane[i]);
  }
  CHECK(run->slices.start[find_slice(*run, "C")] == 8000);
  CHECK(run->slices.dur[find_slice(*run, "C")] == 7000);
  CHECK(run->log.count("slice.overlap") == 2);
}

TEST_CASE("depth: equal starts nest by duration, touching slices are siblings", "[import][builder]") {
  auto run = import_text(R"([
    {"ph":"X","name":"leaf","pid":1,"tid":1,"ts":0,"dur":1},
    {"ph":"X","name":"mid","pid":1,"tid":1,"ts":0,"dur":5},
    {"ph":"X","name":"root","pid":1,"tid":1,"ts":0,"dur":10},
    {"ph":"X","name":"next","pid":1,"tid":1,"ts":5,"dur":5},
    {"ph":"X","name":"after","pid":1,"tid":1,"ts":10,"dur":0}])");
  CHECK(run->slices.depth[find_slice(*run, "root")] == 0);
  CHECK(run->slices.depth[find_slice(*run, "mid")] == 1);
  CHECK(run->slices.depth[find_slice(*run, "leaf")] == 2);
  CHECK(run->slices.depth[find_slice(*run, "next")] == 1);   // [5,10] starts where mid ends
  CHECK(run->slices.depth[find_slice(*run, "after")] == 0);  // starts where root ends
  CHECK(run->tracks[0].overflow_slices == 0);
  CHECK(run->tracks[0].max_depth == 2);
}

TEST_CASE("depth saturates at 255 and is logged", "[import][builder]") {
  std::string j = "[";
  for (int i = 0; i < 300; ++i)
    j += fmt::format(R"({{"ph":"X","name":"n","pid":1,"tid":1,"ts":{},"dur":{}}},)", i, 1000 - 2 * i);
  j.back() = ']';
  auto run = import_text(j);
  CHECK(run->slices.size() == 300);
  CHECK(run->tracks[0].max_depth == 255);
  CHECK(run->slices.depth.back() == 255);
  CHECK(run->log.count("slice.depth_saturated") == 1);
}

TEST_CASE("B/E pairs: LIFO per thread, unmatched E and unclosed B are kept and counted",
          "[import][builder]") {
  auto run = import_text(R"([
    {"ph":"B","name":"a","pid":1,"tid":1,"ts":0,"args":{"k":1}},
    {"ph":"B","name":"b","pid":1,"tid":1,"ts":1},
    {"ph":"E","pid":1,"tid":1,"ts":3},
    {"ph":"E","pid":1,"tid":1,"ts":5},
    {"ph":"E","pid":1,"tid":9,"ts":5},
    {"ph":"X","name":"x","pid":1,"tid":2,"ts":6,"dur":4},
    {"ph":"B","name":"c","pid":1,"tid":2,"ts":7}])");
  uint32_t a = find_slice(*run, "a"), b = find_slice(*run, "b"), c = find_slice(*run, "c");
  CHECK(run->slices.start[a] == 0);
  CHECK(run->slices.dur[a] == 5000);
  CHECK(run->slices.depth[a] == 0);
  CHECK(run->args_text(run->slices.args[a]) == R"({"k":1})");
  CHECK(run->slices.start[b] == 1000);
  CHECK(run->slices.dur[b] == 2000);
  CHECK(run->slices.depth[b] == 1);
  // c never ends: it closes at its thread's last timestamp (x ends at 10).
  CHECK(run->slices.start[c] == 7000);
  CHECK(run->slices.dur[c] == 3000);
  CHECK(run->log.count("slice.unmatched_end") == 1);
  CHECK(run->log.count("slice.unclosed_begin") == 1);
}

TEST_CASE("flows bind to slices, GPU ops join their launch by correlation", "[import][builder]") {
  auto run = import_text(R"({"traceEvents":[
    {"ph":"X","cat":"cpu_op","name":"op","pid":100,"tid":1,"ts":0,"dur":100},
    {"ph":"X","cat":"cuda_runtime","name":"cudaLaunchKernel","pid":100,"tid":1,"ts":10,"dur":10,"args":{"correlation":7}},
    {"ph":"X","cat":"kernel","name":"k1","pid":0,"tid":7,"ts":30,"dur":10,"args":{"correlation":7,"stream":7,"device":0}},
    {"ph":"X","cat":"kernel","name":"k2","pid":0,"tid":7,"ts":45,"dur":5,"args":{"correlation":99}},
    {"ph":"s","cat":"ac2g","name":"ac2g","id":7,"pid":100,"tid":1,"ts":10},
    {"ph":"f","cat":"ac2g","name":"ac2g","id":7,"pid":0,"tid":7,"ts":30,"bp":"e"},
    {"ph":"s","cat":"fwdbwd","name":"fb","id":8,"pid":100,"tid":1,"ts":40},
    {"ph":"f","cat":"fwdbwd","name":"fb","id":8,"pid":0,"tid":7,"ts":41},
    {"ph":"f","cat":"ac2g","name":"ac2g","id":9,"pid":0,"tid":7,"ts":46,"bp":"e"}
  ]})");
  uint32_t op = find_slice(*run, "op"), launch = find_slice(*run, "cudaLaunchKernel");
  uint32_t k1 = find_slice(*run, "k1"), k2 = find_slice(*run, "k2");
  REQUIRE(run->flows.size() == 2);
  // Sorted by (cat, id): "ac2g" was interned before "fwdbwd".
  CHECK(run->flows.from_slice[0] == launch);  // s at 10: deepest enclosing slice
  CHECK(run->flows.to_slice[0] == k1);        // f bp:e at 30: enclosing kernel
  CHECK(run->flows.kind[0] == hp::FlowKind::Ac2g);
  CHECK(run->flows.from_slice[1] == op);  // s at 40: only `op` encloses it
  CHECK(run->flows.to_slice[1] == k2);    // f without bp at 41: next slice starting at/after 41
  CHECK(run->flows.kind[1] == hp::FlowKind::FwdBwd);
  CHECK(run->log.count("flow.orphan") == 1);  // one summary entry for the id-9 end
  REQUIRE(run->gpu.size() == 2);
  CHECK(run->gpu.slice[0] == k1);
  CHECK(run->gpu.launch_slice[0] == launch);
  CHECK(run->gpu.launch_slice[1] == hp::kNone);
  CHECK(run->log.count("flow.unlinked_gpu") == 1);
  REQUIRE(run->api.size() == 1);
  CHECK(run->api.slice[0] == launch);
  CHECK(run->api.correlation[0] == 7);
  // Tracks: (rank, process_sort, pid, ...): the GPU pid 0 sorts before pid 100.
  REQUIRE(run->tracks.size() == 2);
  CHECK(run->tracks[0].kind == hp::TrackKind::GpuStream);
  CHECK(run->tracks[0].stream == 7);
  CHECK(run->tracks[1].kind == hp::TrackKind::CpuThread);
}

TEST_CASE("M events name and order tracks, counters and instants", "[import][builder]") {
  auto run = import_text(R"({"traceEvents":[
    {"ph":"X","name":"g","cat":"kernel","pid":0,"tid":7,"ts":1,"dur":1},
    {"ph":"X","name":"c","cat":"cpu_op","pid":500,"tid":2,"ts":1,"dur":1},
    {"ph":"X","name":"c1","cat":"cpu_op","pid":500,"tid":1,"ts":1,"dur":1},
    {"ph":"M","name":"process_name","pid":500,"args":{"name":"python"}},
    {"ph":"M","name":"process_sort_index","pid":0,"args":{"sort_index":16777216}},
    {"ph":"M","name":"process_labels","pid":0,"args":{"labels":"GPU 0"}},
    {"ph":"M","name":"thread_name","pid":0,"tid":7,"args":{"name":"stream 7 "}},
    {"ph":"M","name":"thread_sort_index","pid":500,"tid":2,"args":{"sort_index":-1}},
    {"ph":"C","name":"mem","pid":500,"ts":2,"args":{"alloc":5,"free":2.5}},
    {"ph":"C","name":"mem","pid":500,"ts":1,"args":{"alloc":4,"free":1}},
    {"ph":"i","name":"mark","pid":500,"tid":1,"ts":3,"s":"g"},
    {"ph":"P","name":"sample","cat":"x","id":1,"pid":500,"tid":1,"ts":3}
  ]})");
  REQUIRE(run->tracks.size() == 3);
  // pid 500 (sort 0) before pid 0 (sort 0x1000000); within 500, tid 2 (sort -1) before tid 1.
  CHECK(run->tracks[0].pid == 500);
  CHECK(run->tracks[0].tid == 2);
  CHECK(run->tracks[1].tid == 1);
  CHECK(run->str(run->tracks[1].process_name) == "python");
  CHECK(run->tracks[2].pid == 0);
  CHECK(run->str(run->tracks[2].process_name) == "GPU 0");
  CHECK(run->str(run->tracks[2].thread_name) == "stream 7 ");
  CHECK(run->tracks[2].process_sort == 16777216);
  REQUIRE(run->counters.series.size() == 2);
  const auto& s0 = run->counters.series[0];
  CHECK(run->str(s0.name) == "mem.alloc");
  REQUIRE(s0.sample_end - s0.sample_begin == 2);
  CHECK(run->counters.ts[s0.sample_begin] == 1000);
  CHECK(run->counters.value[s0.sample_begin] == 4.0);
  CHECK(run->counters.value[s0.sample_begin + 1] == 5.0);
  CHECK(run->str(run->counters.series[1].name) == "mem.free");
  REQUIRE(run->instants.size() == 1);
  CHECK(run->instants.scope[0] == 'g');
  CHECK(run->instants.ts[0] == 3000);
  CHECK(run->sources[0].by_ph.at("P") == 1);
  CHECK(run->sources[0].by_cat.at("(none)") == 8);  // 5 M, 2 C, 1 i
  CHECK(run->log.count("json.unsupported_phase") == 1);
}

TEST_CASE("traces with their own baseTimeNanoseconds line up on the first one's base", "[import][builder]") {
  // Two captures of one serve-profile run: ts are µs relative to each file's base, 2.5 s apart.
  auto json = [](int64_t base) {
    return fmt::format(R"({{"baseTimeNanoseconds": {}, "traceEvents": [
      {{"ph":"X","name":"step","pid":1,"tid":1,"ts":10,"dur":5}},
      {{"ph":"i","name":"mark","pid":1,"tid":1,"ts":12,"s":"t"}},
      {{"ph":"C","name":"mem","pid":1,"ts":11,"args":{{"v":1}}}}]}})",
                       base);
  };
  const int64_t a = 1'767'189'312'000'000'000, b = a + 2'500'000'000;
  std::string ja = json(a), jb = json(b);
  ja.append(64, '\0');
  jb.append(64, '\0');
  hp::RunBuilder builder;
  hp::import_chrome_json(std::string_view(ja.data(), ja.size() - 64), "prefill.json", builder, nullptr, {});
  hp::import_chrome_json(std::string_view(jb.data(), jb.size() - 64), "decode.json", builder, nullptr, {});
  auto run = builder.finish();
  REQUIRE(run->slices.size() == 2);
  std::vector<hp::Ns> starts(run->slices.start.begin(), run->slices.start.end());
  std::sort(starts.begin(), starts.end());
  CHECK(starts == std::vector<hp::Ns>{10'000, 2'500'010'000});
  CHECK(run->sources.at(1).base_time_ns == a);  // Run time 0 of both sources
  std::vector<hp::Ns> inst(run->instants.ts.begin(), run->instants.ts.end());
  std::sort(inst.begin(), inst.end());
  CHECK(inst == std::vector<hp::Ns>{12'000, 2'500'012'000});
  std::vector<hp::Ns> cts(run->counters.ts.begin(), run->counters.ts.end());
  std::sort(cts.begin(), cts.end());
  CHECK(cts == std::vector<hp::Ns>{11'000, 2'500'011'000});
}

TEST_CASE("stage hints: a prefill and a decode capture of one rank are not taken for a repeat",
          "[import][builder]") {
  std::string j = R"({"traceEvents": [{"ph":"X","name":"step","pid":1,"tid":1,"ts":10,"dur":5}]})";
  j.append(64, '\0');
  const std::string_view text(j.data(), j.size() - 64);
  hp::RunBuilder builder;
  builder.set_stage_hints({{"a.json", "prefill"}, {"b.json", "decode"}});
  hp::import_chrome_json(text, "a.json", builder, nullptr, {});
  hp::import_chrome_json(text, "b.json", builder, nullptr, {});
  auto run = builder.finish();
  REQUIRE(run->sources.size() == 2);
  CHECK(run->sources[0].stage == "prefill");
  CHECK(run->sources[1].stage == "decode");
  CHECK(run->rank_count() == 1);
  CHECK(run->log.count(hp::Severity::Warning) == 0);
}

TEST_CASE("M event args read directly or through redaction and the DOM give the same names",
          "[import][builder]") {
  // Plain one-key args take the direct path; escapes, credentials, non-ASCII, extra keys and odd
  // numbers take the general one. Each pid's track shows what its M event said.
  auto run = import_text(R"({"traceEvents":[
    {"ph":"X","name":"a","pid":1,"tid":1,"ts":1,"dur":1},
    {"ph":"X","name":"a","pid":2,"tid":1,"ts":1,"dur":1},
    {"ph":"X","name":"a","pid":3,"tid":1,"ts":1,"dur":1},
    {"ph":"X","name":"a","pid":4,"tid":1,"ts":1,"dur":1},
    {"ph":"X","name":"a","pid":5,"tid":1,"ts":1,"dur":1},
    {"ph":"X","name":"a","pid":6,"tid":1,"ts":1,"dur":1},
    {"ph":"M","name":"process_name","pid":1,"args":{ "name" : "spaced" }},
    {"ph":"M","name":"process_name","pid":2,"args":{"name":"esc\u0041ped"}},
    {"ph":"M","name":"process_name","pid":3,"args":{"name":"HF_TOKEN=hf_abcdefghijklmnopqrstuvwx"}},
    {"ph":"M","name":"process_name","pid":4,"args":{"name":"na\u00efve","other":1}},
    {"ph":"M","name":"process_name","pid":5,"args":{"name":"naïve"}},
    {"ph":"M","name":"process_sort_index","pid":1,"args":{"sort_index":6.9}},
    {"ph":"M","name":"process_sort_index","pid":2,"args":{"sort_index":5e0}},
    {"ph":"M","name":"process_sort_index","pid":3,"args":{"sort_index":-4}},
    {"ph":"M","name":"process_sort_index","pid":4,"args":{"sort_index":"3"}},
    {"ph":"M","name":"process_sort_index","pid":5,"args":{"sort_index":2}},
    {"ph":"M","name":"process_sort_index","pid":6,"args":{"sort_index":true}}
  ]})");
  REQUIRE(run->tracks.size() == 6);
  auto track_of = [&](int64_t pid) {
    for (const auto& t : run->tracks)
      if (t.pid == pid) return t;
    FAIL("no track for pid " << pid);
    return run->tracks[0];
  };
  CHECK(run->str(track_of(1).process_name) == "spaced");
  CHECK(run->str(track_of(2).process_name) == "escAped");
  CHECK(run->str(track_of(3).process_name) == "HF_TOKEN=<redacted>");
  CHECK(run->str(track_of(4).process_name) == "naïve");
  CHECK(run->str(track_of(5).process_name) == "naïve");
  CHECK(track_of(1).process_sort == 6);
  CHECK(track_of(2).process_sort == 5);
  CHECK(track_of(3).process_sort == -4);
  CHECK(track_of(5).process_sort == 2);
  CHECK(run->redactions == 2);  // the hf_ token, as the chunk is read; then HF_TOKEN=... in the args
  // A quoted sort index and a boolean set nothing: those two keep sort 0.
  CHECK(track_of(4).process_sort == 0);
  CHECK(track_of(6).process_sort == 0);
  CHECK(run->tracks[0].pid == 3);
  CHECK(run->tracks[1].pid == 4);
  CHECK(run->tracks[2].pid == 6);
  CHECK(run->tracks[5].pid == 1);
}
