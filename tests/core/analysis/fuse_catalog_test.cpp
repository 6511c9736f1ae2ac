#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "core/analysis/asset_json.h"
#include "core/analysis/fuse_catalog.h"
#include "core/analysis/kernel_category.h"

namespace {

const hp::FuseCatalog& catalog() {
  static const hp::FuseCatalog c = hp::FuseCatalog::load_builtin(HOTPATH_ASSETS_DIR);
  return c;
}
const hp::KernelCategorizer& categorizer() {
  static const hp::KernelCategorizer c = hp::KernelCategorizer::load_builtin(HOTPATH_ASSETS_DIR);
  return c;
}

// One stream's kernels, in time order, with their categories.
struct Stream {
  std::vector<std::string> storage;
  std::vector<std::string_view> names, categories;
  explicit Stream(std::vector<std::string> n) : storage(std::move(n)) {
    for (const auto& s : storage) {
      names.push_back(s);
      categories.push_back(categorizer().categorize(s));
    }
  }
};

Stream read_stream(const std::string& file) {
  std::ifstream in(std::string(HOTPATH_TEST_DATA) + "/analysis/" + file);
  REQUIRE(in);
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') names.push_back(line);
  return Stream(std::move(names));
}

// id -> detection, for readable assertions.
std::map<std::string, hp::FuseDetection> by_id(std::vector<hp::FuseDetection> v) {
  std::map<std::string, hp::FuseDetection> m;
  for (auto& d : v) m.emplace(std::string(d.id), std::move(d));
  return m;
}

}  // namespace

TEST_CASE("fuse catalog: built-in catalog validates", "[analysis][fuse_catalog]") {
  const auto& c = catalog();
  CHECK(c.patterns().size() == 49);  // 47 predecessor specs + vLLM rope+kvcache and allreduce+rms passes
  size_t with_sequence = 0;
  for (const auto& p : c.patterns()) {
    INFO(p.id);
    CHECK(!p.references.empty());
    CHECK(!p.title.empty());
    CHECK(!p.rationale.empty());
    if (!p.unfused.empty()) ++with_sequence;
  }
  CHECK(with_sequence >= 30);
  // Every category a step names is one the category rules produce.
  CHECK(c.unknown_categories(categorizer().categories()).empty());
}

TEST_CASE("fuse catalog: real vLLM B200 TP8 stream (GPT-OSS)", "[analysis][fuse_catalog]") {
  Stream s = read_stream("b200_tp8_stream7_kernels.txt");
  REQUIRE(s.names.size() == 60);
  auto d = by_id(catalog().detect(s.names, s.categories, {"vllm", "openai/gpt-oss-120b", 8}));
  CHECK(d.size() == 5);
  // vllm::fused_add_rms_norm_kernel is present: the fusion is in use.
  REQUIRE(d.count("vllm-fused-add-rmsnorm"));
  CHECK(d["vllm-fused-add-rmsnorm"].status == hp::FuseStatus::Confirmed);
  CHECK(d["vllm-fused-add-rmsnorm"].occurrences == 5);
  CHECK(d["vllm-fused-add-rmsnorm"].evidence == std::vector<uint32_t>{16, 28, 37, 49, 58});
  // multimem all-reduce directly followed by the (fused-add) RMSNorm.
  REQUIRE(d.count("vllm-allreduce-rms"));
  CHECK(d["vllm-allreduce-rms"].status == hp::FuseStatus::Candidate);
  CHECK(d["vllm-allreduce-rms"].occurrences == 6);
  CHECK(std::vector<uint32_t>(d["vllm-allreduce-rms"].evidence.begin(),
                              d["vllm-allreduce-rms"].evidence.begin() + 4) ==
        std::vector<uint32_t>{6, 7, 15, 16});
  // rotary -> copy -> scaled_fp8_quant -> reshape_and_cache_flash.
  CHECK(d["vllm-rope-kvcache"].occurrences == 3);
  CHECK(d["vllm-rope-kvcache"].evidence[0] == 9);
  CHECK(d["vllm-rope-kvcache"].evidence[1] == 12);
  CHECK(d["vllm-pr38621-qknorm-rope-cache-quant"].status == hp::FuseStatus::Candidate);
  CHECK(d["vllm-pr38621-qknorm-rope-cache-quant"].occurrences == 3);
  // Router nvjet GEMM, then fill/copy/quantize, then the MoE routing kernels.
  REQUIRE(d.count("vllm-gpt-oss-router-gemm"));
  CHECK(d["vllm-gpt-oss-router-gemm"].occurrences == 2);
  CHECK(d["vllm-gpt-oss-router-gemm"].evidence == std::vector<uint32_t>{17, 21, 38, 42});
  // Not there: no separate activation (SwiGLU is inside the MoE bmm), no norm->quant adjacency.
  CHECK(!d.count("vllm-act-and-mul"));
  CHECK(!d.count("vllm-rmsnorm-quant"));
  CHECK(!d.count("sglang-fused-add-rmsnorm"));  // other framework

  // Without context every framework's entries apply; TP1 drops the TP-only ones.
  auto any = by_id(catalog().detect(s.names, s.categories));
  CHECK(any.size() == 8);
  CHECK(any.count("sglang-flashinfer-allreduce-fusion"));
  CHECK(!any.count("vllm-gpt-oss-router-gemm"));  // model unknown: model-specific Candidates are held back
  auto tp1 = by_id(catalog().detect(s.names, s.categories, {"", "", 1}));
  CHECK(!tp1.count("vllm-allreduce-rms"));
  CHECK(!tp1.count("sglang-moe-sum-allreduce"));
}

