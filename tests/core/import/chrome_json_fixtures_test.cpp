// Every Kineto fixture: by_cat / by_ph exactly as /work/shared/fixtures/PROVENANCE.md section 1,
// kernel count, span of X events, pids, and the correlation / flow joins.
// The last five columns were computed independently with python's json module over traceEvents:
//   gpu_rows = X events with cat in {kernel, Kernel, gpu_memcpy, Memcpy, gpu_memset, Memset, cuda_sync};
//   linked   = gpu_rows whose args.correlation equals the correlation of some X event with cat
//              cuda_runtime / Runtime / cuda_driver;
//   links / orphans = flow ends grouped by (cat, id), ordered by (ts, s<t<f): each t/f after an
//              s is a link; an f/t with no s before it, or an s with no t/f after it, is an orphan.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "core/import/registry.h"
#include "core/report/info.h"

namespace {

struct Fixture {
  const char* file;
  bool local;  // copied into tests/data/kineto
  uint64_t events;
  std::map<std::string, uint64_t> by_cat, by_ph;
  size_t pids;
  int64_t span_ns;        // PROVENANCE's span x 1000 (computed there through doubles)
  int64_t exact_span_ns;  // the same span with python Decimal: what exact ns parsing must give
  bool has_m;
  uint64_t kernels, gpu_rows, linked, links, orphans;
};

const Fixture kFixtures[] = {
    {"hta_alexnet_a100_critical_path.json.gz",
     true,
     1408,
     {{"(none)", 40},
      {"Trace", 1},
      {"ac2g", 500},
      {"cpu_op", 359},
      {"cuda_runtime", 361},
      {"cuda_sync", 41},
      {"gpu_memcpy", 16},
      {"gpu_memset", 3},
      {"kernel", 79},
      {"user_annotation", 8}},
     {{"M", 38}, {"X", 868}, {"f", 345}, {"i", 2}, {"s", 155}},
     12,
     43458523000LL,
     43458523000LL,
     true,
     79,
     139,
     139,
     139,
     222},
    {"hta_event_sync_multi_stream_a100.json.gz",
     true,
     149,
     {{"(none)", 42},
      {"Trace", 1},
      {"ac2g", 50},
      {"cpu_op", 6},
      {"cuda_runtime", 39},
      {"cuda_sync", 5},
      {"gpu_memset", 3},
      {"kernel", 3}},
     {{"M", 40}, {"X", 57}, {"f", 42}, {"i", 2}, {"s", 8}},
     12,
     62477000LL,
     62477000LL,
     true,
     3,
     11,
     11,
     8,
     34},
    {"hta_triton_example_a100.json.gz",
     true,
     71,
     {{"(none)", 60},
      {"Trace", 1},
      {"ac2g", 3},
      {"cpu_op", 3},
      {"cuda_driver", 1},
      {"cuda_runtime", 1},
      {"kernel", 1},
      {"user_annotation", 1}},
     {{"M", 58}, {"X", 8}, {"f", 1}, {"i", 2}, {"s", 2}},
     21,
     13690136806LL,
     13690136806LL,
     true,
     1,
     1,
     1,
     1,
     1},
    {"hta_mi250_minitoy_rocm62.json.gz",
     true,
     220,
     {{"(none)", 62},
      {"Trace", 1},
      {"ac2g", 37},
      {"cpu_op", 70},
      {"cuda_runtime", 21},
      {"fwdbwd", 8},
      {"gpu_memcpy", 2},
      {"gpu_user_annotation", 2},
      {"kernel", 14},
      {"user_annotation", 3}},
     {{"M", 60}, {"X", 113}, {"f", 25}, {"i", 2}, {"s", 20}},
     20,
     9761878LL,
     9761878LL,
     true,
     14,
     16,
     16,
     20,
     5},
    {"hta_trace_compare_base.json.gz",
     true,
     33,
     {{"cpu_op", 6},
      {"cuda_runtime", 5},
      {"gpu_memcpy", 6},
      {"gpu_memset", 6},
      {"kernel", 6},
      {"user_annotation", 4}},
     {{"X", 33}},
     2,
     745341000LL,
     745341000LL,
     false,
     6,
     18,
     2,
     0,
     0},
    {"hta_a100_ws16_rank0_cudagraph.json.gz",
     false,
     108936,
     {{"(none)", 48},
      {"Trace", 1},
      {"ac2g", 41671},
      {"cpu_op", 25185},
      {"cuda_runtime", 33924},
      {"gpu_memcpy", 1390},
      {"gpu_memset", 277},
      {"kernel", 6080},
      {"user_annotation", 360}},
     {{"M", 46}, {"X", 67217}, {"f", 35071}, {"i", 2}, {"s", 6600}},
     12,
     1240828000LL,
     1240828000LL,
     true,
     6080,
     7747,
     6875,
     6875,
     28196},
    {"hta_v100_ns_resolution_rank0.pt.trace.json.gz",
     false,
     68692,
     {{"(none)", 38},
      {"Trace", 1},
      {"ac2g", 21424},
      {"cpu_op", 23910},
      {"cuda_runtime", 15329},
      {"fwdbwd", 1810},
      {"gpu_memcpy", 1600},
      {"gpu_memset", 145},
      {"gpu_user_annotation", 15},
      {"kernel", 4350},
      {"user_annotation", 70}},
     {{"M", 36}, {"X", 45420}, {"f", 15928}, {"i", 2}, {"s", 7306}},
     12,
     590344250LL,
     590344145LL,
     true,
     4350,
     6095,
     6095,
     7000,
     9234},
    {"hta_v100_df_index_resolver_rank1_LARGE.json.gz",
     false,
     216092,
     {{"(none)", 40},
      {"Trace", 1},
      {"ac2g", 64663},
      {"cpu_instant_event", 28010},
      {"cpu_op", 56680},
      {"cuda_runtime", 42373},
      {"gpu_memcpy", 2040},
      {"gpu_memset", 880},
      {"kernel", 19370},
      {"user_annotation", 2035}},
     {{"M", 38}, {"X", 123379}, {"f", 42373}, {"i", 28012}, {"s", 22290}},
     12,
     1770482000LL,
     1770482000LL,
     true,
     19370,
     22290,
     22290,
     22290,
     20083},
    {"hta_cpu_only_rank34.pt.trace.json.gz",
     true,
     30,
     {{"(none)", 14}, {"Trace", 1}, {"cpu_op", 4}, {"user_annotation", 11}},
     {{"M", 12}, {"X", 16}, {"i", 2}},
     4,
     1289526102LL,
     1289526102LL,
     true,
     0,
     0,
     0,
     0,
     0},
    {"hta_legacy_categories_inference_rank1.json.gz",
     true,
     54,
     {{"(none)", 33}, {"Kernel", 4}, {"Runtime", 8}, {"Trace", 1}, {"async_gpu", 8}},
     {{"M", 32}, {"X", 13}, {"f", 4}, {"i", 1}, {"s", 4}},
     11,
     1046058000LL,
     1046058000LL,
     true,
     4,
     4,
     4,
     4,
     0},
    {"hta_call_stack_backward_thread.json",
     true,
     7,
     {{"cpu_op", 3}, {"cuda_runtime", 1}, {"kernel", 1}, {"user_annotation", 2}},
     {{"X", 7}},
     2,
     413451000LL,
     413451000LL,
     false,
     1,
     1,
     1,
     0,
     0},
    {"kineto_tbplugin_resnet50_v100_worker0.pt.trace.json.gz",
     false,
     75718,
     {{"(none)", 12860},
      {"Kernel", 8772},
      {"Memcpy", 12},
      {"Memset", 312},
      {"Operator", 23646},
      {"Runtime", 11923},
      {"Trace", 1},
      {"async", 18192}},
     {{"M", 20}, {"X", 44666}, {"f", 9096}, {"i", 12840}, {"s", 9096}},
     11,
     1065723000LL,
     1065723000LL,
     true,
     8772,
     9096,
     9096,
     9096,
     0},
    {"tracelens_vllm_decode_fullgraph_mi300x_exec.json.gz",
     true,
     1993,
     {{"ac2g", 454},
      {"cpu_op", 100},
      {"cuda_runtime", 20},
      {"gpu_memcpy", 9},
      {"kernel", 425},
      {"python_function", 984},
      {"user_annotation", 1}},
     {{"X", 1539}, {"f", 441}, {"s", 13}},
     2,
     19114060LL,
     19114059LL,
     false,
     425,
     434,
     434,
     13,
     428},
    {"tracelens_vllm_prefilldecode_piecewise_mi300x_exec.json.gz",
     true,
     19289,
     {{"ac2g", 804},
      {"cpu_op", 642},
      {"cuda_runtime", 381},
      {"gpu_memcpy", 10},
      {"kernel", 413},
      {"python_function", 17038},
      {"user_annotation", 1}},
     {{"X", 18485}, {"f", 742}, {"s", 62}},
     2,
     307697688LL,
     307697688LL,
     false,
     413,
     423,
     423,
     62,
     680},
    {"tracelens_vllm_decode_fullgraph_mi300x_capture.pt.trace.json.gz",
     false,
     131243,
     {{"(none)", 60},
      {"Trace", 1},
      {"ac2g", 3138},
      {"cpu_instant_event", 1184},
      {"cpu_op", 3819},
      {"cuda_runtime", 3128},
      {"gpu_memcpy", 3},
      {"gpu_user_annotation", 1},
      {"kernel", 7},
      {"python_function", 119876},
      {"user_annotation", 26}},
     {{"M", 58}, {"X", 126861}, {"f", 2705}, {"i", 1186}, {"s", 433}},
     20,
     59174240LL,
     59174240LL,
     true,
     7,
     10,
     10,
     10,
     3118},
    {"tracelens_sglang_qwen3-8b_decode_mi300x.json.gz",
     true,
     2058,
     {{"ac2g", 587},
      {"cpu_op", 61},
      {"cuda_runtime", 29},
      {"gpu_memcpy", 3},
      {"kernel", 555},
      {"python_function", 821},
      {"user_annotation", 2}},
     {{"X", 1471}, {"f", 573}, {"s", 14}},
     2,
     473830532LL,
     473830532LL,
     false,
     555,
     558,
     558,
     14,
     559},
    {"tracelens_vllm_b200_tp8_eager_rank0.json.gz",
     false,
     24656,
     {{"ac2g", 2301},
      {"cpu_op", 4809},
      {"cuda_driver", 221},
      {"cuda_runtime", 1151},
      {"gpu_memcpy", 161},
      {"gpu_user_annotation", 3},
      {"kernel", 768},
      {"overhead", 9},
      {"python_function", 15230},
      {"user_annotation", 3}},
     {{"X", 22355}, {"f", 1370}, {"s", 931}},
     3,
     87412863LL,
     87412863LL,
     false,
     768,
     929,
     929,
     929,
     443},
    {"tracelens_torch_compile_triton_mi300x.json.gz",
     true,
     246,
     {{"(none)", 60},
      {"Trace", 1},
      {"ac2g", 71},
      {"cpu_op", 41},
      {"cuda_runtime", 59},
      {"gpu_user_annotation", 1},
      {"kernel", 12},
      {"user_annotation", 1}},
     {{"M", 58}, {"X", 115}, {"f", 58}, {"i", 2}, {"s", 13}},
     20,
     13123186LL,
     13123186LL,
     true,
     12,
     12,
     12,
     12,
     47},
    // Written by this project on a lent H200 (tests/gpu/torch_workload.py, torch 2.11 + CUDA 13):
    // cuBLAS nvjet kernels launched through the driver API, a CUDA graph replay per step.
    {"h200_torch_workload_cu130.pt.trace.json.gz",
     true,
     4586,
     {{"(none)", 60},
      {"Trace", 1},
      {"ac2g", 1322},
      {"cpu_op", 1880},
      {"cuda_driver", 240},
      {"cuda_runtime", 362},
      {"gpu_memcpy", 20},
      {"kernel", 700},
      {"overhead", 1}},
     {{"M", 58}, {"X", 3204}, {"f", 730}, {"i", 2}, {"s", 592}},
     21,
     16924519LL,
     16924519LL,
     true,
     700,
     720,
     720,
     720,
     12},
};

std::filesystem::path fixture_path(const Fixture& f) {
  if (f.local) return std::filesystem::path(HOTPATH_TEST_DATA) / "kineto" / f.file;
  return std::filesystem::path(HOTPATH_SHARED_FIXTURES) / "kineto_traces" / f.file;
}

}  // namespace

