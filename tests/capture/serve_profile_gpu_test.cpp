// serve-profile samples the GPUs through NVML (the stub library here) into per-GPU series, and serve-report
// opens with the measurement context; without NVML the run goes on with a one-line note.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "core/store/serving_store.h"
#include "tests/support/cli_run.h"
#include "tests/support/server_vllm.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using namespace hp;

namespace {
fs::path traffic(const fs::path& dir) {
  std::ofstream out(dir / "traffic.jsonl");
  for (int i = 0; i < 4; ++i) out << "{\"prompt\": \"gpu run " << i << "\", \"max_tokens\": 20}\n";
  return dir / "traffic.jsonl";
}
}  // namespace

TEST_CASE("serve-profile: NVML tracks into the run file and the measurement context in serve-report",
          "[capture][serve_profile][nvml]") {
  const fs::path dir = test::fresh_temp_dir("serve_profile_gpu", "stub");
  testing::TestServerOptions so;
  so.ttft_ms = 100;
  so.itl_ms = 10;
  so.max_lifetime_s = 60;
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  const fs::path run = dir / "run.hotpath";
  auto r = test::run_hotpath("serve-profile --endpoint " + server.base_url() + " --traffic " +
                                 traffic(dir).string() + " --concurrency 2 --num-requests 4 -q --output " +
                                 run.string(),
                             true, "env HOTPATH_NVML_LIBRARY='" HOTPATH_NVML_STUB "'");
  INFO(r.out);
  REQUIRE(r.code == 0);
  CHECK_FALSE(test::contains(r.out, "NVML not available"));
  ServingData d = read_serving(run);
  CHECK(d.meta.at("measurement.source") == "nvml");
  size_t gpu_series = 0, sm_samples = 0;
  for (const auto& s : d.metrics) {
    if (s.source != "nvml") continue;
    ++gpu_series;
    if (s.key.name == "gpu.sm_clock_mhz" && serving::label_value(s.key.labels, "gpu") == "0") {
      sm_samples = s.samples.size();
      for (const auto& smp : s.samples) CHECK(smp.value == 1980);
    }
  }
  CHECK(gpu_series == 16);
  CHECK(sm_samples >= 2);  // 10 Hz over a run of about 0.5 s

  auto rep = test::run_hotpath("serve-report " + run.string());
  INFO(rep.out);
  REQUIRE(rep.code == 0);
  CHECK(test::contains(rep.out, "Measurement context"));
  // Notes wrap at 98 columns: this line breaks inside "(from nvml)".
  CHECK(test::contains(rep.out,
                       "Driver 550.54.15, persistence on, clock policy auto boost on (default), clocks "
                       "locked: no (from\n"));
  CHECK(test::contains(rep.out,
                       "GPU 0 Stub GPU A: SM 1980/1980.0/1980 MHz (min/avg/max), mem 2619/2619.0/2619"));
  auto js = test::run_hotpath("serve-report --format json " + run.string(), false);
  CHECK(test::contains(js.out, "\"clocks_locked\": \"no\""));
  CHECK(test::contains(js.out, "\"driver\": \"550.54.15\""));
}

TEST_CASE("serve-profile: without NVML a one-line note, and the run goes on",
          "[capture][serve_profile][nvml]") {
  const fs::path dir = test::fresh_temp_dir("serve_profile_gpu", "none");
  testing::TestServerOptions so;
  so.ttft_ms = 5;
  so.itl_ms = 1;
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  const fs::path run = dir / "run.hotpath";
  auto r = test::run_hotpath("serve-profile --endpoint " + server.base_url() + " --traffic " +
                                 traffic(dir).string() + " --num-requests 2 -q --output " + run.string(),
                             true, "env HOTPATH_NVML_LIBRARY=/nonexistent/libnvidia-ml.so.1");
  INFO(r.out);
  REQUIRE(r.code == 0);
  CHECK(test::contains(r.out, "hotpath: NVML not available: /nonexistent/libnvidia-ml.so.1: "));
  CHECK(test::contains(r.out, "; no GPU tracks\n"));
  ServingData d = read_serving(run);
  CHECK(d.requests.size() == 2);
  CHECK(d.meta.at("measurement.note").find("NVML not available") == 0);
  auto rep = test::run_hotpath("serve-report " + run.string());
  CHECK(test::contains(rep.out, "NVML not available: /nonexistent/libnvidia-ml.so.1"));
}