TEST_CASE("fuse catalog: real vLLM MI300X decode full-graph stream", "[analysis][fuse_catalog]") {
  Stream s = read_stream("mi300x_decode_fullgraph_kernels.txt");
  REQUIRE(s.names.size() == 40);
  auto d = by_id(catalog().detect(s.names, s.categories, {"vllm", "gpt-oss-20b", 1}));
  CHECK(d.size() == 2);
  REQUIRE(d.count("vllm-rope-kvcache"));
  CHECK(d["vllm-rope-kvcache"].evidence == std::vector<uint32_t>{4, 5, 21, 22});
  // The tightest occurrence: the router Cijk GEMM (9), not the o_proj GEMM two kernels earlier (7).
  REQUIRE(d.count("vllm-gpt-oss-router-gemm"));
  CHECK(d["vllm-gpt-oss-router-gemm"].evidence == std::vector<uint32_t>{9, 10, 27, 28});
}

TEST_CASE("fuse catalog: sequences from real kernel names hit and miss", "[analysis][fuse_catalog]") {
  const std::string add =
      "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<c10::BFloat16>, "
      "std::array<char*, "
      "3ul> >(int, at::native::CUDAFunctor_add<c10::BFloat16>, std::array<char*, 3ul>)";
  const std::string rms =
      "void vllm::rms_norm_kernel<c10::BFloat16, 8, 2>(c10::BFloat16*, c10::BFloat16 const*, long)";
  const std::string gemm = "nvjet_tst_64x64_64x16_2x1_2cta_v_bz_bias_TNT";
  const std::string silu =
      "void at::native::vectorized_elementwise_kernel<(int)4, "
      "at::native::<unnamed>::silu_kernel(at::TensorIteratorBase "
      "&)::[lambda() (instance 1)]::operator ()() const";
  const std::string mul =
      "void at::native::vectorized_elementwise_kernel<(int)4, at::native::BinaryFunctor<c10::BFloat16, "
      "c10::BFloat16, "
      "c10::BFloat16, at::native::binary_internal::MulFunctor<float>>, std::array<char *, (unsigned "
      "long)3>>(int, T2, "
      "T3)";
  const std::string act_and_mul =
      "_ZN7sgl_hip10activation18act_and_mul_kernelI14__hip_bfloat16TnPFT_RKS3_EXadL_Z4siluIS2_ES3_S5_"
      "EEEEvPS3_PS4_i";
  hp::FuseContext vllm{"vllm", "", 0}, sglang{"sglang", "", 0};

  Stream unfused({gemm, add, rms, gemm, silu, mul, gemm});
  auto d = by_id(catalog().detect(unfused.names, unfused.categories, vllm));
  REQUIRE(d.count("vllm-fused-add-rmsnorm"));
  CHECK(d["vllm-fused-add-rmsnorm"].status == hp::FuseStatus::Candidate);
  CHECK(d["vllm-fused-add-rmsnorm"].evidence == std::vector<uint32_t>{1, 2});
  REQUIRE(d.count("vllm-act-and-mul"));
  CHECK(d["vllm-act-and-mul"].evidence == std::vector<uint32_t>{4, 5});

  // Adjacency matters: a GEMM between the add and the norm breaks the sequence (max_gap 0).
  Stream apart({add, gemm, rms});
  CHECK(by_id(catalog().detect(apart.names, apart.categories, vllm)).count("vllm-fused-add-rmsnorm") == 0);
  // Without categories, category steps never match.
  CHECK(by_id(catalog().detect(unfused.names, {}, vllm)).count("vllm-fused-add-rmsnorm") == 0);

  // SGLang ROCm fused act-and-mul and aiter add_rmsnorm_quant (real names): Confirmed.
  Stream fused({act_and_mul,
                "_ZN5aiter24add_rmsnorm_quant_kernelIDF16bDF16bLi256ELi16ELb1ELb0ELb1ELi1EEEvPT0_PT_PfS4_S4_"
                "S4_diiiiiiib"});
  auto f = by_id(catalog().detect(fused.names, fused.categories, sglang));
  REQUIRE(f.count("sglang-act-and-mul"));
  CHECK(f["sglang-act-and-mul"].status == hp::FuseStatus::Confirmed);
  REQUIRE(f.count("sglang-fused-add-rmsnorm"));
  CHECK(f["sglang-fused-add-rmsnorm"].status == hp::FuseStatus::Confirmed);

  // Inductor already fused add + RMSNorm (tracelens_torch_compile_triton_mi300x).
  Stream inductor({"triton_red_fused_add_mean_mul_pow_rsqrt_0", gemm});
  auto g = by_id(catalog().detect(inductor.names, inductor.categories, vllm));
  REQUIRE(g.count("vllm-fused-add-rmsnorm"));
  CHECK(g["vllm-fused-add-rmsnorm"].status == hp::FuseStatus::Confirmed);

  // Subsumption: q_norm, k_norm, rope -> fused QK-norm+RoPE hides the bare in-place QK-norm Candidate.
  const std::string rope =
      "void vllm::rotary_embedding_kernel<c10::BFloat16, true>(long const*, c10::BFloat16*)";
  Stream qk({gemm, rms, rms, rope});
  auto q = by_id(catalog().detect(qk.names, qk.categories, sglang));
  CHECK(q.count("sglang-fused-qknorm-rope"));
  CHECK(!q.count("sglang-inplace-qk-rmsnorm"));
  Stream qk_only({gemm, rms, rms, gemm});
  CHECK(
      by_id(catalog().detect(qk_only.names, qk_only.categories, sglang)).count("sglang-inplace-qk-rmsnorm"));
}