TEST_CASE("every Kineto fixture imports with PROVENANCE's counts", "[import][chrome_json][fixtures]") {
  for (const Fixture& f : kFixtures) {
    auto path = fixture_path(f);
    if (!std::filesystem::exists(path)) {
      WARN("fixture absent, skipped: " << path);
      continue;
    }
    INFO(f.file);
    hp::LoadProgress progress;
    auto run = hp::load_inputs({path}, progress);
    REQUIRE(run->sources.size() == 1);
    const hp::TraceSource& src = run->sources[0];
    CHECK(src.format == "kineto-json");
    CHECK(src.events == f.events);
    CHECK(src.by_cat == f.by_cat);
    CHECK(src.by_ph == f.by_ph);
    auto info = hp::info_json(*run);
    CHECK(info["kernels"].get<uint64_t>() == f.kernels);
    // PROVENANCE's span is over X events (all slices here); info's is Run::span(), over every timed
    // event (the Kineto instants too). Epoch-scale µs in a double has a 0.25 µs ulp: PROVENANCE's
    // figure is within that of the exact one.
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < run->slices.size(); ++i)
      lo = std::min(lo, run->slices.start[i]), hi = std::max(hi, run->slices.end(i));
    CHECK(hi - lo == f.exact_span_ns);
    CHECK(std::llabs(hi - lo - f.span_ns) <= 250);
    CHECK(info["span_ns"].get<int64_t>() == run->span().second - run->span().first);
    CHECK(info["span_ns"].get<int64_t>() >= hi - lo);
    CHECK(run->gpu.size() == f.gpu_rows);
    uint64_t linked = 0;
    for (uint32_t s : run->gpu.launch_slice) linked += s != hp::kNone;
    CHECK(linked == f.linked);
    CHECK(run->flows.size() == f.links);
    // Every slice sits inside its track's range, sorted by (lane, start).
    std::set<int64_t> pids;
    for (uint32_t t = 0; t < run->tracks.size(); ++t) {
      const hp::Track& tr = run->tracks[t];
      pids.insert(tr.pid);
      for (uint32_t i = tr.slice_begin; i < tr.slice_end; ++i) {
        REQUIRE(run->slices.track[i] == t);
        if (i > tr.slice_begin && run->slices.lane[i] == run->slices.lane[i - 1])
          REQUIRE(run->slices.start[i - 1] <= run->slices.start[i]);
      }
    }
    // Tracks exist for pids with timed events; PROVENANCE also counts pids seen only in M events.
    if (f.has_m)
      CHECK(pids.size() <= f.pids);
    else
      CHECK(pids.size() == f.pids);
    CHECK(progress.fraction() == Approx(1.0));
  }
}

