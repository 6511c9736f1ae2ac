// Expectations were computed once with python3's sqlite3 module on the fixture, e.g.
//   SELECT count(*) FROM CUPTI_ACTIVITY_KIND_KERNEL                                  -> 18
//   SELECT sum(end-start) FROM CUPTI_ACTIVITY_KIND_KERNEL                            -> 10167602
//   SELECT eventClass, count(*) FROM CUPTI_ACTIVITY_KIND_RUNTIME GROUP BY 1          -> 0:91, 1:899
//   SELECT count(*) FROM (SELECT globalTid FROM CUPTI_ACTIVITY_KIND_RUNTIME
//                         UNION SELECT globalTid FROM NVTX_EVENTS)                    -> 10
//   NVTX_EVENTS: all 13513 rows are eventType 59 (NvtxPushPopRange) with an end       -> 13513 ranges
//   SELECT sum(end-start) FROM NVTX_EVENTS                                           -> 11792189555
//   kernels whose correlationId matches a runtime row                                -> 18
//     (cudaLaunchKernel_v7000: 9, cuLaunchKernel: 6, cuLaunchKernelEx: 3)
//   memcpy/memset/sync rows with a matching runtime correlationId                    -> 3 each
//   SELECT sum(bytes) FROM CUPTI_ACTIVITY_KIND_MEMCPY                                -> 456916994
#include "core/import/nsys_sqlite.h"

#include <sqlite3.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace fs = std::filesystem;
using namespace hp;

