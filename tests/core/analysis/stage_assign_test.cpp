#include <catch2/catch.hpp>

#include "core/analysis/stage_assign.h"
#include "support/fixture_run.h"
#include "support/run_maker.h"

using namespace hp;

namespace {

// Adds GpuOps rows for every Kernel slice, launched by the API slice named in `launch_of`.
void add_gpu_rows(Run& run, const std::vector<std::pair<std::string, std::string>>& launch_of = {}) {
  for (uint32_t i = 0; i < run.slices.size(); ++i) {
    if (run.slices.kind[i] != SliceKind::Kernel) continue;
    run.gpu.slice.push_back(i);
    run.gpu.device.push_back(0);
    uint32_t launch = kNone;
    for (auto& [k, l] : launch_of)
      if (run.str(run.slices.name[i]) == k)
        for (uint32_t j = 0; j < run.slices.size(); ++j)
          if (run.str(run.slices.name[j]) == l) launch = j;
    run.gpu.launch_slice.push_back(launch);
  }
}

}  // namespace

TEST_CASE("stage assign: CPU step, GPU window, graph order, source, unassigned", "[analysis][stage_assign]") {
  // Track 0: CPU thread with a prefill step [0,100) and a decode step [200,300) holding launches.
  // Track 1: GPU stream with a mixed window [1000,1100) and kernels.
  Run run = test::make_run({
      {0, 0, 100, "execute_context_1(512)_generation_0(0)", 0, 0, SliceKind::UserAnnotation},
      {0, 10, 5, "cudaLaunchKernel", 1, 0, SliceKind::Runtime},
      {0, 200, 100, "execute_context_0(0)_generation_4(4)", 0, 0, SliceKind::UserAnnotation},
      {0, 210, 5, "cudaGraphLaunch", 1, 0, SliceKind::Runtime},
      {0, 400, 5, "cudaLaunchKernelOutside", 0, 0, SliceKind::Runtime},
      {1, 1000, 100, "execute_context_2(8)_generation_3(3)", 0, 0, SliceKind::GpuAnnotation},
      {1, 1010, 10, "k_prefill", 1, 0, SliceKind::Kernel},
      {1, 1030, 10, "k_graph", 1, 0, SliceKind::Kernel},
      {1, 1060, 10, "k_nolaunch", 1, 0, SliceKind::Kernel},
      {1, 2000, 10, "k_outside", 0, 0, SliceKind::Kernel},
  });
  run.tracks[1].kind = TrackKind::GpuStream;
  run.tracks[1].device = 0;
  add_gpu_rows(run, {{"k_prefill", "cudaLaunchKernel"},
                     {"k_graph", "cudaGraphLaunch"},
                     {"k_outside", "cudaLaunchKernelOutside"}});
  StageAssignment a = assign_stages(run);
  REQUIRE(a.steps.size() == 3);
  CHECK(a.steps[0].stage == Stage::Prefill);
  CHECK(a.steps[0].tokens == 512);
  CHECK(a.steps[1].stage == Stage::Decode);
  CHECK(a.steps[2].stage == Stage::Mixed);
  CHECK(a.steps[2].gpu);
  REQUIRE(a.gpu_stage.size() == 4);
  CHECK(a.gpu_stage[0] == Stage::Prefill);  // its launch is in the CPU prefill step
  CHECK(a.gpu_method[0] == StageMethod::CpuStep);
  CHECK(a.gpu_stage[1] == Stage::Mixed);  // graph replay: the GPU window wins over the CPU decode step
  CHECK(a.gpu_method[1] == StageMethod::GpuWindow);
  CHECK(a.gpu_stage[2] == Stage::Mixed);    // no launch: the GPU window
  CHECK(a.gpu_stage[3] == Stage::Unknown);  // launched outside every step, no window, no file stage
  CHECK(a.kernels_by[static_cast<size_t>(StageMethod::CpuStep)] == 1);
  CHECK(a.kernels_by[static_cast<size_t>(StageMethod::GpuWindow)] == 2);
  CHECK(a.kernels_unassigned() == 1);

  // A decode file name gives the rest its stage.
  TraceSource src;
  src.path = "/traces/decode/rank0.trace.json.gz";
  run.sources.push_back(src);
  StageAssignment b = assign_stages(run);
  CHECK(b.gpu_stage[3] == Stage::Decode);
  CHECK(b.gpu_method[3] == StageMethod::Source);
  CHECK(b.kernels_unassigned() == 0);
}

