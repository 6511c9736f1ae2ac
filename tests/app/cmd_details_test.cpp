// `hotpath details`: what the details pane shows for a slice, from the command line (issue 22).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/cli_run.h"

using hp::test::contains;
using hp::test::run_hotpath;

namespace {
const std::string kSample = "'" HOTPATH_ASSETS_DIR "/samples/vllm_b200_tp8_eager_rank0.pt.trace.json.gz'";
}

TEST_CASE("details --format json: launch link, the launch's own Python stack, site and stage",
          "[cli][details]") {
  auto r =
      run_hotpath("details " + kSample + " --select bmm_MxE4m3_MxE2m1MxE4m3 --nth 2 --format json", false);
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["stage"] == "prefill");
  CHECK(j["source_site"] == "vllm/model_executor/layers/quantization/mxfp4.py(889): apply");
  CHECK(j["cpu_op"] == "vllm::moe_forward");
  REQUIRE(j["launched_by"].is_object());
  CHECK(j["launched_by"]["name"].get<std::string>().find("Launch") != std::string::npos);
  bool moe_op = false, quantize = false;
  for (const auto& f : j["python_stack"]) {
    moe_op = moe_op || f.get<std::string>().find("trtllm_fp4_block_scale_moe_op") != std::string::npos;
    quantize = quantize || f.get<std::string>().find("mxfp8_quantize") != std::string::npos;
  }
  CHECK(moe_op);
  CHECK_FALSE(quantize);  // the frames of a different, earlier launch (the bug)
  bool has_name = false;
  for (const auto& f : j["fields"]) has_name = has_name || (f["key"] == "name");
  CHECK(has_name);
}

TEST_CASE("details text output, --nth beyond the matches, and a name that matches nothing",
          "[cli][details]") {
  auto r = run_hotpath("details " + kSample + " --select fused_add_rms_norm_kernel");
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "kind: kernel"));
  CHECK(contains(r.out, "launched by: "));
  CHECK(contains(r.out, "python stack (outermost first):\n"));
  CHECK(contains(r.out, "stage: prefill"));
  r = run_hotpath("details " + kSample + " --select fused_add_rms_norm_kernel --nth 1000");
  CHECK(r.code == 1);
  CHECK(contains(r.out, "72 slices match"));
  r = run_hotpath("details " + kSample + " --select no_such_slice_anywhere");
  CHECK(r.code == 1);
  CHECK(contains(r.out, "0 slices match 'no_such_slice_anywhere'"));
  r = run_hotpath("details " + kSample + " --select x --format xml");
  CHECK(r.code == 2);
}
