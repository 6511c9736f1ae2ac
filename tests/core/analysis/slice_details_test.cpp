#include <catch2/catch.hpp>

#include "core/analysis/slice_details.h"
#include "support/run_maker.h"

using namespace hp;

TEST_CASE("details: typed fields, decoded args, parent and both launch directions") {
  Run run = test::make_run({{0, 0, 100, "aten::mm"},
                            {0, 10, 5, "cudaLaunchKernel", 1, 0, SliceKind::Runtime},
                            {1, 20, 50, "sgemm", 0, 0, SliceKind::Kernel}});
  std::string args = R"({"External id": 7, "grid": [4, 1, 1], "note": "text"})";
  run.slices.args.set(2, {run.raw_args.size(), static_cast<uint32_t>(args.size())});
  run.raw_args += args;
  run.slices.args.set(0, {run.raw_args.size(), 3});
  run.raw_args += "{x]";
  run.api.slice = {1};
  run.api.correlation = {42};
  run.gpu.slice = {2};
  run.gpu.correlation = {42};
  run.gpu.device = {0};
  run.gpu.stream = {7};
  run.gpu.launch = {
      {.grid = {4, 1, 1}, .block = {128, 1, 1}, .occupancy_pct = 50.0f, .registers_per_thread = 32}};
  run.gpu.launch_slice = {1};

  SliceDetails k = slice_details(run, 2);
  auto field = [](const SliceDetails& d, std::string key) {
    for (auto& f : d.fields)
      if (f.key == key) return f.value;
    return std::string("<missing>");
  };
  CHECK(field(k, "name") == "sgemm");
  CHECK(field(k, "duration") == "50 ns (50 ns)");
  CHECK(field(k, "grid") == "[4, 1, 1]");
  CHECK(field(k, "device / stream") == "0 / 7");
  CHECK(field(k, "est. achieved occupancy") == "50.0%");
  CHECK(field(k, "shared memory") == "<missing>");
  CHECK(k.launched_by == 1);
  REQUIRE(k.args.size() == 3);
  CHECK(k.args[0].key == "External id");
  CHECK(k.args[2].value == "text");

  SliceDetails l = slice_details(run, 1);
  CHECK(l.parent == 0);
  CHECK(l.launches == std::vector<uint32_t>{2});
  CHECK(field(l, "correlation") == "42");
  CHECK_FALSE(slice_details(run, 0).args_error.empty());
}