TEST_CASE("Kineto metadata: distributedInfo, baseTimeNanoseconds, displayTimeUnit", "[import][chrome_json]") {
  hp::LoadProgress progress;
  auto run = hp::load_inputs(
      {std::filesystem::path(HOTPATH_TEST_DATA) / "kineto/hta_cpu_only_rank34.pt.trace.json.gz"}, progress);
  const hp::TraceSource& src = run->sources[0];
  CHECK(src.rank == 34);  // from the file name (rank-34.) and distributedInfo alike
  CHECK(src.world_size == 300);
  CHECK(src.base_time_ns == 1719853884000000000LL);
  CHECK(src.display_time_unit == "ms");
  CHECK(src.schema_version == 1);
  CHECK(run->rank_count() == 1);
  CHECK(run->tracks.front().rank == 34);
}

TEST_CASE("legacy categories: lowercase external id and async_gpu flows", "[import][chrome_json]") {
  hp::LoadProgress progress;
  auto run = hp::load_inputs(
      {std::filesystem::path(HOTPATH_TEST_DATA) / "kineto/hta_legacy_categories_inference_rank1.json.gz"},
      progress);
  uint64_t with_ext = 0;
  for (size_t i = 0; i < run->slices.size(); ++i)
    if (run->slices.kind[i] == hp::SliceKind::Kernel) with_ext += run->slices.external_id[i] != 0;
  CHECK(with_ext == 3);  // 4 kernels; one has "external id": 0
  // Typed columns of the kernel with correlation 538885 (values from the file).
  size_t row = SIZE_MAX;
  for (size_t i = 0; i < run->gpu.size(); ++i)
    if (run->gpu.correlation[i] == 538885) row = i;
  REQUIRE(row != SIZE_MAX);
  CHECK(run->gpu.launch[row].registers_per_thread == 104);
  CHECK(run->gpu.launch[row].shared_memory == 17408);
  CHECK(run->gpu.launch[row].grid == std::array<uint32_t, 3>{8, 4, 1});
  CHECK(run->gpu.launch[row].block == std::array<uint32_t, 3>{128, 1, 1});
  CHECK(run->gpu.launch[row].occupancy_pct == 3.0f);
  CHECK(run->gpu.stream[row] == 7);
  CHECK(run->gpu.device[row] == 0);
  CHECK(run->slices.external_id[run->gpu.slice[row]] == 6307);
  REQUIRE(run->gpu.launch_slice[row] != hp::kNone);
  CHECK(run->slices.kind[run->gpu.launch_slice[row]] == hp::SliceKind::Runtime);
  for (size_t i = 0; i < run->flows.size(); ++i) CHECK(run->flows.kind[i] == hp::FlowKind::Ac2g);
  CHECK(run->sources[0].rank == 1);
}

