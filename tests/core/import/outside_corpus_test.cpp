// Public traces that no one here wrote (tests/data/outside, see tests/data/PROVENANCE.md). The
// expected values were counted with python's json module under the rules stated per case.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>

#include "core/import/registry.h"

namespace fs = std::filesystem;

namespace {

std::unique_ptr<hp::Run> load(const char* name) {
  hp::LoadProgress p;
  return hp::load_inputs({fs::path(HOTPATH_TEST_DATA) / "outside" / name}, p);
}

}  // namespace

TEST_CASE("outside corpus: Catapult's legacy async test data", "[import][outside]") {
  auto run = load("catapult_async_begin_end.json");
  const hp::TraceSource& src = run->sources.at(0);
  CHECK(src.events == 32);
  CHECK(src.by_ph == std::map<std::string, uint64_t>{{"B", 3}, {"E", 3}, {"F", 10}, {"S", 10}, {"T", 6}});
  // S opens and F closes within (pid, cat, id), in file order; T is an instant: 7 matched pairs,
  // 3 F without an S (bf1; the ids 1 and 2 that pid 2 opened and pid 3 closed), 3 S never closed.
  std::multiset<std::tuple<std::string, hp::Ns, hp::Ns>> async;
  for (size_t i = 0; i < run->slices.size(); ++i)
    if (run->str(run->slices.name[i]).size() == 1)
      async.insert({std::string(run->str(run->slices.name[i])), run->slices.start[i], run->slices.dur[i]});
  const hp::Ns us = 1000;
  CHECK(async == std::multiset<std::tuple<std::string, hp::Ns, hp::Ns>>{{"A", 50 * us, 850 * us},
                                                                        {"A", 250 * us, 500 * us},
                                                                        {"B", 100 * us, 200 * us},
                                                                        {"B", 200 * us, 200 * us},
                                                                        {"F", 0, 100 * us},
                                                                        {"F", 100 * us, 100 * us},
                                                                        {"F", 200 * us, 100 * us},
                                                                        {"D", 725 * us, 0},
                                                                        {"E", 500 * us, 0},
                                                                        {"E", 600 * us, 0}});
  CHECK(run->slices.size() == 10 + 3);  // and the three B/E slices
  CHECK(run->instants.size() == 6);
  CHECK(run->log.count("slice.unmatched_end") == 3);
  CHECK(run->log.count("slice.unclosed_begin") == 3);
  CHECK(run->tracks.size() == 12 + 1);  // 12 (pid, cat, id) async tracks and thread (1, 1)
}

TEST_CASE("outside corpus: Catapult's cross-process flow test data", "[import][outside]") {
  auto run = load("catapult_flow_simple.json");
  CHECK(run->sources.at(0).events == 10);
  CHECK(run->slices.size() == 5);
  // id 8780d403: s -> f (1 link); id 8780d402: s -> t -> f (2 links); each end binds a slice.
  REQUIRE(run->flows.size() == 3);
  std::set<std::pair<std::string, std::string>> links;
  for (size_t i = 0; i < run->flows.size(); ++i) {
    REQUIRE(run->flows.from_slice[i] != hp::kNone);
    REQUIRE(run->flows.to_slice[i] != hp::kNone);
    links.insert({std::string(run->str(run->slices.name[run->flows.from_slice[i]])),
                  std::string(run->str(run->slices.name[run->flows.to_slice[i]]))});
  }
  CHECK(links == std::set<std::pair<std::string, std::string>>{
                     {"SenderB", "Blergh"}, {"SenderA", "OtherSlice"}, {"OtherSlice", "SomeSlice"}});
  CHECK(run->log.count(hp::Severity::Warning) == 0);
}
