#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/analysis/triage.h"
#include "core/report/triage_report.h"
#include "support/analysis_fixtures.h"
#include "support/fixture_run.h"
#include "support/gpu_run_maker.h"
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
    // Kernels launched inside c10d's "nccl:<collective>" record_functions (counted in the raw JSON:
    // runtime call within the annotation on its thread) take comm from the annotation; their names
    // say comm too, so nothing changes category.
    static const std::map<std::string, uint64_t> in_nccl_annotation{
        {"hta_v100_df_index_resolver_rank1_LARGE.json.gz", 2020},
        {"hta_a100_ws16_rank0_cudagraph.json.gz", 75},
        {"tracelens_vllm_b200_tp8_eager_rank0.json.gz", 1}};
    auto it = in_nccl_annotation.find(path.filename().string());
    CHECK(t.annotations.kernels == (it == in_nccl_annotation.end() ? 0 : it->second));
    CHECK(t.annotations.changed == 0);
    CHECK(j["annotations"]["kernels"] == t.annotations.kernels);
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

TEST_CASE("triage: an annotation's category reaches the kernel rows and the roll-up", "[analysis][triage]") {
  // Two launches of one GEMM; the second inside a record_function tagged hotpath:cat=attention.
  std::vector<test::GpuSpec> k{{1000, 100, "gemm_x"}, {2000, 300, "gemm_x"}};
  k[0].launch_start = 10, k[0].launch_dur = 2;
  k[1].launch_start = 60, k[1].launch_dur = 2;
  auto run = test::make_gpu_run(k, {{50, 50, "qk hotpath:cat=attention"}});
  TriageOptions o;
  o.min_share_pct = 0;
  Triage t = triage(*run, cats(), fuses(), o);
  CHECK(t.annotations.kernels == 1);
  CHECK(t.annotations.changed == 1);
  REQUIRE(t.stages.size() == 1);
  const TriageStage& s = t.stages[0];
  CHECK(s.distinct_kernels == 1);
  REQUIRE(s.kernels.size() == 2);
  CHECK(s.kernels[0].category == "attention");
  CHECK(s.kernels[0].gpu_time == 300);
  CHECK(s.kernels[0].forced_launches == 1);
  CHECK(s.kernels[0].rule_category == "gemm");
  CHECK(s.kernels[1].category == "gemm");
  CHECK(s.kernels[1].gpu_time == 100);
  REQUIRE(s.categories.size() == 2);
  CHECK(s.categories[0].category == "attention");
  CHECK(s.categories[0].share_sum_pct == Approx(75.0));
  std::string md = triage_markdown(t);
  CHECK(md.find("| attention (annotation; rules: gemm) |") != std::string::npos);
  CHECK(
      md.find("1 kernel launch took the category of an enclosing annotation (1 from CPU-side ranges, 0 from "
              "GPU windows); 1 of them differ") != std::string::npos);
  auto j = triage_json(t);
  CHECK(j["stages"][0]["kernels"][0]["category_rules"] == "gemm");
  CHECK(j["stages"][0]["kernels"][0]["annotation_launches"] == 1);
}

namespace {

std::map<std::string, test::RawKernelSum> sums_of(const std::vector<TriageStage>& stages) {
  std::map<std::string, test::RawKernelSum> got;
  for (const auto& st : stages)
    for (const auto& k : st.kernels) {
      got[k.name].time_ns += k.gpu_time;
      got[k.name].launches += k.launches;
    }
  return got;
}

}  // namespace

