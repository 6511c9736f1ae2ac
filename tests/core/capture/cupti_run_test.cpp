// CUPTI activity records -> Run, on synthetic records built here (every kind, correlation, a graph
// replay, buffers out of order, losses, two processes, the window and NVTX-range filters).
#include "core/capture/cupti_run.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>

#include "core/analysis/cuda_graphs.h"
#include "core/analysis/slice_parents.h"
#include "core/capture/cupti_names.h"

using namespace hp;
using namespace hp::cupti;

namespace {

constexpr int64_t kEpoch = 1700000000000000000;
constexpr uint64_t kRef = 1000000;  // CUPTI clock at the hello

// Process 4242: threads 7 and 8, device 0 streams 7 and 13.
StreamRecords process_a() {
  StreamRecords s;
  s.source = "stream 1 (pid 4242)";
  s.has_hello = true;
  s.hello = {4242, kRef, kEpoch, 130000, "/usr/bin/python3 serve.py"};
  s.strings = {{1, "_Z6kernelPfi"},
               {2, "cudaLaunchKernel_v7000"},
               {3, "cudaGraphLaunch_v10000"},
               {4, "cuLaunchKernel"},
               {5, "cudaMemcpyAsync_v3020"},
               {6, "cudaMemsetAsync_v3020"},
               {7, "cudaStreamSynchronize_v3020"},
               {8, "step"},
               {9, "inner"},
               {10, "vllm"},
               {11, "mark"},
               {12, "_Z5gemm2v"}};
  // Runtime (0) and driver (1) calls: domain, cbid, start, end, pid, tid, correlation, name.
  s.apis = {{0, 211, kRef + 100, kRef + 200, 4242, 7, 10, 2, 0},
            {0, 211, kRef + 300, kRef + 400, 4242, 8, 11, 2, 0},
            {0, 311, kRef + 2000, kRef + 2050, 4242, 7, 20, 3, 0},
            {1, 307, kRef + 3000, kRef + 3010, 4242, 7, 30, 4, 0},
            {0, 41, kRef + 4000, kRef + 4010, 4242, 7, 40, 5, 0},
            {0, 51, kRef + 4100, kRef + 4110, 4242, 8, 41, 6, 0},
            {0, 131, kRef + 5000, kRef + 5500, 4242, 7, 50, 7, 0}};
  // Out of order, as buffers of several streams arrive: the graph replay's second node first.
  s.kernels = {{kRef + 2200, kRef + 2300, 20, 0, 1, 7, 12, 4, 1, 1, 64, 1, 1, 24, 0, 0, 5, 101},
               {kRef + 500, kRef + 1500, 10, 0, 1, 7, 1, 128, 1, 1, 256, 1, 1, 32, 1024, 2048, 0, 0},
               {kRef + 600, kRef + 900, 11, 0, 1, 13, 1, 64, 2, 1, 128, 1, 1, 32, 0, 0, 0, 0},
               {kRef + 2100, kRef + 2200, 20, 0, 1, 7, 1, 4, 1, 1, 64, 1, 1, 32, 0, 0, 5, 100},
               {kRef + 3100, kRef + 3200, 30, 0, 1, 7, 12, 1, 1, 1, 32, 1, 1, 24, 0, 0, 0, 0}};
  s.memcpys = {{kRef + 4020, kRef + 4120, 40, 0, 1, 7, 4096, 1, 1, 3, 0, 0}};  // HtoD, pageable -> device
  s.memsets = {{kRef + 4200, kRef + 4250, 41, 0, 1, 13, 512, 0, 3, 0, 0}};     // device memory
  s.syncs = {{kRef + 5010, kRef + 5490, 50, 1, 7, 3, 0}};
  s.contexts = {{1, 0}};
  // NVTX: "step" (push/pop, domain vllm) around "inner", a mark; the end of "step" comes first.
  s.markers = {{kMarkerEnd, kRef + 6000, 1, 4242, 7, 0, 0},
               {kMarkerStart, kRef + 0, 1, 4242, 7, 8, 10},
               {kMarkerStart, kRef + 50, 2, 4242, 7, 9, 0},
               {kMarkerEnd, kRef + 250, 2, 4242, 7, 0, 0},
               {kMarkerInstant, kRef + 60, 3, 4242, 7, 11, 0}};
  s.dropped = {3, 1, 0};
  s.ended = true;
  return s;
}

// Process 5000 started 1 us later, with its own clock pair and the same correlation id 10.
StreamRecords process_b() {
  StreamRecords s;
  s.source = "stream 2 (pid 5000)";
  s.has_hello = true;
  s.hello = {5000, 77, kEpoch + 1000, 130000, "worker"};
  s.strings = {{1, "cudaLaunchKernel_v7000"}, {2, "k2"}};
  s.apis = {{0, 211, 77 + 10, 77 + 20, 5000, 9, 10, 1, 0}};
  s.kernels = {{77 + 30, 77 + 40, 10, 1, 2, 7, 2, 1, 1, 1, 1, 1, 1, 8, 0, 0, 0, 0}};
  s.ended = false;  // killed: no end frame
  return s;
}

uint32_t find_slice(const Run& r, std::string_view name, size_t nth = 0) {
  for (uint32_t i = 0; i < r.slices.size(); ++i)
    if (r.str(r.slices.name[i]) == name && nth-- == 0) return i;
  return kNone;
}
uint32_t gpu_row(const Run& r, uint32_t slice) {
  auto it = std::find(r.gpu.slice.begin(), r.gpu.slice.end(), slice);
  return it == r.gpu.slice.end() ? kNone : static_cast<uint32_t>(it - r.gpu.slice.begin());
}

}  // namespace