namespace {

const fs::path kFixture =
    fs::path(HOTPATH_TEST_DATA) / "nsys" / "nvfuser_h200_crossentropy_bench_report1.sqlite";

std::unique_ptr<Run> load_fixture() {
  RunBuilder b;
  LoadProgress progress;
  import_nsys_sqlite(kFixture, b, progress);
  return b.finish();
}

fs::path temp_path(const std::string& name) {
  return fs::temp_directory_path() / ("hotpath_nsys_test_" + std::to_string(::getpid()) + "_" + name);
}

std::string import_error(const fs::path& p) {
  RunBuilder b;
  LoadProgress progress;
  try {
    import_nsys_sqlite(p, b, progress);
  } catch (const ImportError& e) {
    return e.what();
  }
  return "";
}

// Imports a copy of the fixture after running `sql` on it.
std::unique_ptr<Run> import_edited(const std::string& name, const char* sql) {
  fs::path p = temp_path(name);
  fs::copy_file(kFixture, p, fs::copy_options::overwrite_existing);
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(p.string().c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  RunBuilder b;
  LoadProgress progress;
  import_nsys_sqlite(p, b, progress);
  fs::remove(p);
  return b.finish();
}

}  // namespace

TEST_CASE("nsys fixture: source row counts per activity table", "[nsys]") {
  auto run = load_fixture();
  REQUIRE(run->sources.size() == 1);
  const TraceSource& src = run->sources[0];
  CHECK(src.format == "nsys-sqlite");
  CHECK(src.path == kFixture.string());
  std::map<std::string, uint64_t> expected = {
      {"CUPTI_ACTIVITY_KIND_KERNEL", 18},         {"CUPTI_ACTIVITY_KIND_MEMCPY", 3},
      {"CUPTI_ACTIVITY_KIND_MEMSET", 3},          {"CUPTI_ACTIVITY_KIND_RUNTIME", 990},
      {"CUPTI_ACTIVITY_KIND_SYNCHRONIZATION", 3}, {"NVTX_EVENTS", 13513}};
  CHECK(src.by_cat == expected);
  CHECK(src.events == 18 + 3 + 3 + 990 + 3 + 13513);
  CHECK(src.base_time_ns == 1741793819042497997);  // TARGET_INFO_SESSION_START_TIME.utcEpochNs
  auto meta = nlohmann::json::parse(src.metadata_json);
  CHECK(meta["nsys_export"]["EXPORT_SCHEMA_VERSION"] == "3.17.1");
  // The warnings are nsys's own: 31 DIAGNOSTIC_EVENT rows of severity Warning. (The context-wide
  // 'Stream Wait Event' sync that partially overlapped a stream sync now has the context's sync
  // row to itself, so no slice overlaps another.)
  CHECK(run->log.count(Severity::Warning) == 31);
  CHECK(run->log.count("nsys.diagnostic") == 31);
  CHECK(run->log.count("slice.overlap") == 0);
  CHECK(run->log.count(Severity::Error) == 0);
}

TEST_CASE("nsys fixture: device properties and track names", "[nsys]") {
  auto run = load_fixture();
  auto gpus = nlohmann::json::parse(run->sources[0].device_properties_json);
  REQUIRE(gpus.size() == 1);
  CHECK(gpus[0]["name"] == "NVIDIA H200");
  CHECK(gpus[0]["numSms"] == 132);
  CHECK(gpus[0]["totalGlobalMem"] == int64_t{150121545728});

  size_t cpu = 0, streams = 0, stream_syncs = 0, contexts = 0;
  for (const Track& t : run->tracks) {
    if (t.kind == TrackKind::CpuThread) {
      ++cpu;
      if (t.tid == 50556) {
        CHECK(run->str(t.thread_name) == "pytest");
        CHECK(t.pid == 50556);
      }
    } else if (t.kind == TrackKind::GpuStream) {
      CHECK(t.pid == 50556);
      CHECK(t.device == 0);
      CHECK(run->str(t.process_name) == "pytest (pid 50556)");
      if (t.stream == 7) {
        // Kernels and copies on "stream 7"; its synchronization rows on a row of their own.
        std::string_view name = run->str(t.thread_name);
        CHECK((name == "stream 7" || name == "stream 7 sync"));
        ++(name == "stream 7" ? streams : stream_syncs);
      } else {
        CHECK(t.stream == -1);  // the context-wide synchronization row
        CHECK(run->str(t.thread_name) == "GPU 0 context sync");
        ++contexts;
      }
    }
  }
  CHECK(cpu == 10);
  CHECK(streams == 1);
  CHECK(stream_syncs == 1);
  CHECK(contexts == 1);
}

TEST_CASE("nsys: an SQLite file that is not an nsys export", "[nsys]") {
  fs::path p = temp_path("other.sqlite");
  fs::remove(p);
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(p.string().c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(
              db, "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES('a','b');",
              nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  std::string head(16, '\0');
  std::ifstream(p, std::ios::binary).read(head.data(), 16);
  CHECK_FALSE(sniff_nsys_sqlite(p, head));
  std::string err = import_error(p);
  CHECK_THAT(err, Catch::Contains(p.string()));
  CHECK_THAT(err, Catch::Contains("not an Nsight Systems export (no CUPTI_ACTIVITY_KIND_*, NVTX_EVENTS or "
                                  "OSRT_API table, and no nsys export metadata)"));
  fs::remove(p);
}

TEST_CASE("nsys: sniffing takes the fixture and rejects other files", "[nsys]") {
  std::string head(4096, '\0');
  std::ifstream in(kFixture, std::ios::binary);
  in.read(head.data(), 4096);
  CHECK(sniff_nsys_sqlite(kFixture, head));
  CHECK_FALSE(sniff_nsys_sqlite(kFixture, "{\"traceEvents\": []}"));
}

TEST_CASE("nsys: a truncated export fails with a clear error", "[nsys]") {
  std::ifstream in(kFixture, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (size_t keep : {size_t{50}, size_t{4096}, bytes.size() / 3, bytes.size() - 1000}) {
    fs::path p = temp_path("truncated.sqlite");
    std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(keep));
    std::string err = import_error(p);
    INFO("kept " << keep << " bytes: " << err);
    CHECK_THAT(err, Catch::Contains(p.string()));
    CHECK_THAT(err, Catch::Contains("cannot read as an Nsight Systems SQLite export") &&
                        (Catch::Contains("malformed") || Catch::Contains("not a database")));
    fs::remove(p);
  }
}

// Needs the full RunBuilder (branch `import`); the placeholder builder drops slices. Hidden until
// that lands: remove "[.]" when merging.
TEST_CASE("nsys fixture: slices, GPU ops and launch links", "[nsys]") {
  auto run = load_fixture();
  std::map<SliceKind, size_t> by_kind;
  Ns kernel_ns = 0, nvtx_ns = 0;
  std::set<uint32_t> kernel_tracks;
  for (size_t i = 0; i < run->slices.size(); ++i) {
    ++by_kind[run->slices.kind[i]];
    if (run->slices.kind[i] == SliceKind::Kernel) {
      kernel_ns += run->slices.dur[i];
      kernel_tracks.insert(run->slices.track[i]);
    }
    if (run->slices.kind[i] == SliceKind::Nvtx) nvtx_ns += run->slices.dur[i];
  }
  CHECK(by_kind[SliceKind::Kernel] == 18);
  CHECK(by_kind[SliceKind::Memcpy] == 3);
  CHECK(by_kind[SliceKind::Memset] == 3);
  CHECK(by_kind[SliceKind::Sync] == 3);
  CHECK(by_kind[SliceKind::Runtime] == 91);
  CHECK(by_kind[SliceKind::Driver] == 899);
  CHECK(by_kind[SliceKind::Nvtx] == 13513);
  CHECK(run->slices.size() == 14530);
  CHECK(run->instants.size() == 0);
  CHECK(kernel_ns == 10167602);
  CHECK(nvtx_ns == 11792189555);
  REQUIRE(kernel_tracks.size() == 1);
  CHECK(run->tracks[*kernel_tracks.begin()].stream == 7);

  REQUIRE(run->gpu.size() == 27);
  CHECK(run->api.size() == 990);
  std::map<std::string, int> launchers;
  uint64_t memcpy_bytes = 0;
  bool first_kernel_seen = false;
  for (size_t g = 0; g < run->gpu.size(); ++g) {
    uint32_t s = run->gpu.slice[g];
    CHECK(run->gpu.launch_slice[g] != kNone);
    if (run->slices.kind[s] == SliceKind::Memcpy) memcpy_bytes += run->gpu.launch[g].bytes;
    if (run->slices.kind[s] != SliceKind::Kernel) continue;
    if (run->gpu.launch_slice[g] != kNone)
      ++launchers[std::string(run->str(run->slices.name[run->gpu.launch_slice[g]]))];
    if (run->slices.start[s] == 5844617581) {  // the earliest kernel
      first_kernel_seen = true;
      CHECK(run->gpu.launch[g].grid == std::array<uint32_t, 3>{1056, 1, 1});
      CHECK(run->gpu.launch[g].block == std::array<uint32_t, 3>{256, 1, 1});
      CHECK(run->gpu.launch[g].registers_per_thread == 44);
      CHECK(run->gpu.device[g] == 0);
      CHECK(run->gpu.stream[g] == 7);
    }
  }
  CHECK(first_kernel_seen);
  CHECK(memcpy_bytes == 456916994);
  std::map<std::string, int> expected = {
      {"cudaLaunchKernel", 9}, {"cuLaunchKernel", 6}, {"cuLaunchKernelEx", 3}};
  CHECK(launchers == expected);
}

TEST_CASE("nsys: NVTX domains named before, after or never by a DomainCreate row", "[nsys]") {
  // The fixture's first 12 ranges moved to domains 7 (named by a row after them), 8 (named by a
  // row before them) and 9 (never named: its number stands in).
  auto run = import_edited("domains.sqlite",
                           "UPDATE NVTX_EVENTS SET domainId = 7 WHERE rowid BETWEEN 1 AND 5;"
                           "UPDATE NVTX_EVENTS SET domainId = 8 WHERE rowid BETWEEN 6 AND 9;"
                           "UPDATE NVTX_EVENTS SET domainId = 9 WHERE rowid BETWEEN 10 AND 12;"
                           "INSERT INTO NVTX_EVENTS(rowid, start, eventType, domainId, text, globalTid) "
                           "  VALUES (20000, 0, 75, 7, 'late', 0), (-1, 0, 75, 8, 'early', 0);");
  std::map<std::string, int> by_args;
  size_t nvtx = 0;
  for (size_t i = 0; i < run->slices.size(); ++i)
    if (run->slices.kind[i] == SliceKind::Nvtx) {
      ++nvtx;
      if (!run->slices.args[i].empty()) ++by_args[std::string(run->args_text(run->slices.args[i]))];
    }
  CHECK(nvtx == 13513);  // the two DomainCreate rows name domains; they are not ranges
  CHECK(by_args == std::map<std::string, int>{
                       {R"({"domain":"late"})", 5}, {R"({"domain":"early"})", 4}, {R"({"domain":"9"})", 3}});
  CHECK(run->sources.at(0).by_cat.at("NVTX_EVENTS") == 13515);  // every row counted
}

TEST_CASE("nsys: an activity table without rowids imports and counts like any other", "[nsys]") {
  // The fixture's 3 memset rows moved to a WITHOUT ROWID table of the same columns.
  auto run = import_edited(
      "norowid.sqlite",
      "CREATE TABLE m2(start INTEGER NOT NULL, end INTEGER NOT NULL, deviceId INTEGER NOT NULL,"
      " contextId INTEGER NOT NULL, greenContextId INTEGER, streamId INTEGER NOT NULL,"
      " correlationId INTEGER, globalPid INTEGER, value INTEGER NOT NULL, bytes INTEGER NOT NULL,"
      " graphNodeId INTEGER, memKind INTEGER, PRIMARY KEY(start, correlationId)) WITHOUT ROWID;"
      "INSERT INTO m2 SELECT * FROM CUPTI_ACTIVITY_KIND_MEMSET;"
      "DROP TABLE CUPTI_ACTIVITY_KIND_MEMSET;"
      "ALTER TABLE m2 RENAME TO CUPTI_ACTIVITY_KIND_MEMSET;");
  CHECK(run->sources.at(0).by_cat.at("CUPTI_ACTIVITY_KIND_MEMSET") == 3);
  CHECK(run->sources.at(0).events == 18 + 3 + 3 + 990 + 3 + 13513);
  size_t memsets = 0;
  for (size_t i = 0; i < run->slices.size(); ++i) memsets += run->slices.kind[i] == SliceKind::Memset;
  CHECK(memsets == 3);
}
