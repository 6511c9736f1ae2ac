#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>

#include "core/analysis/asset_json.h"
#include "core/analysis/kernel_category.h"

namespace {

const hp::KernelCategorizer& builtin() {
  static const hp::KernelCategorizer c = hp::KernelCategorizer::load_builtin(HOTPATH_ASSETS_DIR);
  return c;
}

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  auto p = std::filesystem::temp_directory_path() / name;
  std::ofstream(p) << text;
  return p;
}

}  // namespace

TEST_CASE("kernel categories: built-in rules load and every regex compiles", "[analysis][kernel_category]") {
  const auto& c = builtin();
  REQUIRE(c.rules().size() >= 15);
  for (const auto& r : c.rules()) {
    CHECK(!r.note.empty());
    CHECK(!r.source.empty());
  }
  CHECK(c.categories().back() == "other");
  for (const char* want : {"gemm", "attention", "moe", "comm", "norm", "activation", "rope", "quant",
                           "kv-cache", "sampling", "elementwise", "reduce", "memory", "embedding", "triton"})
    CHECK(std::find(c.categories().begin(), c.categories().end(), want) != c.categories().end());
}

TEST_CASE("kernel categories: known traps", "[analysis][kernel_category]") {
  const auto& c = builtin();
  // FlashAttention split-KV combine and FA3 CUTLASS kernels are attention, not gemm/comm.
  CHECK(
      c.categorize("void flash::flash_fwd_splitkv_combine_kernel<Flash_fwd_kernel_traits<(int)128, (int)64, "
                   "(int)128, (int)4, (bool)0, (bool)0, cutlass::bfloat16_t, Flash_kernel_traits<(int)128") ==
      "attention");
  CHECK(c.categorize(
            "void cutlass::device_kernel<flash::FlashAttnFwdCombine<cute::tuple<cute::C<8>, cute::C<128>>, "
            "7, 256, 1, false, true, cutlass::bfloat16_t, float, cutlass::arch::Sm90> >(flash::"
            "FlashAttnFwdCombine<...>::Params)") == "attention");
  CHECK(c.categorize("void cutlass::device_kernel<flash::enable_sm90_or_later<flash::FlashAttnFwdSm90<flash::"
                     "CollectiveMainloopFwdSm90<2, cute::tuple<cute::C<1>, cute::C<1>, cute::C<1> >, "
                     "cute::tuple<cute::C<128l>, cute::C<128l>, cute::C<128l> >, 128, cutlass::bfloat16_t") ==
        "attention");
  CHECK(c.categorize("void cutlass::device_kernel<cutlass::gemm::kernel::GemmUniversal<...> >") == "gemm");
  // KV-cache write with an FP8 cache dtype template argument is kv-cache, not quant.
  CHECK(c.categorize(
            "void vllm::reshape_and_cache_flash_kernel<__nv_bfloat16, unsigned char, "
            "(vllm::Fp8KVCacheDataType)1>(__nv_bfloat16 const*, __nv_bfloat16 const*, unsigned char*, "
            "unsigned char*, long const*, long, long, long, long, long, int, int, int, float const*, f") ==
        "kv-cache");
  // Inductor RMSNorm carries _to_copy_ but is a norm, not memory.
  CHECK(c.categorize("triton_red_fused__to_copy_add_mean_mul_pow_rsqrt_0") == "norm");
  CHECK(c.categorize("triton_per_fused__to_copy_add_mean_mul_pow_rsqrt_2") == "norm");
  CHECK(c.categorize("triton_poi_fused__to_copy_1") == "elementwise");
  CHECK(c.categorize("triton_red_fused_3") == "triton");
  // MoE grouped GEMMs and routing are moe, not gemm/sampling/memory.
  CHECK(c.categorize("fused_moe_kernel") == "moe");
  CHECK(c.categorize(
            "void moe_align_block_size_kernel<int>(int const*, int*, int*, int*, int, int, int, int)") ==
        "moe");
  CHECK(c.categorize("void cutlass::device_kernel<cutlass::gemm::kernel::GemmUniversal<cutlass::gemm::"
                     "GroupProblemShape<cute::tuple<int, int, int> >, ...> >") == "moe");
  CHECK(c.categorize("grouped_gemm_nt_masked") == "moe");
  CHECK(c.categorize("void vllm::moe::topkGatingSoftmax<float, 8, 8, 4, 32, int, float>(...)") == "moe");
  CHECK(c.categorize("_combined_routing_memset") == "moe");
  // Combine alone is not communication; DeepEP combine is.
  CHECK(c.categorize("void deep_ep::internode::combine<__nv_bfloat16, 8>(...)") == "comm");
  CHECK(c.categorize("ncclDevKernel_AllReduce_Sum_bf16_RING_LL(ncclDevKernelArgsStorage<4096ul>)") == "comm");
  CHECK(c.categorize("void vllm::cross_device_reduce_1stage<__nv_bfloat16, 8>(vllm::RankData*, ...)") ==
        "comm");
  // CUTLASS GEMMs with a relu epilogue are gemm, not activation; convolutions are conv.
  CHECK(c.categorize(
            "void cutlass::Kernel2<cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_256x128_32x3_tn_align8>"
            "(T1::Params)") == "gemm");
  CHECK(c.categorize(
            "sm80_xmma_fprop_implicit_gemm_bf16bf16_bf16f32_f32_nhwckrsc_nhwc_tilesize128x32x32_stage4_"
            "warpsize4x1x1_g1_tensor16x8x16_execute_kernel__5x_cudnn") == "conv");
  CHECK(c.categorize("Memcpy HtoD (Pinned -> Device)") == "memory");
  CHECK(c.categorize("[CUDA memset]") == "memory");
  CHECK(c.categorize("some_unknown_kernel") == "other");
}

