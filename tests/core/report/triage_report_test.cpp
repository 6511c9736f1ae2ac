#include <catch2/catch.hpp>

#include "core/report/triage_report.h"

using namespace hp;

namespace {

Triage sample() {
  Triage t;
  t.framework = "vllm";
  t.site_source = "trace";
  t.kernels_by = {2, 10, 0, 0};
  TriageStage s;
  s.stage = "decode";
  s.gpu_time = 3000;
  s.busy_time = 2500;
  s.launches = 12;
  s.distinct_kernels = 3;
  s.hidden_kernels = 1;
  s.hidden_time = 20;
  TriageKernel k;
  k.name =
      "void at::native::vectorized_elementwise_kernel<4, at::native::FillFunctor<float>, "
      "at::detail::Array<char*, 1> >(int, at::native::FillFunctor<float>, at::detail::Array<char*, 1>)";
  k.category = "memory";
  k.gpu_time = 2000;
  k.launches = 8;
  k.share_sum_pct = 66.666;
  k.share_busy_pct = 80;
  k.site = "vllm/a.py(1): f";
  k.cpu_op = "aten::fill_";
  k.site_share_pct = 75;
  k.sites = {SiteShare{"vllm/a.py(1): f", "aten::fill_", "", 1500, 6, 75},
             SiteShare{"vllm/b.py(2): g|h", "aten::zero_", "", 500, 2, 25}};
  s.kernels.push_back(k);
  TriageKernel k2;
  k2.name = "gemm, \"quoted\"";
  k2.category = "gemm";
  k2.gpu_time = 980;
  k2.launches = 3;
  k2.share_sum_pct = 32.7;
  s.kernels.push_back(k2);
  s.categories = {CategoryRow{"memory", 2000, 8, 1, 66.7, 80}, CategoryRow{"gemm", 1000, 4, 2, 33.3, 40}};
  t.stages.push_back(s);
  return t;
}

}  // namespace

TEST_CASE("triage report: JSON shape", "[report][triage]") {
  nlohmann::json j = triage_json(sample());
  REQUIRE(j["stages"].size() == 1);
  const auto& s = j["stages"][0];
  for (const char* key : {"stage", "gpu_time_ns", "busy_time_ns", "unassigned_kernels", "kernels", "overlap",
                          "fusions", "graphs"})
    CHECK(s.contains(key));
  CHECK(s["overlap"] == nlohmann::json::array());
  const auto& k = s["kernels"][0];
  for (const char* key :
       {"name", "category", "gpu_time_ns", "launches", "share_sum_pct", "share_busy_pct", "site", "cpu_op"})
    CHECK(k.contains(key));
  CHECK(k["gpu_time_ns"] == 2000);
  CHECK(k["sites"].size() == 2);
  CHECK(j["stage_assignment"]["cpu_step"] == 10);
  CHECK(j["stage_assignment"]["unassigned"] == 2);
}

TEST_CASE("triage report: Markdown tables read well", "[report][triage]") {
  std::string md = triage_markdown(sample(), "T");
  CHECK(md.find("# T\n") == 0);
  CHECK(md.find("## Stage: decode — 12 kernel launches, 3 distinct, GPU time 3 µs (busy 2.5 µs)") !=
        std::string::npos);
  CHECK(md.find("**2 unassigned**") != std::string::npos);
  // Elided name, shares with one decimal, both sites with their shares, '|' escaped.
  CHECK(md.find("| `" + elide_kernel_name(sample().stages[0].kernels[0].name) +
                "` | memory | 2 µs | 66.7% | 80.0% | 8 |") != std::string::npos);
  CHECK(md.find("| 66.7% | 80.0% | 8 |") != std::string::npos);
  CHECK(md.find("`vllm/a.py(1): f` (75.0%)<br>`vllm/b.py(2): g\\|h` (25.0%)") != std::string::npos);
  CHECK(md.find("1 more kernel under 1.0% each (20 ns, 0.7% of the stage)") != std::string::npos);
  CHECK(md.find("**memory** kernels take 66.7% of decode kernel time") != std::string::npos);
  CHECK(md.find("No fuse-catalog pattern matched") != std::string::npos);
  CHECK(md.find("No CUDA-graph replay in this stage") != std::string::npos);
}

TEST_CASE("triage report: CSV quotes and one row per kernel", "[report][triage]") {
  std::string csv = triage_csv(sample());
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 3);
  CHECK(csv.find("decode,\"gemm, \"\"quoted\"\"\",gemm,980,3,") != std::string::npos);
}

TEST_CASE("triage report: kernel name elision", "[report][triage]") {
  CHECK(elide_kernel_name("nvjet_tst_64x64") == "nvjet_tst_64x64");
  CHECK(elide_kernel_name("void k(int)") == "k(int)");  // short: parameters kept
  // Real B200 names: the return type goes, then nested template arguments.
  CHECK(elide_kernel_name(
            "std::enable_if<(((8)>(0)))&&vllm::_typeConvert<c10::BFloat16>::exists, void>::type "
            "vllm::fused_add_rms_norm_kernel<c10::BFloat16, 8>(c10::BFloat16*, long, c10::BFloat16*, "
            "c10::BFloat16 const*, float, int, int)") == "vllm::fused_add_rms_norm_kernel<c10::BFloat16, 8>");
  CHECK(elide_kernel_name(
            "void (anonymous namespace)::multimem_all_reduce_kernel<c10::BFloat16, 16>(c10::BFloat16*, "
            "unsigned long, unsigned int**, unsigned long, unsigned long)") ==
        "(anonymous namespace)::multimem_all_reduce_kernel<c10::BFloat16, 16>");
  const std::string fill =
      "void at::native::vectorized_elementwise_kernel<8, at::native::FillFunctor<int>, "
      "std::array<char*, 1ul> >(int, at::native::FillFunctor<int>, std::array<char*, 1ul>)";
  CHECK(elide_kernel_name(fill, 95) ==
        "at::native::vectorized_elementwise_kernel<8, at::native::FillFunctor<…>, std::array<…> >");
  // Still too long for 72: head and tail around "…", never cutting a UTF-8 sequence.
  CHECK(elide_kernel_name(fill) == "at::native::vectorized_elementwise_kernel<8, at::nati… std::array<…> >");
  std::string longname = "void " + std::string(100, 'a') + "(int, float)";
  std::string e = elide_kernel_name(longname, 40);
  CHECK(e == std::string(29, 'a') + "…" + std::string(10, 'a'));
}
