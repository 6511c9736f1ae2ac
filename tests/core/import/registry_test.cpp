// The registry decides a file's format from its content first, then from its last suffix.
#include "core/import/registry.h"

#include <catch2/catch.hpp>

#include "core/import/run_builder.h"
#include "core/store/run_file.h"
#include "tests/core/import/import_test_util.h"

namespace fs = std::filesystem;
using namespace hp;

TEST_CASE("registry: content decides before the name", "[import][registry]") {
  register_builtin_importers();
  const std::string kOne = R"({"traceEvents":[{"ph":"X","name":"a","pid":1,"tid":1,"ts":1,"dur":2}]})";

  SECTION("a run file named trace.json.hotpath opens as a run file") {
    RunBuilder b;
    TraceSource src;
    src.path = "x.json";
    b.begin_source(src);
    SliceIn s;
    s.start = 5, s.dur = 7, s.name = b.intern("k");
    s.track = b.track(1, 1, TrackKind::CpuThread);
    b.add_slice(s);
    auto run = b.finish();
    fs::path p = test::temp_file("trace.json.hotpath", "");
    fs::remove(p);
    save_run(*run, p);
    const Importer* imp = ImporterRegistry::instance().find(p);
    REQUIRE(imp != nullptr);
    CHECK(imp->name == "hotpath-run");
    LoadProgress progress;
    auto back = load_inputs({p}, progress);
    REQUIRE(back->slices.size() == 1);
    CHECK(back->slices.dur[0] == 7);
    fs::remove(p);
  }
  SECTION("JSON content opens whatever the name") {
    fs::path p = test::temp_file("capture.trace", kOne);
    const Importer* imp = ImporterRegistry::instance().find(p);
    REQUIRE(imp != nullptr);
    CHECK(imp->name == "kineto-json");
  }
  SECTION("a broken x.json still gets the JSON importer's error; other names are unsupported") {
    fs::path p = test::temp_file("broken.json", "SQLite? no");
    const Importer* imp = ImporterRegistry::instance().find(p);
    REQUIRE(imp != nullptr);
    CHECK(imp->name == "kineto-json");
    CHECK(ImporterRegistry::instance().find(test::temp_file("notes.txt", "hello")) == nullptr);
    CHECK(ImporterRegistry::instance().find(test::temp_file("trace.json.txt", "hello")) == nullptr);
  }
}