TEST_CASE("triage: multi-rank input gets per-rank tables and rank skew (real traces)",
          "[analysis][triage][fixtures]") {
  // Two real single-rank traces given together: distributedInfo says rank 0 and rank 1.
  // Raw figures (python over traceEvents, per rank: kernels and union of kernel+memcpy+memset):
  //   rank 0 hta_event_sync_multi_stream_a100: 3 sgemm kernels, 369 µs; busy 372 µs (3 memsets of 1 µs)
  //   rank 1 hta_trace_compare_base: 6 elementwise kernels (3 names), 432 µs; busy 1694 µs (memcpys on
  //   stream 16)
  const std::string a = test::kineto_data("hta_event_sync_multi_stream_a100.json.gz");
  const std::string b = test::kineto_data("hta_trace_compare_base.json.gz");
  auto run = test::load_trace({a, b});
  TriageOptions o;
  o.min_share_pct = 0;
  Triage t = triage(*run, cats(), fuses(), o);
  CHECK(t.rank_count == 2);
  CHECK(sums_of(t.stages).size() == 4);  // all ranks together: 1 + 3 kernel names
  REQUIRE(t.ranks.size() == 2);
  CHECK(t.ranks[0].rank == 0);
  CHECK(t.ranks[0].launches == 3);
  CHECK(t.ranks[0].gpu_time == 369000);
  CHECK(sums_of(t.ranks[0].stages) == test::raw_kernel_sums(a));
  CHECK(t.ranks[1].rank == 1);
  CHECK(t.ranks[1].launches == 6);
  CHECK(t.ranks[1].gpu_time == 432000);
  CHECK(sums_of(t.ranks[1].stages) == test::raw_kernel_sums(b));
  REQUIRE(t.ranks[1].sources.size() == 1);
  CHECK(t.ranks[1].sources[0] == b);
  // Each rank has its own overlap and fusion tables (arrays, possibly empty) in the JSON.
  auto j = triage_json(t);
  REQUIRE(j["ranks"].size() == 2);
  CHECK(j["ranks"][1]["stages"][0]["kernels"].size() == 3);
  CHECK(j["ranks"][1]["stages"][0]["overlap"].is_array());
  CHECK(j["ranks"][1]["stages"][0]["fusions"].is_array());

  const RankSkew& k = t.skew;
  REQUIRE(k.ranks.size() == 2);
  CHECK(k.ranks[0].busy == 372000);
  CHECK(k.ranks[0].compute == 369000);
  CHECK(k.ranks[1].busy == 1694000);
  CHECK(k.ranks[1].compute == 432000);
  CHECK(k.ranks[1].kernels == 6);
  CHECK(k.busy_skew == 1322000);
  CHECK(k.compute_skew == 63000);
  CHECK(k.straggler == -1);  // no collectives: nobody waits for anybody
  CHECK(j["rank_skew"]["straggler"].is_null());
  std::string md = triage_markdown(t);
  CHECK(md.find("## Rank skew") != std::string::npos);
  CHECK(md.find("No straggler") != std::string::npos);
  CHECK(md.find("## All ranks together") != std::string::npos);
  CHECK(md.find("## Rank 1 — `hta_trace_compare_base.json.gz`") != std::string::npos);
  CHECK(md.find("## Rank 1 · Stage: all — 6 kernel launches") != std::string::npos);

  // One rank only: its tables, the skew over both ranks stays.
  o.rank = 1;
  Triage one = triage(*run, cats(), fuses(), o);
  CHECK(one.ranks.empty());
  CHECK(sums_of(one.stages) == test::raw_kernel_sums(b));
  CHECK(one.skew.ranks.size() == 2);
  CHECK(triage_markdown(one).find("Rank 1 only, of 2 ranks.") != std::string::npos);
}

TEST_CASE("triage: the straggler is named on a two-rank directory of real traces",
          "[analysis][triage][fixtures]") {
  // rank0 = hta_v100_ns_resolution_rank0 (V100 training step, no collective kernels),
  // rank1 = tracelens_vllm_b200_tp8_eager_rank0 (74 comm kernels). The directory's file names give
  // the ranks. Raw figures (python over traceEvents):
  //   rank 0: 4350 kernels, busy 472454441 ns, compute 468153602 ns, comm 0
  //   rank 1: 768 kernels, busy 11596482 ns, compute 8652137 ns, comm 2141501 ns
  // Rank 1 spends 2.14 ms in collectives that rank 0 does not wait for: rank 0 is the straggler,
  // 229750732 ns of compute above the median of the two (linear interpolation, core/util/percentile.h).
  auto r0 = test::kineto_fixture("hta_v100_ns_resolution_rank0.pt.trace.json.gz");
  auto r1 = test::kineto_fixture("tracelens_vllm_b200_tp8_eager_rank0.json.gz");
  if (r0.empty() || r1.empty()) {
    WARN("shared fixtures absent, skipped");
    return;
  }
  auto dir = std::filesystem::temp_directory_path() / ("hotpath_ranks_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::create_symlink(r0, dir / "rank0.pt.trace.json.gz");
  std::filesystem::create_symlink(r1, dir / "rank1.pt.trace.json.gz");
  auto run = test::load_trace({dir.string()});
  std::filesystem::remove_all(dir);
  TriageOptions o;
  o.min_share_pct = 0;
  Triage t = triage(*run, cats(), fuses(), o);
  REQUIRE(t.ranks.size() == 2);
  CHECK(sums_of(t.ranks[0].stages) == test::raw_kernel_sums(r0));
  CHECK(sums_of(t.ranks[1].stages) == test::raw_kernel_sums(r1));
  const RankSkew& k = t.skew;
  REQUIRE(k.ranks.size() == 2);
  CHECK(k.ranks[0].kernels == 4350);
  CHECK(k.ranks[0].busy == 472454441);
  CHECK(k.ranks[0].compute == 468153602);
  CHECK(k.ranks[0].comm == 0);
  CHECK(k.ranks[1].kernels == 768);
  CHECK(k.ranks[1].comm_kernels == 74);
  CHECK(k.ranks[1].busy == 11596482);
  CHECK(k.ranks[1].compute == 8652137);
  CHECK(k.ranks[1].comm == 2141501);
  CHECK(k.ranks[1].comm_wait == 2141501);
  CHECK(k.straggler == 0);
  // Over the median of the two ranks' compute, (468153602 + 8652137) / 2 rounded to the ns.
  CHECK(k.straggler_excess == 229750732);
  std::string md = triage_markdown(t);
  CHECK(md.find("**Straggler: rank 0** (`rank0.pt.trace.json.gz`)") != std::string::npos);
  CHECK(md.find("| 0 (straggler) | 1 | 4350 | 0 |") != std::string::npos);
}