TEST_CASE("kernel categories: real kernel names from every fixture", "[analysis][kernel_category]") {
  const auto& c = builtin();
  std::ifstream in(std::string(HOTPATH_TEST_DATA) + "/analysis/kernel_names.txt");
  REQUIRE(in);
  std::string line;
  size_t total = 0, other = 0;
  std::map<std::string, size_t> fixtures;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    REQUIRE(t2 != std::string::npos);
    std::string expected = line.substr(0, t1), fixture = line.substr(t1 + 1, t2 - t1 - 1);
    std::string name = line.substr(t2 + 1);
    INFO(fixture << ": " << name);
    CHECK(c.categorize(name) == expected);
    ++total;
    ++fixtures[fixture];
    if (expected == "other") ++other;
  }
  CHECK(total == 277);
  CHECK(fixtures.size() == 18);  // 16 kineto traces + 2 nsys tables add a new name
  // Share of real names that no rule claims.
  WARN("kernel names falling to 'other': " << other << " of " << total);
  CHECK(other * 100 < total * 2);
}

TEST_CASE("kernel categories: user rules go first, annotations override", "[analysis][kernel_category]") {
  auto c = builtin();
  auto user = write_temp("hotpath_user_rules.json", R"({"rules": [
    {"category": "my-gemm", "regex": "^nvjet_tst_64x", "note": "team split"},
    {"category": "attention", "regex": "^_matmul_ogs", "note": "deliberately wrong, to see precedence"}]})");
  c.prepend_user_rules(user);
  CHECK(c.categorize("nvjet_tst_64x64_64x16_2x1_2cta_v_bz_bias_TNT") == "my-gemm");
  CHECK(c.categorize("nvjet_tst_144x128_64x6_2x1_v_bz_bias_TNN") == "gemm");
  CHECK(c.categorize("_matmul_ogs_NNT_bf16xbf16xmxfp4_16x128x256x1") == "attention");
  CHECK(c.rules()[0].origin == user.string());
  CHECK(c.match("nvjet_tst_64x64").rule == 0);

  // Annotation: exact category name (case-insensitive) or hotpath:cat=<category>.
  CHECK(c.categorize("Cijk_Alik_Bljk_BBS_BH_Bias", std::string_view("Attention")) == "attention");
  CHECK(c.categorize("Cijk_Alik_Bljk_BBS_BH_Bias", std::string_view("qkv_proj hotpath:cat=my-gemm")) ==
        "my-gemm");
  auto m = c.match("Cijk_Alik_Bljk_BBS_BH_Bias", std::string_view("hotpath:cat=moe"));
  CHECK(m.category == "moe");
  CHECK(m.from_annotation);
  // Ordinary annotations and unknown categories do not override.
  CHECK(c.categorize("Cijk_Alik_Bljk_BBS_BH_Bias", std::string_view("ProfilerStep#3")) == "gemm");
  CHECK(c.categorize("Cijk_Alik_Bljk_BBS_BH_Bias", std::string_view("hotpath:cat=nonsense")) == "gemm");
  CHECK(c.categorize("Cijk_Alik_Bljk_BBS_BH_Bias",
                     std::string_view("execute_context_1(888_788544)_generation_0(0)")) == "gemm");
  std::filesystem::remove(user);
}

