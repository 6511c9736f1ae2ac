#include "core/store/run_file.h"

#include <sqlite3.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/import/nsys_sqlite.h"
#include "tests/core/import/import_test_util.h"

namespace fs = std::filesystem;
using namespace hp;

namespace {

fs::path temp_path(const std::string& name) {
  return fs::temp_directory_path() / ("hotpath_run_file_test_" + std::to_string(::getpid()) + "_" + name);
}

// Bytewise equality, so that NaN occupancy values compare equal to themselves.
template <class T>
bool same_bytes(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

void check_args(const ArgsColumn& a, const ArgsColumn& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].offset == b[i].offset);
    CHECK(a[i].length == b[i].length);
  }
}

// Compares every column of every table, the string pool, the sources and the import log.
void check_same(const Run& a, const Run& b) {
  REQUIRE(a.strings.size() == b.strings.size());
  for (StrId i = 0; i < a.strings.size(); ++i) CHECK(a.str(i) == b.str(i));

  REQUIRE(a.tracks.size() == b.tracks.size());
  for (size_t i = 0; i < a.tracks.size(); ++i) {
    const Track &x = a.tracks[i], &y = b.tracks[i];
    CHECK(x.rank == y.rank);
    CHECK(x.kind == y.kind);
    CHECK(x.pid == y.pid);
    CHECK(x.tid == y.tid);
    CHECK(x.pid_name == y.pid_name);
    CHECK(x.tid_name == y.tid_name);
    CHECK(x.process_name == y.process_name);
    CHECK(x.thread_name == y.thread_name);
    CHECK(x.process_sort == y.process_sort);
    CHECK(x.thread_sort == y.thread_sort);
    CHECK(x.device == y.device);
    CHECK(x.stream == y.stream);
    CHECK(x.slice_begin == y.slice_begin);
    CHECK(x.slice_end == y.slice_end);
    CHECK(x.lanes == y.lanes);
    CHECK(x.overflow_slices == y.overflow_slices);
    CHECK(x.max_depth == y.max_depth);
  }

  CHECK(a.slices.start == b.slices.start);
  CHECK(a.slices.dur == b.slices.dur);
  CHECK(a.slices.name == b.slices.name);
  CHECK(a.slices.track == b.slices.track);
  CHECK(a.slices.cat == b.slices.cat);
  CHECK(a.slices.kind == b.slices.kind);
  CHECK(a.slices.depth == b.slices.depth);
  CHECK(a.slices.lane == b.slices.lane);
  CHECK(a.slices.external_id == b.slices.external_id);
  check_args(a.slices.args, b.slices.args);

  CHECK(a.gpu.slice == b.gpu.slice);
  CHECK(a.gpu.correlation == b.gpu.correlation);
  CHECK(a.gpu.device == b.gpu.device);
  CHECK(a.gpu.stream == b.gpu.stream);
  CHECK(a.gpu.launch == b.gpu.launch);  // by bytes: NaN rows compare equal
  CHECK(a.gpu.launch_slice == b.gpu.launch_slice);

  CHECK(a.api.slice == b.api.slice);
  CHECK(a.api.correlation == b.api.correlation);
  CHECK(a.python.slice == b.python.slice);
  CHECK(a.python.python_id == b.python.python_id);
  CHECK(a.python.parent_id == b.python.parent_id);

  CHECK(a.flows.id == b.flows.id);
  CHECK(a.flows.cat == b.flows.cat);
  CHECK(a.flows.kind == b.flows.kind);
  CHECK(a.flows.from_slice == b.flows.from_slice);
  CHECK(a.flows.to_slice == b.flows.to_slice);

  CHECK(a.instants.ts == b.instants.ts);
  CHECK(a.instants.track == b.instants.track);
  CHECK(a.instants.name == b.instants.name);
  CHECK(a.instants.cat == b.instants.cat);
  CHECK(a.instants.scope == b.instants.scope);
  check_args(a.instants.args, b.instants.args);

  REQUIRE(a.counters.series.size() == b.counters.series.size());
  for (size_t i = 0; i < a.counters.series.size(); ++i) {
    const CounterSeries &x = a.counters.series[i], &y = b.counters.series[i];
    CHECK(x.rank == y.rank);
    CHECK(x.pid == y.pid);
    CHECK(x.name == y.name);
    CHECK(x.unit == y.unit);
    CHECK(x.sample_begin == y.sample_begin);
    CHECK(x.sample_end == y.sample_end);
  }
  CHECK(a.counters.ts == b.counters.ts);
  CHECK(same_bytes(a.counters.value, b.counters.value));
  CHECK(a.raw_args == b.raw_args);
  CHECK(a.redactions == b.redactions);

  REQUIRE(a.sources.size() == b.sources.size());
  for (size_t i = 0; i < a.sources.size(); ++i) {
    const TraceSource &x = a.sources[i], &y = b.sources[i];
    CHECK(x.path == y.path);
    CHECK(x.format == y.format);
    CHECK(x.rank == y.rank);
    CHECK(x.world_size == y.world_size);
    CHECK(x.stage == y.stage);
    CHECK(x.base_time_ns == y.base_time_ns);
    CHECK(x.display_time_unit == y.display_time_unit);
    CHECK(x.schema_version == y.schema_version);
    CHECK(x.device_properties_json == y.device_properties_json);
    CHECK(x.distributed_info_json == y.distributed_info_json);
    CHECK(x.metadata_json == y.metadata_json);
    CHECK(x.by_cat == y.by_cat);
    CHECK(x.by_ph == y.by_ph);
    CHECK(x.events == y.events);
  }

  REQUIRE(a.log.entries().size() == b.log.entries().size());
  for (size_t i = 0; i < a.log.entries().size(); ++i) {
    const LogEntry &x = a.log.entries()[i], &y = b.log.entries()[i];
    CHECK(x.severity == y.severity);
    CHECK(x.code == y.code);
    CHECK(x.file == y.file);
    CHECK(x.offset == y.offset);
    CHECK(x.message == y.message);
  }
  CHECK(a.log.counts() == b.log.counts());
  for (Severity s : {Severity::Info, Severity::Warning, Severity::Error})
    CHECK(a.log.count(s) == b.log.count(s));
}

