// A known GPU schedule for tests/gpu/run_capture_check.sh (needs a GPU). Per repetition:
//   NVTX range "kernels": 10 kernels grid (64,1,1) block (128,1,1) on stream A and 10 kernels grid
//     (32,2,1) block (256,1,1) on stream B, interleaved;
//   NVTX range "copies": 3 HtoD memcpys of 1 MiB (pinned -> device) on A, 2 DtoH of 4096 bytes on B,
//     1 memset of 65536 bytes on A;
//   NVTX start/end range "graph": a CUDA graph of 3 kernels grid (16,1,1) block (64,1,1) launched 5 times
//     on A; then both streams synchronized.
// Everything sits inside one push/pop range "schedule". Usage: capture_schedule [REPS]. Prints the
// schedule's own time (after CUDA is initialised) for the overhead figure.
#include <cuda_runtime.h>
#include <nvtx3/nvToolsExt.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#define CHECK_CUDA(x)                                                                         \
  do {                                                                                        \
    cudaError_t e = (x);                                                                      \
    if (e != cudaSuccess) {                                                                   \
      std::fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #x, cudaGetErrorString(e)); \
      std::exit(1);                                                                           \
    }                                                                                         \
  } while (0)

__global__ void spin(float* p, int n, int iters) {
  int i = blockIdx.x * blockDim.x * gridDim.y + blockIdx.y * blockDim.x + threadIdx.x;
  if (i >= n) return;
  float v = p[i];
  for (int k = 0; k < iters; ++k) v = v * 0.999f + 0.001f;
  p[i] = v;
}

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::atoi(argv[1]) : 1;
  CHECK_CUDA(cudaFree(nullptr));  // initialise CUDA (and the injection) before timing
  cudaStream_t a, b;
  CHECK_CUDA(cudaStreamCreateWithFlags(&a, cudaStreamNonBlocking));
  CHECK_CUDA(cudaStreamCreateWithFlags(&b, cudaStreamNonBlocking));
  float *d = nullptr, *h = nullptr;
  const int n = 1 << 20;
  CHECK_CUDA(cudaMalloc(&d, 4 * n));
  CHECK_CUDA(cudaMallocHost(&h, 1 << 20));
  float* d2 = d + n / 2;

  // The graph: captured once from stream A (capture launches nothing).
  cudaGraph_t graph;
  cudaGraphExec_t exec;
  CHECK_CUDA(cudaStreamBeginCapture(a, cudaStreamCaptureModeThreadLocal));
  for (int k = 0; k < 3; ++k) spin<<<dim3(16, 1, 1), dim3(64, 1, 1), 0, a>>>(d, n, 64);
  CHECK_CUDA(cudaStreamEndCapture(a, &graph));
  CHECK_CUDA(cudaGraphInstantiate(&exec, graph, 0));
  CHECK_CUDA(cudaDeviceSynchronize());

  const auto t0 = std::chrono::steady_clock::now();
  nvtxRangePushA("schedule");
  for (int r = 0; r < reps; ++r) {
    nvtxRangePushA("kernels");
    for (int k = 0; k < 10; ++k) {
      spin<<<dim3(64, 1, 1), dim3(128, 1, 1), 0, a>>>(d, n / 2, 256);
      spin<<<dim3(32, 2, 1), dim3(256, 1, 1), 0, b>>>(d2, n / 2, 256);
    }
    nvtxRangePop();
    nvtxRangePushA("copies");
    for (int k = 0; k < 3; ++k) CHECK_CUDA(cudaMemcpyAsync(d, h, 1 << 20, cudaMemcpyHostToDevice, a));
    for (int k = 0; k < 2; ++k) CHECK_CUDA(cudaMemcpyAsync(h, d2, 4096, cudaMemcpyDeviceToHost, b));
    CHECK_CUDA(cudaMemsetAsync(d, 0, 65536, a));
    nvtxRangePop();
    nvtxRangeId_t g = nvtxRangeStartA("graph");
    for (int k = 0; k < 5; ++k) CHECK_CUDA(cudaGraphLaunch(exec, a));
    nvtxRangeEnd(g);
    CHECK_CUDA(cudaStreamSynchronize(a));
    CHECK_CUDA(cudaStreamSynchronize(b));
  }
  nvtxRangePop();
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf("capture_schedule: %d reps in %.3f ms\n", reps, ms);
  CHECK_CUDA(cudaGraphExecDestroy(exec));
  CHECK_CUDA(cudaGraphDestroy(graph));
  CHECK_CUDA(cudaFreeHost(h));
  CHECK_CUDA(cudaFree(d));
  return 0;
}