TEST_CASE("kernel categories: bad rule files give clear errors", "[analysis][kernel_category]") {
  auto check_error = [](const std::string& text, const std::string& needle) {
    try {
      hp::KernelCategorizer::from_json_text(text, "rules.json");
      FAIL("no error for " << text);
    } catch (const hp::AssetError& e) {
      INFO(e.what());
      CHECK(std::string(e.what()).find(needle) != std::string::npos);
      CHECK(e.file() == "rules.json");
    }
  };
  check_error(R"({"rules": [{"category": "x", "regex": "a(b"}]})", "rules[0].regex");
  check_error(R"({"rules": [{"category": "x"}]})", "rules[0].regex");
  check_error(R"({"rules": [{"regex": "x"}]})", "rules[0].category");
  check_error(R"({"rules": [{"category": "other", "regex": "x"}]})", "implicit");
  check_error(R"({"rule": []})", "$.rules");
  check_error(R"({"annotation_rules": [{"category": "comm", "regex": "(("}]})", "annotation_rules[0].regex");
  check_error("{\"rules\": [\n  {\"category\": \"x\",, }]}", "byte 31");
  CHECK_THROWS_AS(hp::KernelCategorizer::load("/nonexistent/kernel_categories.json"), hp::AssetError);
}

TEST_CASE("kernel categories: errors in a well-formed file name the byte where the rule starts",
          "[analysis][kernel_category]") {
  // Byte offsets counted by hand: rules[0] starts at byte 14, rules[1] at 60, annotation_rules[0] at 134.
  const std::string text =
      "{\"rules\": [\n"
      "  {\"category\": \"gemm2\", \"regex\": \"^my_gemm\"},\n"
      "  {\"category\": \"x\", \"regex\": \"a(b\", \"note\": \"[,]\"}\n"
      "], \"annotation_rules\": [ {\"regex\": \"^x\"} ]}";
  REQUIRE(text.substr(60, 1) == "{");
  REQUIRE(text.substr(134, 1) == "{");
  try {
    hp::KernelCategorizer::from_json_text(text, "mine.json");
    FAIL("no error");
  } catch (const hp::AssetError& e) {
    CHECK(std::string(e.what()).rfind("mine.json: byte 60: rules[1].regex", 0) == 0);
    CHECK(e.offset() == 60);
  }
  std::string fixed = text;
  fixed.replace(fixed.find("a(b"), 3, "a.b");
  try {
    hp::KernelCategorizer::from_json_text(fixed, "mine.json");
    FAIL("no error");
  } catch (const hp::AssetError& e) {
    CHECK(std::string(e.what()) ==
          "mine.json: byte 134: annotation_rules[0].category: missing or not a non-empty string");
  }
  CHECK(hp::array_element_offset(text, "rules", 0) == 14);
  CHECK(hp::array_element_offset(text, "rules", 2) == 0);  // no such element
  CHECK(hp::array_element_offset(text, "nothing", 0) == 0);
}

TEST_CASE("kernel categories: annotation rules and the hotpath:cat convention",
          "[analysis][kernel_category]") {
  const auto& b = builtin();
  // Built-in annotation rule: c10d's record_function names of collectives.
  REQUIRE(!b.annotation_rules().empty());
  CHECK(b.category_from_annotation("nccl:all_reduce") == std::optional<std::string_view>("comm"));
  CHECK(b.category_from_annotation("nccl:_all_gather_base") == std::optional<std::string_view>("comm"));
  CHECK(b.category_from_annotation("gloo:all_reduce") == std::optional<std::string_view>("comm"));
  CHECK(!b.category_from_annotation("## forward ##"));
  CHECK(!b.category_from_annotation("Optimizer.step#SGD.step"));
  CHECK(!b.category_from_annotation("ProfilerStep#552"));
  // The explicit tag, both spellings; it ends at a space or punctuation and wins over the rest.
  CHECK(b.category_from_annotation("block3 hotpath:category=Attention") ==
        std::optional<std::string_view>("attention"));
  CHECK(b.category_from_annotation("nccl:all_reduce [hotpath:cat=gemm]") ==
        std::optional<std::string_view>("gemm"));
  CHECK(!b.category_from_annotation("nccl:all_reduce hotpath:cat=gemmm"));  // a typo overrides nothing
  CHECK(b.categorize("ampere_sgemm_128x64_nn", std::string_view("nccl:broadcast")) == "comm");

  // User annotation rules go first and may name categories no kernel rule has.
  auto c = builtin();
  c.prepend_rules(hp::KernelCategorizer::from_json_text(
      R"({"annotation_rules": [{"category": "optimizer", "regex": "^Optimizer\\.step#"},
                               {"category": "gemm", "regex": "^nccl:broadcast$"}]})",
      "user.json"));
  CHECK(c.rules().size() == b.rules().size());
  CHECK(c.annotation_rules().size() == b.annotation_rules().size() + 2);
  CHECK(c.category_from_annotation("Optimizer.step#SGD.step") ==
        std::optional<std::string_view>("optimizer"));
  CHECK(c.category_from_annotation("nccl:broadcast") == std::optional<std::string_view>("gemm"));
  CHECK(c.category_from_annotation("nccl:all_reduce") == std::optional<std::string_view>("comm"));
  CHECK(std::find(c.categories().begin(), c.categories().end(), "optimizer") != c.categories().end());
  CHECK(c.categories().back() == "other");
  CHECK(c.category_from_annotation("x hotpath:cat=optimizer") ==
        std::optional<std::string_view>("optimizer"));
}