// A run with a row in every table, values at the edges of their types, and unicode strings.
std::unique_ptr<Run> hand_made_run() {
  auto r = std::make_unique<Run>();
  StrId kernel = r->strings.intern("void gemm<128>(float*, 日本語 ✓)");
  StrId launch = r->strings.intern("cudaLaunchKernel");
  StrId cat_k = r->strings.intern("kernel"), cat_rt = r->strings.intern("cuda_runtime");
  StrId stream = r->strings.intern("stream 7 "), proc = r->strings.intern("python3 — wörker");
  StrId ac2g = r->strings.intern("ac2g"), mark = r->strings.intern("mark \xF0\x9F\x94\xA5");
  StrId series = r->strings.intern("Memory.Total Allocated"), unit = r->strings.intern("bytes");

  r->tracks.push_back(Track{.rank = 0,
                            .kind = TrackKind::CpuThread,
                            .pid = 4242,
                            .tid = 4243,
                            .pid_name = proc,
                            .tid_name = 0,
                            .process_name = proc,
                            .thread_name = 0,
                            .process_sort = -5,
                            .thread_sort = 7,
                            .device = -1,
                            .stream = -1,
                            .slice_begin = 0,
                            .slice_end = 2,
                            .lanes = 2,
                            .overflow_slices = 1,
                            .max_depth = 1});
  r->tracks.push_back(Track{.rank = 3,
                            .kind = TrackKind::GpuStream,
                            .pid = 0,
                            .tid = 7,
                            .pid_name = 0,
                            .tid_name = stream,
                            .process_name = 0,
                            .thread_name = stream,
                            .process_sort = 0,
                            .thread_sort = 0,
                            .device = 0,
                            .stream = 7,
                            .slice_begin = 2,
                            .slice_end = 3,
                            .lanes = 1,
                            .overflow_slices = 0,
                            .max_depth = 0});
  r->raw_args += R"({"correlation": 9, "name": "ü"}{"stream": 7})";
  auto slice = [&](Ns start, Ns dur, StrId name, uint32_t track, StrId cat, SliceKind kind, uint8_t depth,
                   uint8_t lane, int64_t ext, ArgsRef args) {
    Slices& s = r->slices;
    s.start.push_back(start);
    s.dur.push_back(dur);
    s.name.push_back(name);
    s.track.push_back(track);
    s.cat.push_back(cat);
    s.kind.push_back(kind);
    s.depth.push_back(depth);
    s.lane.push_back(lane);
    s.external_id.push_back(ext);
    s.args.push_back(args);
  };
  slice(INT64_MIN / 2, 1000, launch, 0, cat_rt, SliceKind::Runtime, 0, 0, 0, {0, 31});
  slice(-5, 0, launch, 0, cat_rt, SliceKind::Runtime, 1, 1, INT64_MAX, {});
  slice(INT64_MAX / 2, 123456789, kernel, 1, cat_k, SliceKind::Kernel, 0, 0, -1, {31, 13});

  GpuOps& g = r->gpu;
  g.slice = {2};
  g.correlation = {9};
  g.device = {0};
  g.stream = {7};
  g.launch = {{.bytes = UINT64_MAX,
               .grid = {UINT32_MAX, 2, 3},
               .block = {128, 1, 1},
               .shared_memory = 49152,
               .occupancy_pct = std::nanf(""),
               .registers_per_thread = 255}};
  g.launch_slice = {0};
  r->api.slice = {0, 1};
  r->api.correlation = {9, -3};
  r->python.slice = {1};
  r->python.python_id = {17};
  r->python.parent_id = {-1};
  r->flows.id = {1, UINT64_MAX};
  r->flows.cat = {ac2g, ac2g};
  r->flows.kind = {FlowKind::Ac2g, FlowKind::Other};
  r->flows.from_slice = {0, kNone};
  r->flows.to_slice = {2, 1};
  r->instants.ts = {5, -7};
  r->instants.track = {0, 1};
  r->instants.name = {mark, mark};
  r->instants.cat = {0, cat_k};
  r->instants.scope = {'g', 't'};
  r->instants.args = {{}, {31, 13}};
  r->counters.series.push_back(
      {.rank = 1, .pid = 4242, .name = series, .unit = unit, .sample_begin = 0, .sample_end = 3});
  r->counters.ts = {100, 50, 200};
  r->counters.value = {1.5, -0.0, std::nan("")};
  r->redactions = 2;

  TraceSource src;
  src.path = "/traces/rank3 ✓.pt.trace.json.gz";
  src.format = "kineto-json";
  src.rank = 3;
  src.world_size = 8;
  src.stage = "decode";
  src.base_time_ns = 1741793819042497997;
  src.display_time_unit = "ms";
  src.schema_version = 1;
  src.device_properties_json = R"([{"name":"NVIDIA H100"}])";
  src.distributed_info_json = R"({"rank":3})";
  src.metadata_json = R"({"with_stack":true})";
  src.by_cat = {{"kernel", 1}, {"cuda_runtime", 2}, {"(none)", 0}};
  src.by_ph = {{"X", 3}, {"i", 2}};
  src.events = 5;
  r->sources.push_back(src);
  r->sources.push_back(TraceSource{});
  for (int i = 0; i < 60; ++i)
    r->log.warn("slice.overlap", src.path, 1000 + i, "overlap ✓ " + std::to_string(i));
  r->log.error("json.truncated", src.path, 99, "truncated");
  r->log.info("redacted", src.path, "HF_TOKEN");
  return r;
}