TEST_CASE("cupti records become a Run: tracks, columns, correlation, NVTX, losses", "[cupti]") {
  CaptureCounts n;
  auto run = build_capture_run({process_a(), process_b()}, CaptureOptions{}, &n);
  const Run& r = *run;
  CHECK(n.processes == 2);
  CHECK(n.kernels == 6);
  CHECK(n.graph_kernels == 2);
  CHECK(n.memcpys == 1);
  CHECK(n.memsets == 1);
  CHECK(n.syncs == 1);
  CHECK(n.api_calls == 8);
  CHECK(n.nvtx_ranges == 2);
  CHECK(n.nvtx_marks == 1);
  CHECK(n.dropped == 3);
  REQUIRE(r.sources.size() == 1);
  CHECK(r.sources[0].format == "cupti-live");
  CHECK(r.sources[0].base_time_ns == kEpoch);
  // The records received, as `hotpath info` lists a source's events: 7 runtime calls and 1 driver call,
  // 5 NVTX marker records (two ranges' starts and ends, one mark).
  CHECK(r.sources[0].by_cat == std::map<std::string, uint64_t>{{"cuda_driver", 1},
                                                               {"cuda_runtime", 7},
                                                               {"cuda_sync", 1},
                                                               {"gpu_memcpy", 1},
                                                               {"gpu_memset", 1},
                                                               {"kernel", 6},
                                                               {"nvtx", 5}});
  CHECK(r.sources[0].events == 22);
  // Tracks: pid 4242 threads 7, 8, streams 7 and 13 and the sync row of stream 7; pid 5000 thread 9,
  // stream 7.
  CHECK(r.tracks.size() == 7);
  int gpu_tracks = 0;
  for (const auto& t : r.tracks) gpu_tracks += t.kind == TrackKind::GpuStream;
  CHECK(gpu_tracks == 4);

  // The first kernel: demangled, launch configuration, times on the epoch axis.
  uint32_t k = find_slice(r, "kernel(float*, int)");
  REQUIRE(k != kNone);
  CHECK(r.slices.start[k] == 500);
  CHECK(r.slices.dur[k] == 1000);
  CHECK(r.slices.kind[k] == SliceKind::Kernel);
  uint32_t g = gpu_row(r, k);
  REQUIRE(g != kNone);
  CHECK(r.gpu.launch[g].grid == std::array<uint32_t, 3>{128, 1, 1});
  CHECK(r.gpu.launch[g].block == std::array<uint32_t, 3>{256, 1, 1});
  CHECK(r.gpu.launch[g].registers_per_thread == 32);
  CHECK(r.gpu.launch[g].shared_memory == 3072);
  CHECK(r.gpu.stream[g] == 7);
  CHECK(r.gpu.correlation[g] == 10);
  const Track& kt = r.tracks[r.slices.track[k]];
  CHECK(r.str(kt.thread_name) == "stream 7");
  CHECK(r.str(kt.process_name) == "python3 (pid 4242)");
  // Linked to its cudaLaunchKernel (version suffix dropped) on thread 7 of its own process.
  REQUIRE(r.gpu.launch_slice[g] != kNone);
  const uint32_t launch = r.gpu.launch_slice[g];
  CHECK(r.str(r.slices.name[launch]) == "cudaLaunchKernel");
  CHECK(r.slices.kind[launch] == SliceKind::Runtime);
  CHECK(r.slices.start[launch] == 100);
  CHECK(r.tracks[r.slices.track[launch]].tid == 7);
  CHECK(r.tracks[r.slices.track[launch]].pid == 4242);
  // Process 5000's kernel (same correlation id 10) links within its process, 1 us later on the axis.
  uint32_t k2 = find_slice(r, "k2");
  REQUIRE(k2 != kNone);
  CHECK(r.slices.start[k2] == 1000 + 30);
  uint32_t l2 = r.gpu.launch_slice[gpu_row(r, k2)];
  REQUIRE(l2 != kNone);
  CHECK(r.tracks[r.slices.track[l2]].pid == 5000);
  CHECK(r.gpu.device[gpu_row(r, k2)] == 1);
  // The driver launch.
  uint32_t kd = find_slice(r, "gemm2()", 1);
  REQUIRE(kd != kNone);
  CHECK(r.str(r.slices.name[r.gpu.launch_slice[gpu_row(r, kd)]]) == "cuLaunchKernel");
  CHECK(r.slices.kind[r.gpu.launch_slice[gpu_row(r, kd)]] == SliceKind::Driver);

  // Memcpy, memset, sync: names as the nsys importer's, bytes, the sync on its context's device.
  uint32_t mc = find_slice(r, "Memcpy HtoD (Pageable -> Device)");
  REQUIRE(mc != kNone);
  CHECK(r.gpu.launch[gpu_row(r, mc)].bytes == 4096);
  CHECK(r.str(r.slices.name[r.gpu.launch_slice[gpu_row(r, mc)]]) == "cudaMemcpyAsync");
  uint32_t ms = find_slice(r, "Memset (Device)");
  REQUIRE(ms != kNone);
  CHECK(r.gpu.launch[gpu_row(r, ms)].bytes == 512);
  CHECK(r.gpu.stream[gpu_row(r, ms)] == 13);
  uint32_t sy = find_slice(r, "Stream Sync");
  REQUIRE(sy != kNone);
  CHECK(r.slices.kind[sy] == SliceKind::Sync);
  CHECK(r.gpu.device[gpu_row(r, sy)] == 0);
  CHECK(r.str(r.tracks[r.slices.track[sy]].thread_name) == "stream 7 sync");

  // NVTX: "inner" nested in "step" on thread 7, the mark an instant, the domain in args.
  uint32_t step = find_slice(r, "step"), inner = find_slice(r, "inner");
  REQUIRE(step != kNone);
  REQUIRE(inner != kNone);
  CHECK(r.slices.kind[step] == SliceKind::Nvtx);
  CHECK(r.slices.start[step] == 0);
  CHECK(r.slices.dur[step] == 6000);
  CHECK(r.slices.depth[step] == 0);
  CHECK(r.slices.depth[inner] == 1);
  CHECK(r.args_text(r.slices.args[step]) == R"({"domain":"vllm"})");
  REQUIRE(r.instants.size() == 1);
  CHECK(r.str(r.instants.name[0]) == "mark");
  CHECK(r.instants.ts[0] == 60);

  // Losses and the killed process are in the log.
  CHECK(r.log.count("capture.dropped") == 1);
  CHECK(r.log.count("capture.no_end") == 1);
  CHECK(r.log.entries()[0].message.find(
            "3 activity records lost in the target (3 dropped by CUPTI, 0 not sent; "
            "1 buffer requests refused") != std::string::npos);
}

