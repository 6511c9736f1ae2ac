#include <catch2/catch.hpp>

#include "core/analysis/kernel_sites.h"
#include "core/analysis/slice_parents.h"
#include "support/fixture_run.h"
#include "support/run_maker.h"

using namespace hp;

TEST_CASE("kernel sites: launch -> cpu_op -> Python frames, by hand", "[analysis][kernel_sites]") {
  Run run = test::make_run({
      {0, 0, 100, "vllm/v1/worker/gpu_model_runner.py(2907): execute_model", 0, 0, SliceKind::PythonFunction},
      {0, 10, 50, "vllm/model_executor/layers/linear.py(560): forward", 1, 0, SliceKind::PythonFunction},
      {0, 12, 40, "torch/_ops.py(1244): __call__", 2, 0, SliceKind::PythonFunction},
      {0, 14, 30, "_C::gemm", 3, 0, SliceKind::CpuOp},
      {0, 15, 5, "cudaLaunchKernel", 4, 0, SliceKind::Runtime},
      {0, 70, 5, "cudaLaunchKernel", 1, 0, SliceKind::Runtime},
      {1, 200, 10, "gemm_kernel", 0, 0, SliceKind::Kernel},
      {1, 220, 10, "copy_kernel", 0, 0, SliceKind::Kernel},
      {1, 240, 10, "orphan_kernel", 0, 0, SliceKind::Kernel},
  });
  for (uint32_t i = 0; i < run.slices.size(); ++i)
    if (run.slices.kind[i] == SliceKind::Kernel) {
      run.gpu.slice.push_back(i);
      run.gpu.device.push_back(0);
    }
  run.gpu.launch_slice = {4, 5, kNone};
  KernelSites ks = resolve_kernel_sites(run, slice_parents(run));
  REQUIRE(ks.gpu_record.size() == 3);
  REQUIRE(ks.gpu_record[0] != kNone);
  const SiteRecord& a = ks.records[ks.gpu_record[0]];
  CHECK(a.site == "vllm/model_executor/layers/linear.py(560): forward");
  CHECK(a.cpu_op == "_C::gemm");
  CHECK(
      a.stack ==
      "vllm/v1/worker/gpu_model_runner.py(2907): execute_model -> vllm/model_executor/layers/linear.py(560): "
      "forward");
  // Launched outside any cpu_op: the launch name stands in; the outer frame is the site.
  const SiteRecord& b = ks.records[ks.gpu_record[1]];
  CHECK(b.site == "vllm/v1/worker/gpu_model_runner.py(2907): execute_model");
  CHECK(b.cpu_op == "cudaLaunchKernel");
  CHECK(ks.gpu_record[2] == kNone);

  SitesByName by = sites_by_name(run, ks);
  REQUIRE(by.count("gemm_kernel"));
  CHECK(by["gemm_kernel"][0].share_pct == Approx(100.0));
  CHECK(by["orphan_kernel"][0].site.empty());
}

TEST_CASE("kernel sites: name matching for two-trace mode", "[analysis][kernel_sites]") {
  CHECK(kernel_base_name("void at::native::k<float>(float*, int) ") ==
        "void at::native::k<float>(float*, int) ");
  CHECK(kernel_base_name("void at::native::k<float>(float*, int)") == "void at::native::k<float>");
  CHECK(kernel_base_name("foo_0x7fdc74225950") == "foo_0xADDR");
  SitesByName m;
  m["void vllm::rms_norm_kernel<c10::BFloat16>(c10::BFloat16*, int)"] = {
      SiteShare{"a.py(1): f", "", "", 10, 1, 100}};
  m["nvjet_tst_64x64_64x16_2x1_2cta_v_bz_bias_TNT"] = {SiteShare{"b.py(2): g", "", "", 10, 1, 100}};
  CHECK(std::string(match_sites(m, "nvjet_tst_64x64_64x16_2x1_2cta_v_bz_bias_TNT").how) == "exact");
  auto base = match_sites(m, "void vllm::rms_norm_kernel<c10::BFloat16>(c10::BFloat16*, long)");
  CHECK(std::string(base.how) == "base-name");
  REQUIRE(base.sites);
  CHECK(base.sites->front().site == "a.py(1): f");
  CHECK(std::string(match_sites(m, "nvjet_tst_64x64_64x16_2x1_2cta_v_bz_bias_TNT_extra").how) == "prefix");
  CHECK(match_sites(m, "short").sites == nullptr);
}

TEST_CASE("kernel sites: real vLLM B200 eager trace, checked by hand", "[analysis][kernel_sites][fixtures]") {
  auto path = test::kineto_fixture("tracelens_vllm_b200_tp8_eager_rank0.json.gz");
  if (path.empty()) {
    WARN("fixture absent, skipped");
    return;
  }
  auto run = test::load_fixture(path);
  KernelSites ks = resolve_kernel_sites(*run, slice_parents(*run));
  SitesByName by = sites_by_name(*run, ks);
  auto find = [&](std::string_view part) -> const std::vector<SiteShare>& {
    for (const auto& [name, v] : by)
      if (name.find(part) != std::string::npos) return v;
    FAIL("no kernel named like " << part);
    static std::vector<SiteShare> none;
    return none;
  };
  // Python frames (innermost last): ... custom_op.py(46): forward -> layernorm.py(194): forward_cuda ->
  // layernorm.py(35): fused_add_rms_norm -> vllm/_custom_ops.py(334) -> torch/_ops.py __call__.
  const auto& norm = find("fused_add_rms_norm_kernel");
  REQUIRE(norm.size() == 1);
  CHECK(norm[0].site == "vllm/model_executor/layers/layernorm.py(35): fused_add_rms_norm");
  CHECK(norm[0].cpu_op == "_C::fused_add_rms_norm");
  CHECK(norm[0].launches == 72);
  CHECK(norm[0].time == 452068);
  const auto& rope = find("rotary_embedding_kernel");
  REQUIRE(rope.size() == 1);
  CHECK(rope[0].site == "vllm/model_executor/layers/rotary_embedding/base.py(170): forward_cuda");
  CHECK(rope[0].cpu_op == "_C::rotary_embedding");
  // All-reduce is launched from three places (python: 36 + 36 + 1 launches).
  const auto& ar = find("multimem_all_reduce_kernel");
  REQUIRE(ar.size() == 3);
  CHECK(ar[0].site ==
        "vllm/model_executor/layers/fused_moe/layer.py(1687): maybe_all_reduce_tensor_model_parallel");
  CHECK(ar[0].time == 995102);
  CHECK(ar[0].share_pct == Approx(100.0 * 995102 / 2119548));
  CHECK(ar[1].site == "vllm/model_executor/layers/linear.py(1388): forward");
  CHECK(ar[1].launches == 36);
  CHECK(ar[2].site == "vllm/model_executor/layers/vocab_parallel_embedding.py(461): forward_native");
  CHECK(ar[2].launches == 1);
  CHECK(ar[0].cpu_op == "symm_mem::multimem_all_reduce_");
}
