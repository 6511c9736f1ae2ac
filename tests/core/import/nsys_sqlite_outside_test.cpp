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