TEST_CASE("cupti graph replays: kernels with graph ids link to cudaGraphLaunch", "[cupti]") {
  auto run = build_capture_run({process_a()}, CaptureOptions{});
  CudaGraphs graphs = find_cuda_graphs(*run, slice_parents(*run));
  REQUIRE(graphs.launches.size() == 1);
  CHECK(graphs.launches[0].kernels == 2);
  CHECK(run->str(run->slices.name[graphs.launches[0].slice]) == "cudaGraphLaunch");
  CHECK(graphs.launches[0].first_start == 2100);
  CHECK(graphs.launches[0].last_end == 2300);
  uint32_t node = find_slice(*run, "gemm2()");
  REQUIRE(node != kNone);
  CHECK(run->args_text(run->slices.args[node]) == R"({"graph id":5,"graph node id":101})");
}

TEST_CASE("cupti capture window and NVTX range keep what falls inside", "[cupti]") {
  SECTION("--start-after: from the graph launch on") {
    CaptureOptions o;
    o.window_begin = kEpoch + 2000;
    CaptureCounts n;
    auto run = build_capture_run({process_a()}, o, &n);
    CHECK(n.kernels == 3);  // the graph's two and the driver launch's
    CHECK(n.api_calls == 5);
    CHECK(n.nvtx_ranges == 1);          // "step" (0..6000) overlaps, "inner" does not
    CHECK(n.outside == 2 + 2 + 1 + 1);  // calls 10, 11; their kernels; "inner"; the mark
  }
  SECTION("--range nvtx:inner keeps the calls inside and the kernels they launched") {
    CaptureOptions o;
    o.nvtx_range = "inner";
    CaptureCounts n;
    auto run = build_capture_run({process_a()}, o, &n);
    CHECK(n.api_calls == 1);
    CHECK(n.kernels == 1);  // launched inside (at 100) though it runs at 500..1500
    CHECK(find_slice(*run, "kernel(float*, int)") != kNone);
    CHECK(n.memcpys == 0);
    CHECK(n.nvtx_ranges == 2);
  }
  SECTION("--range of a name that never occurs") {
    CaptureOptions o;
    o.nvtx_range = "nope";
    CaptureCounts n;
    auto run = build_capture_run({process_a()}, o, &n);
    CHECK(n.kernels == 0);
    CHECK(run->log.count("capture.no_range") == 1);
  }
}