TEST_CASE("stage assign: nested markers make one step, ProfilerStep yields to engine markers",
          "[analysis][stage_assign]") {
  Run run = test::make_run({
      {0, 0, 1000, "ProfilerStep#3", 0, 0, SliceKind::UserAnnotation},
      {0, 10, 500, "execute_32_context_0(sq0sk0sqsq0sqsk0)_generation_32(sq32sk99sqsq32sqsk99)", 1, 0,
       SliceKind::UserAnnotation},
      {0, 20, 400, "step[DECODE bs=32]", 2, 0, SliceKind::UserAnnotation},
      {0, 600, 100, "capture_32_FULL", 1, 0, SliceKind::UserAnnotation},
  });
  StageAssignment a = assign_stages(run);
  REQUIRE(a.steps.size() == 1);
  CHECK(a.steps[0].start == 10);
  CHECK(a.steps[0].end == 510);
  CHECK(a.steps[0].markers == 2);
  CHECK(a.steps[0].stage == Stage::Decode);
  CHECK(a.steps[0].batch == 32);
}

TEST_CASE("stage assign: real LLM traces", "[analysis][stage_assign][fixtures]") {
  struct Expect {
    const char* file;
    Stage stage;
    uint64_t kernels;
    size_t steps;
    int64_t batch;
  };
  // Hand-checked with python: each trace has one step marker (the SGLang one two, nested), and every
  // kernel's launch (hipGraphLaunch included) lies inside it on the same thread.
  for (const Expect& e :
       {Expect{"tracelens_vllm_b200_tp8_eager_rank0.json.gz", Stage::Prefill, 768, 2, 1},
        Expect{"tracelens_vllm_decode_fullgraph_mi300x_exec.json.gz", Stage::Decode, 425, 1, 32},
        Expect{"tracelens_vllm_prefilldecode_piecewise_mi300x_exec.json.gz", Stage::Mixed, 413, 1, 46},
        Expect{"tracelens_sglang_qwen3-8b_decode_mi300x.json.gz", Stage::Decode, 555, 1, 32}}) {
    auto path = test::kineto_fixture(e.file);
    if (path.empty()) {
      WARN("fixture absent, skipped: " << e.file);
      continue;
    }
    INFO(e.file);
    auto run = test::load_fixture(path);
    StageAssignment a = assign_stages(*run);
    CHECK(a.steps.size() == e.steps);  // B200: the CPU step and its gpu_user_annotation window
    CHECK(a.steps[0].stage == e.stage);
    CHECK(a.steps[0].batch == e.batch);
    CHECK(a.kernels_by[static_cast<size_t>(StageMethod::CpuStep)] == e.kernels);
    CHECK(a.kernels_unassigned() == 0);
    uint64_t in_stage = 0;
    for (uint32_t r = 0; r < run->gpu.size(); ++r)
      if (run->slices.kind[run->gpu.slice[r]] == SliceKind::Kernel) in_stage += a.gpu_stage[r] == e.stage;
    CHECK(in_stage == e.kernels);
  }
  // The B200 step: execute_context_1(888_788544)_generation_0(0), 87412.863 µs on the CPU.
  if (auto p = test::kineto_fixture("tracelens_vllm_b200_tp8_eager_rank0.json.gz"); !p.empty()) {
    auto a = assign_stages(*test::load_fixture(p));
    CHECK(a.steps[0].tokens == 888);
    CHECK(a.steps[0].end - a.steps[0].start == 87412863);
    CHECK(a.steps[1].gpu);
    CHECK(a.steps[1].end - a.steps[1].start == 84044109);
  }
  // A training trace: ProfilerStep only (stage unknown), no stage in the file name -> all unassigned.
  if (auto p = test::kineto_fixture("hta_a100_ws16_rank0_cudagraph.json.gz"); !p.empty()) {
    auto run0 = test::load_fixture(p);
    auto a = assign_stages(*run0);
    CHECK(a.kernels_unassigned() == 6080);
    REQUIRE(a.steps.size() == 5);  // ProfilerStep#550..#554 on one thread (python)
    CHECK(a.steps[0].kind == MarkerKind::ProfilerStep);
    CHECK(a.steps[0].end - a.steps[0].start == 209748000);
    // Their kernels still group by step (for the fusion scan) although no stage follows from them.
    uint64_t grouped = 0;
    for (uint32_t r = 0; r < run0->gpu.size(); ++r) grouped += a.gpu_step[r] != kNone;
    CHECK(grouped > 0);
  }
}