TEST_CASE("H200 trace: a kernel that starts before the previous one ends on its stream is kept and named",
          "[import][chrome_json][fixtures]") {
  hp::LoadProgress progress;
  auto run = hp::load_inputs(
      {std::filesystem::path(HOTPATH_TEST_DATA) / "kineto/h200_torch_workload_cu130.pt.trace.json.gz"},
      progress);
  // cuBLAS's split-K reduce (a programmatic dependent launch) starts 65 ns before its GEMM ends.
  REQUIRE(run->log.count("slice.overlap") == 1);
  const hp::LogEntry* e = nullptr;
  for (const auto& x : run->log.entries())
    if (x.code == "slice.overlap") e = &x;
  REQUIRE(e);
  INFO(e->message);
  CHECK(e->message.rfind("'void cublasLt::splitKreduce_kernel<", 0) == 0);
  CHECK(e->message.find("starts 65 ns before 'nvjet_sm90_tst_64x32_64x16_4x2_h_bz_splitK_NNT' ends on the "
                        "same GPU stream") != std::string::npos);
  uint64_t lane1 = 0;
  for (size_t i = 0; i < run->slices.size(); ++i) lane1 += run->slices.lane[i] == 1;
  CHECK(lane1 == 1);
  CHECK(run->gpu.size() == 720);  // nothing dropped
}