std::string open_error(const fs::path& p) {
  try {
    open_run(p);
  } catch (const ImportError& e) {
    return e.what();
  }
  return "";
}

void exec_sql(const fs::path& p, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(p.string().c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

}  // namespace

TEST_CASE("run file: a hand-made run with every table round-trips", "[run_file]") {
  auto run = hand_made_run();
  REQUIRE(run->log.entries().size() == ImportLog::kKeepPerCode + 2);
  fs::path p = temp_path("hand.hotpath");
  save_run(*run, p);
  auto back = open_run(p);
  CHECK(back->raw_args.pending_chunks() == 1);  // args are decompressed when first read
  CHECK(back->args_text(back->slices.args[2]) == R"(}{"stream": 7)");  // {31, 13}: ü is 2 bytes
  CHECK(back->raw_args.pending_chunks() == 0);
  check_same(*run, *back);
  CHECK(back->log.count("slice.overlap") == 60);
  CHECK(back->str(back->slices.name[2]) == "void gemm<128>(float*, 日本語 ✓)");

  SECTION("the registry opens it through the hotpath-run importer") {
    register_builtin_importers();
    const Importer* imp = ImporterRegistry::instance().find(p);
    REQUIRE(imp != nullptr);
    CHECK(imp->name == "hotpath-run");
    LoadProgress progress;
    auto loaded = load_inputs({p}, progress);
    check_same(*run, *loaded);
    CHECK(progress.done == progress.total);
  }
  fs::remove(p);
}

TEST_CASE("run file: an empty run round-trips", "[run_file]") {
  Run empty;
  fs::path p = temp_path("empty.hotpath");
  save_run(empty, p);
  auto back = open_run(p);
  check_same(empty, *back);
  CHECK(back->strings.size() == 1);
  fs::remove(p);
}

TEST_CASE("run file: the nsys fixture round-trips", "[run_file]") {
  fs::path fixture = fs::path(HOTPATH_TEST_DATA) / "nsys" / "nvfuser_h200_crossentropy_bench_report1.sqlite";
  RunBuilder b;
  LoadProgress progress;
  import_nsys_sqlite(fixture, b, progress);
  auto run = b.finish();
  fs::path p = temp_path("nsys.hotpath");
  save_run(*run, p);
  auto back = open_run(p);
  check_same(*run, *back);
  CHECK(back->sources.at(0).by_cat.at("NVTX_EVENTS") == 13513);

  std::string head(4096, '\0');
  std::ifstream(p, std::ios::binary).read(head.data(), 4096);
  CHECK(sniff_run_file(p, head));
  CHECK_FALSE(sniff_nsys_sqlite(p, head));
  std::string fixture_head(4096, '\0');
  std::ifstream(fixture, std::ios::binary).read(fixture_head.data(), 4096);
  CHECK_FALSE(sniff_run_file(fixture, fixture_head));
  fs::remove(p);
}

TEST_CASE("run file: damaged files fail with a clear error", "[run_file]") {
  auto run = hand_made_run();
  fs::path p = temp_path("damaged.hotpath");

  SECTION("truncated") {
    save_run(*run, p);
    auto size = fs::file_size(p);
    for (uintmax_t keep : {uintmax_t{0}, uintmax_t{100}, size / 2, size - 512}) {
      save_run(*run, p);
      fs::resize_file(p, keep);
      std::string err = open_error(p);
      INFO("kept " << keep << " of " << size << " bytes");
      CHECK_THAT(err, Catch::Contains(p.string()));
      CHECK_THAT(err, Catch::Contains("corrupt or truncated") || Catch::Contains("not a hotpath run file") ||
                          Catch::Contains("missing"));
    }
  }
  SECTION("a corrupt chunk") {
    save_run(*run, p);
    exec_sql(p,
             "UPDATE columns SET data = x'28b52ffd0000' WHERE table_name = 'slices' AND column_name = 'dur'");
    CHECK_THAT(open_error(p), Catch::Contains("column slices.dur rows 0+3: corrupt chunk"));
  }
  SECTION("a corrupt args chunk: a bad frame header fails the open, a bad body reads as no args") {
    save_run(*run, p);
    exec_sql(p, "UPDATE raw_args SET data = x'28b52ffd0000'");
    CHECK_THAT(open_error(p),
               Catch::Contains("column raw_args.text rows 0+45: corrupt chunk (frame header)"));
    save_run(*run, p);
    // Same header (content size 45), body damaged past it: found only when the args are read.
    exec_sql(p, "UPDATE raw_args SET data = substr(data, 1, 6) || zeroblob(length(data) - 6)");
    auto back = open_run(p);
    CHECK(back->args_text(back->slices.args[0]).empty());
  }
  SECTION("a missing column") {
    save_run(*run, p);
    exec_sql(p, "DELETE FROM columns WHERE table_name = 'tracks' AND column_name = 'kind'");
    CHECK_THAT(open_error(p), Catch::Contains("column tracks.kind is missing"));
  }
  SECTION("an index out of range") {
    Run bad = std::move(*hand_made_run());
    bad.slices.track.set(1, 9);
    save_run(bad, p);
    CHECK_THAT(open_error(p), Catch::Contains("slices.track row 1: index 9 out of range (limit 2)"));
  }
  SECTION("a newer schema version") {
    save_run(*run, p);
    exec_sql(p, "UPDATE meta SET value = '7' WHERE key = 'schema_version'");
    CHECK_THAT(open_error(p),
               Catch::Contains("run file schema 7 is newer than this hotpath (2); upgrade hotpath"));
  }
  SECTION("an SQLite file that is not a run file") {
    fs::remove(p);
    exec_sql(p, "CREATE TABLE meta(key TEXT, value TEXT); INSERT INTO meta VALUES('format', 'other');");
    CHECK_THAT(open_error(p), Catch::Contains("not a hotpath run file"));
  }
  fs::remove(p);
}

TEST_CASE("run file: args longer than an ArgsRef's inline length round-trip", "[run_file]") {
  // 17 MiB of args, past the 24-bit inline length: stored behind its length, read back whole.
  std::string big = "{\"k\":\"" + std::string(17u << 20, 'x') + "\"}";
  std::string json = R"([{"ph":"X","name":"a","pid":1,"tid":1,"ts":1,"dur":2,"args":)" + big +
                     R"(},{"ph":"X","name":"b","pid":1,"tid":1,"ts":5,"dur":5000000000,"args":{"n":1}}])";
  auto run = test::import_text(json);
  REQUIRE(run->slices.size() == 2);
  CHECK(run->slices.args[0].length == ArgsRef::kLongArgs);
  CHECK(run->args_text(run->slices.args[0]) == big);
  CHECK(run->args_text(run->slices.args[1]) == R"({"n":1})");
  CHECK(run->slices.dur[1] == 5000000000000);  // 5000 s: past u32 ns, kept exactly
  fs::path p = temp_path("long_args.hotpath");
  save_run(*run, p);
  auto back = open_run(p);
  check_same(*run, *back);
  CHECK(back->args_text(back->slices.args[0]) == big);
  CHECK(back->slices.dur[1] == 5000000000000);
  fs::remove(p);
}

TEST_CASE("run file: reading a finished run leaves no -wal or -shm beside it", "[run_file]") {
  auto run = hand_made_run();
  fs::path p = temp_path("readonly.hotpath");
  save_run(*run, p);
  fs::remove(p.string() + "-wal"), fs::remove(p.string() + "-shm");
  auto back = open_run(p);
  check_same(*run, *back);
  back.reset();
  CHECK_FALSE(fs::exists(p.string() + "-wal"));
  CHECK_FALSE(fs::exists(p.string() + "-shm"));
  fs::remove(p);
}