TEST_CASE("fuse catalog: evidence is capped, empty input", "[analysis][fuse_catalog]") {
  std::vector<std::string> many(
      200, "std::enable_if<true, void>::type vllm::fused_add_rms_norm_kernel<c10::BFloat16, 8>");
  Stream s(many);
  auto d = by_id(catalog().detect(s.names, s.categories, {"vllm", "", 0}));
  CHECK(d["vllm-fused-add-rmsnorm"].occurrences == 200);
  CHECK(d["vllm-fused-add-rmsnorm"].evidence.size() == hp::FuseCatalog::kMaxEvidence);
  CHECK(catalog().detect({}, {}).empty());
}

TEST_CASE("fuse catalog: loader rejects bad entries", "[analysis][fuse_catalog]") {
  auto entry = [](const std::string& extra) {
    return R"({"patterns": [{"id": "a", "title": "t", "fused": "x", "candidate": "c", "rationale": "r",
               "references": ["vllm-project/vllm:csrc/layernorm_kernels.cu"])" +
           extra + "}]}";
  };
  CHECK_NOTHROW(hp::FuseCatalog::from_json_text(entry(""), "f.json"));
  CHECK_NOTHROW(hp::FuseCatalog::from_json_text(
      entry(R"(, "unfused": [{"category": "norm"}, {"regex": "q"}])"), "f.json"));
  auto check_error = [](const std::string& text, const std::string& needle) {
    try {
      hp::FuseCatalog::from_json_text(text, "f.json");
      FAIL("no error for " << text);
    } catch (const hp::AssetError& e) {
      INFO(e.what());
      CHECK(std::string(e.what()).find(needle) != std::string::npos);
    }
  };
  check_error(R"({"patterns": [{"id": "a", "title": "t", "fused": "x(", "candidate": "c", "rationale": "r",
                 "references": ["o/r#1"]}]})",
              "patterns[0] (a).fused");
  check_error(
      R"({"patterns": [{"id": "a", "title": "t", "fused": "x", "candidate": "c", "rationale": "r"}]})",
      "at least one reference");
  check_error(R"({"patterns": [{"id": "a", "title": "t", "fused": "x", "candidate": "c", "rationale": "r",
                 "references": ["https://example.com/x"]}]})",
              "not owner/repo:path");
  check_error(entry(R"(, "unfused": [{}])"), "unfused[0]: needs a category or a regex");
  check_error(entry(R"(, "unfused": [{"regex": "a[b"}])"), "unfused[0].regex");
  check_error(entry(R"(, "subsumes": ["zzz"])"), "unknown id \"zzz\"");
  check_error(entry(R"(, "max_gap": -1)"), "max_gap");
  check_error(R"({"patterns": [{"id": "a", "title": "t", "fused": "x", "candidate": "c", "rationale": "r",
                 "references": ["o/r#1"]}, {"id": "a", "title": "t", "fused": "x", "candidate": "c",
                 "rationale": "r", "references": ["o/r#1"]}]})",
              "duplicate id");
  check_error("{\"patterns\": [", "byte 14");
}