TEST_CASE("cupti conversion reports odd records instead of failing", "[cupti]") {
  StreamRecords s = process_a();
  s.markers.push_back({kMarkerEnd, kRef + 10, 99, 4242, 7, 0, 0});    // end without start
  s.markers.push_back({kMarkerStart, kRef + 70, 98, 4242, 7, 9, 0});  // start without end
  s.kernels.push_back(
      {kRef + 900, kRef + 800, 0, 0, 1, 7, 77, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0});  // end < start
  StreamRecords no_hello;
  no_hello.source = "stream 3";
  no_hello.failure = "stream 3: byte offset 0: empty stream (the process sent nothing)";
  s.errors.push_back({17, "enabling NVTX markers: CUPTI_ERROR_NOT_SUPPORTED"});
  CaptureCounts n;
  auto run = build_capture_run({s, no_hello}, CaptureOptions{}, &n);
  CHECK(n.processes == 1);
  CHECK(n.kernels == 6);
  CHECK(run->log.count("capture.nvtx_unmatched_end") == 1);
  CHECK(run->log.count("capture.nvtx_unterminated") == 1);
  CHECK(run->log.count("capture.negative_duration") == 1);
  CHECK(run->log.count("capture.no_hello") == 1);
  CHECK(run->log.count("capture.stream") == 1);
  CHECK(run->log.count("capture.inject_error") == 1);
  uint32_t unnamed = find_slice(*run, "(unnamed kernel)");
  REQUIRE(unnamed != kNone);
  CHECK(run->slices.dur[unnamed] == 0);
  CHECK(run->instants.size() == 2);
}

