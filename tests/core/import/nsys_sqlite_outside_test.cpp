// Real Nsight Systems exports from public repositories (shared/fixtures/nsys_sqlite, facts in its
// PROVENANCE.md, recomputed with python3's sqlite3 where noted). Skipped when the shared fixtures
// are absent.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/import/nsys_sqlite.h"
#include "core/import/registry.h"

namespace fs = std::filesystem;
using namespace hp;

namespace {

fs::path shared(const char* name) {
  return fs::path(HOTPATH_SHARED_FIXTURES) / "nsys_sqlite" / name;
}

std::unique_ptr<Run> load(const fs::path& p) {
  LoadProgress progress;
  return load_inputs({p}, progress);
}

const char* kMfu = "GindaChen_nsys-ai__387e5a5d__tests_fixtures_mfu_2gpu_before.sqlite";

}  // namespace

TEST_CASE("nsys: two processes of one export link kernels within their own process", "[nsys]") {
  fs::path p = shared(kMfu);
  if (!fs::exists(p)) {
    WARN("shared fixture absent: " << p);
    return;
  }
  auto run = load(p);
  // python: GPU rows (kernel+memcpy+memset+sync) 5665, of which 5634 have a runtime row with the
  // same correlationId in the same process (pid = globalPid >> 24 & 0xffffff).
  REQUIRE(run->gpu.size() == 5665);
  uint64_t linked = 0, cross = 0;
  for (size_t i = 0; i < run->gpu.size(); ++i) {
    uint32_t l = run->gpu.launch_slice[i];
    if (l == kNone) continue;
    ++linked;
    cross += run->tracks[run->slices.track[l]].pid != run->tracks[run->slices.track[run->gpu.slice[i]]].pid;
  }
  CHECK(linked == 5634);
  CHECK(cross == 0);
}

TEST_CASE("nsys: sync rows sit on their context's GPU, on rows of their own", "[nsys]") {
  fs::path p = shared(kMfu);
  if (!fs::exists(p)) {
    WARN("shared fixture absent: " << p);
    return;
  }
  auto run = load(p);
  // python: SYNCHRONIZATION rows per pid: 144 -> 178, 145 -> 188; all say deviceId 0, while the
  // kernels of pid 145 (context 2) run on device 1.
  std::map<std::pair<int64_t, int32_t>, uint64_t> syncs;
  for (size_t i = 0; i < run->slices.size(); ++i) {
    if (run->slices.kind[i] != SliceKind::Sync) continue;
    const Track& t = run->tracks[run->slices.track[i]];
    ++syncs[{t.pid, t.device}];
    CHECK(std::string_view(run->str(t.thread_name)).ends_with(" sync"));
  }
  CHECK(syncs == std::map<std::pair<int64_t, int32_t>, uint64_t>{{{144, 0}, 178}, {{145, 1}, 188}});
  CHECK(run->log.count("nsys.sync_device") == 1);
}

TEST_CASE("nsys: a torchrun capture's workers are ranks, named by pid", "[nsys]") {
  fs::path p = shared(kMfu);
  if (!fs::exists(p)) {
    WARN("shared fixture absent: " << p);
    return;
  }
  auto run = load(p);
  // META_DATA_CAPTURE: PROCESS_0:COMMAND = torchrun; pid 144 drives GPU 0, pid 145 GPU 1.
  CHECK(run->rank_count() == 2);
  std::set<std::tuple<uint32_t, int64_t, std::string>> seen;
  for (const Track& t : run->tracks)
    if (t.kind == TrackKind::GpuStream) seen.insert({t.rank, t.pid, std::string(run->str(t.process_name))});
  CHECK(seen == std::set<std::tuple<uint32_t, int64_t, std::string>>{{0, 144, "python3 (pid 144)"},
                                                                     {1, 145, "python3 (pid 145)"}});
  CHECK(run->log.count("nsys.torchrun_rank") == 2);
}

TEST_CASE("nsys: an export without CUPTI or NVTX tables opens and shows what it holds", "[nsys]") {
  fs::path p = shared("nevakrien_python_c_nvidia__1c1237f3__report1.sqlite");
  if (!fs::exists(p)) {
    WARN("shared fixture absent: " << p);
    return;
  }
  register_builtin_importers();
  const Importer* imp = ImporterRegistry::instance().find(p);
  REQUIRE(imp != nullptr);
  CHECK(imp->name == "nsys-sqlite");
  auto run = load(p);
  // python: OSRT_API has 9401 rows on 2 threads, none with end < start.
  CHECK(run->sources.at(0).by_cat == std::map<std::string, uint64_t>{{"OSRT_API", 9401}});
  CHECK(run->slices.size() == 9401);
  CHECK(run->tracks.size() == 2);
  CHECK(run->gpu.size() == 0);
}

TEST_CASE("nsys: DIAGNOSTIC_EVENT rows are in the import log", "[nsys]") {
  // tests/data copy of NVIDIA/Fuser report1: 58 rows, severity 2 (Warning) x31 and 1 (Info) x27,
  // among them "No CUDA events collected. Does the process use CUDA?".
  auto run = load(fs::path(HOTPATH_TEST_DATA) / "nsys" / "nvfuser_h200_crossentropy_bench_report1.sqlite");
  CHECK(run->log.count("nsys.diagnostic") == 31);
  CHECK(run->log.count("nsys.diagnostic_info") == 27);
  bool no_cuda = false;
  for (const auto& e : run->log.entries())
    no_cuda = no_cuda || e.message == "nsys diagnostic: No CUDA events collected. Does the process use CUDA?";
  CHECK(no_cuda);
}

TEST_CASE("nsys: the version of exports that keep it in EXPORT_META_DATA", "[nsys]") {
  for (auto [file, version] : {std::pair{"tomarriott_GTLS__cfb514d3__report1.sqlite", "2023.1.2.43"},
                               std::pair{"hpcgroup_pipit__f76ee853__pipit_tests_data_saxpy-mpi-cuda_nsys_"
                                         "perlmutter0.sqlite",
                                         "2022.2.1.31"}}) {
    fs::path p = shared(file);
    if (!fs::exists(p)) {
      WARN("shared fixture absent: " << p);
      continue;
    }
    auto run = load(p);
    auto meta = nlohmann::json::parse(run->sources.at(0).metadata_json);
    CHECK(meta["nsys_export"]["EXPORT_PRODUCT_VERSION"] == version);
    CHECK(run->log.count("nsys.version") == 1);
  }
}

TEST_CASE("nsys: NVTX ranges of a named domain carry its name", "[nsys]") {
  // pipit's saxpy-mpi-cuda export: a DomainCreate row names domain 1 "MPI" (eventType 75); 17 of the
  // 22 push/pop ranges are in it (python3 sqlite3: SELECT eventType, count(*) ... WHERE domainId = 1).
  fs::path p = shared("hpcgroup_pipit__f76ee853__pipit_tests_data_saxpy-mpi-cuda_nsys_perlmutter0.sqlite");
  if (!fs::exists(p)) {
    WARN("shared fixture absent: " << p);
    return;
  }
  auto run = load(p);
  size_t nvtx = 0, mpi = 0;
  for (size_t i = 0; i < run->slices.size(); ++i) {
    if (run->slices.kind[i] != SliceKind::Nvtx) continue;
    ++nvtx;
    mpi += run->args_text(run->slices.args[i]) == R"({"domain":"MPI"})";
  }
  CHECK(nvtx == 22);
  CHECK(mpi == 17);
}
