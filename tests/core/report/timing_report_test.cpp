// The timing report's headline numbers on hand-built traces.
#include "core/report/timing_report.h"

#include <catch2/catch.hpp>

#include "core/analysis/kernel_category.h"
#include "tests/core/import/import_test_util.h"

TEST_CASE("GPU busy is a share of the devices' own spans, never above 100%", "[report][timing]") {
  // Two GPUs busy over the same 100 µs: 200 µs of busy time over two 100 µs device spans.
  auto run = hp::test::import_text(
      R"({"traceEvents":[)"
      R"({"ph":"X","cat":"kernel","name":"k","pid":0,"tid":7,"ts":0,"dur":100,"args":{"device":0,"stream":7}},)"
      R"({"ph":"X","cat":"kernel","name":"k","pid":1,"tid":7,"ts":0,"dur":100,"args":{"device":1,"stream":7}}]})");
  auto cats = hp::KernelCategorizer::load_builtin(HOTPATH_ASSETS_DIR);
  hp::TimingReport r = hp::timing_report(*run, cats, "two gpus");
  REQUIRE(r.devices == 2);
  CHECK(r.overlap.all.busy == 200000);
  std::string text = hp::timing_report_text(*run, r, 10);
  CHECK_THAT(text, Catch::Contains("(100.0% of device spans)"));
}