TEST_CASE("cupti names: CUPTI enum labels, API names without version, demangled kernels", "[cupti]") {
  CHECK(api_base_name("cudaLaunchKernel_v7000") == "cudaLaunchKernel");
  CHECK(api_base_name("cuLaunchKernel") == "cuLaunchKernel");
  CHECK(api_base_name("cuMemcpy_v2x") == "cuMemcpy_v2x");
  CHECK(memcpy_name(2, 3, 2) == "Memcpy DtoH (Device -> Pinned)");
  CHECK(memcpy_name(10, 3, 3) == "Memcpy PtoP (Device -> Device)");
  CHECK(memcpy_name(99, 42, 0) == "Memcpy Unknown (Unknown -> Unknown)");
  CHECK(memset_name(5) == "Memset (Managed)");
  CHECK(std::string(sync_name(4)) == "Context Sync");
  CHECK(demangle_kernel("_Z6kernelPfi") == "kernel(float*, int)");
  CHECK(demangle_kernel("_Zbroken") == "_Zbroken");
  CHECK(demangle_kernel("ampere_sgemm_128x64_nn") == "ampere_sgemm_128x64_nn");
}

TEST_CASE("cupti launches: the runtime call wins over its nested driver call, memcpys by either id",
          "[cupti]") {
  StreamRecords s;
  s.source = "stream 1 (pid 9)";
  s.has_hello = true;
  s.hello = {9, kRef, kEpoch, 130000, "app"};
  s.strings = {{1, "cudaLaunchKernel_v7000"}, {2, "cuLaunchKernel"}, {3, "k"}, {4, "cudaMemcpyAsync_v3020"}};
  // The driver call nested in the runtime call carries its id 5; it comes first in the buffer.
  s.apis = {{1, 307, kRef + 20, kRef + 30, 9, 1, 5, 2, 0},
            {0, 211, kRef + 10, kRef + 40, 9, 1, 5, 1, 0},
            {0, 41, kRef + 50, kRef + 60, 9, 1, 6, 4, 0}};
  s.kernels = {{kRef + 100, kRef + 200, 5, 0, 1, 7, 3, 1, 1, 1, 1, 1, 1, 8, 0, 0, 0, 0}};
  // Driver id 70 was not recorded; the runtime id 6 was.
  s.memcpys = {{kRef + 300, kRef + 400, 70, 0, 1, 7, 64, 1, 2, 3, 0, 0, 6}};
  s.ended = true;
  CaptureCounts n;
  auto run = build_capture_run({s}, CaptureOptions{}, &n);
  CHECK(n.api_calls == 3);
  uint32_t k = find_slice(*run, "k");
  REQUIRE(k != kNone);
  CHECK(run->str(run->slices.name[run->gpu.launch_slice[gpu_row(*run, k)]]) == "cudaLaunchKernel");
  uint32_t m = find_slice(*run, "Memcpy HtoD (Pinned -> Device)");
  REQUIRE(m != kNone);
  CHECK(run->gpu.correlation[gpu_row(*run, m)] == 6);
  CHECK(run->str(run->slices.name[run->gpu.launch_slice[gpu_row(*run, m)]]) == "cudaMemcpyAsync");
}
