#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "core/analysis/triage.h"
#include "core/report/triage_report.h"
#include "support/fixture_run.h"
#include "support/raw_kernel_sums.h"

using namespace hp;

namespace {

const KernelCategorizer& cats() {
  static const KernelCategorizer c = KernelCategorizer::load_builtin(HOTPATH_ASSETS_DIR);
  return c;
}
const FuseCatalog& fuses() {
  static const FuseCatalog f = FuseCatalog::load_builtin(HOTPATH_ASSETS_DIR);
  return f;
}

std::vector<std::filesystem::path> every_kineto_fixture() {
  std::vector<std::filesystem::path> out;
  std::set<std::string> names;
  for (auto dir : {std::filesystem::path(HOTPATH_TEST_DATA) / "kineto",
                   std::filesystem::path(HOTPATH_SHARED_FIXTURES) / "kineto_traces"}) {
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.path().string().find(".json") != std::string::npos && names.insert(e.path().filename()).second)
        out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("triage: per-name kernel time and launches equal the raw JSON sums on every Kineto fixture",
          "[analysis][triage][fixtures]") {
  auto files = every_kineto_fixture();
  CHECK(files.size() >= 12);  // tests/data/kineto alone holds 12
  for (const auto& path : files) {
    INFO(path.filename().string());
    auto expected = test::raw_kernel_sums(path);
    auto run = test::load_fixture(path);
    TriageOptions o;
    o.min_share_pct = 0;
    Triage t = triage(*run, cats(), fuses(), o);
    nlohmann::json j = triage_json(t);  // through the report, as the CLI prints it
    std::map<std::string, test::RawKernelSum> got;
    uint64_t unassigned = 0;
    for (const auto& st : j["stages"]) {
      Ns stage_sum = 0;
      for (const auto& k : st["kernels"]) {
        auto& g = got[k["name"].get<std::string>()];
        g.time_ns += k["gpu_time_ns"].get<int64_t>();
        g.launches += k["launches"].get<uint64_t>();
        stage_sum += k["gpu_time_ns"].get<int64_t>();
      }
      CHECK(stage_sum == st["gpu_time_ns"].get<int64_t>());
      CHECK(st["hidden_kernels"] == 0);
      CHECK(st["overlap"].is_array());
      for (const auto& o : st["overlap"]) CHECK(o.contains("recommendation"));
      unassigned += st["unassigned_kernels"].get<uint64_t>();
    }
    CHECK(got.size() == expected.size());
    CHECK(got == expected);
    CHECK(unassigned == j["stage_assignment"]["unassigned"].get<uint64_t>());
  }
}

TEST_CASE("triage: stages, cutoff and roll-up on real vLLM and SGLang traces",
          "[analysis][triage][fixtures]") {
  // The piecewise trace's one step is execute_8192_context_9(...)_generation_37(...): mixed.
  if (auto p = test::kineto_fixture("tracelens_vllm_prefilldecode_piecewise_mi300x_exec.json.gz");
      !p.empty()) {
    auto run = test::load_fixture(p);
    Triage t = triage(*run, cats(), fuses());
    CHECK(t.framework == "vllm");
    REQUIRE(t.stages.size() == 1);
    const TriageStage& s = t.stages[0];
    CHECK(s.stage == "mixed");
    CHECK(s.launches == 413);
    CHECK(s.gpu_time == 156008506);
    CHECK(s.unassigned_kernels == 0);
    CHECK(s.steps == 1);
    // Default cutoff: every listed row is >= 1%, the rest are counted as hidden.
    Ns listed = 0;
    for (const auto& k : s.kernels) {
      CHECK(k.share_sum_pct >= 1.0);
      listed += k.gpu_time;
    }
    CHECK(listed + s.hidden_time == s.gpu_time);
    CHECK(s.kernels.size() + s.hidden_kernels == s.distinct_kernels);
    Ns cat_sum = 0;
    for (const auto& c : s.categories) cat_sum += c.gpu_time;
    CHECK(cat_sum == s.gpu_time);
    CHECK(s.graphs.coverage_pct == Approx(100.0 * 149919755 / 156008506));
    TriageOptions only_decode;
    only_decode.stage = "decode";
    CHECK(triage(*run, cats(), fuses(), only_decode).stages.empty());
  }
  if (auto p = test::kineto_fixture("tracelens_sglang_qwen3-8b_decode_mi300x.json.gz"); !p.empty()) {
    auto run = test::load_fixture(p);
    Triage t = triage(*run, cats(), fuses());
    CHECK(t.framework == "sglang");
    REQUIRE(t.stages.size() == 1);
    CHECK(t.stages[0].stage == "decode");
    CHECK(t.stages[0].launches == 555);
    CHECK(t.stages[0].graphs.graph_kernels == 544);
  }
  // No step markers and no stage in the name: one "all" stage, every kernel unassigned and reported.
  if (auto p = test::kineto_fixture("hta_alexnet_a100_critical_path.json.gz"); !p.empty()) {
    auto run = test::load_fixture(p);
    Triage t = triage(*run, cats(), fuses());
    REQUIRE(t.stages.size() == 1);
    CHECK(t.stages[0].stage == "all");
    CHECK(t.stages[0].unassigned_kernels == 79);
    CHECK(t.kernels_by[0] == 79);
  }
}

TEST_CASE("triage: B200 eager prefill — sites, fusions, no graphs", "[analysis][triage][fixtures]") {
  auto p = test::kineto_fixture("tracelens_vllm_b200_tp8_eager_rank0.json.gz");
  if (p.empty()) {
    WARN("fixture absent, skipped");
    return;
  }
  auto run = test::load_fixture(p);
  Triage t = triage(*run, cats(), fuses());
  CHECK(t.framework == "vllm");
  CHECK(t.model == "gpt_oss gpt-oss");
  REQUIRE(t.stages.size() == 1);
  const TriageStage& s = t.stages[0];
  CHECK(s.stage == "prefill");
  CHECK(s.launches == 768);
  CHECK(s.graphs.graph_kernels == 0);
  const TriageKernel* norm = nullptr;
  for (const auto& k : s.kernels)
    if (k.name.find("fused_add_rms_norm_kernel") != std::string::npos) norm = &k;
  REQUIRE(norm);
  CHECK(norm->site == "vllm/model_executor/layers/layernorm.py(35): fused_add_rms_norm");
  CHECK(norm->site_share_pct == Approx(100.0));
  CHECK(norm->launches == 72);
  std::map<std::string, FuseStatus> f;
  for (const auto& r : s.fusions) f[r.id] = r.status;
  REQUIRE(f.count("vllm-fused-add-rmsnorm"));
  CHECK(f["vllm-fused-add-rmsnorm"] == FuseStatus::Confirmed);
  REQUIRE(f.count("vllm-allreduce-rms"));
  CHECK(f["vllm-allreduce-rms"] == FuseStatus::Candidate);
  CHECK(!f.count("sglang-fused-add-rmsnorm"));  // the framework gate holds
}
