"""A small PyTorch decode-like workload for the GPU checks (run_device_checks.sh).

Each step runs a few transformer-style layers (matmuls through cuBLAS, layernorm, softmax, GELU) inside an NVTX
range "step", then replays a CUDA graph of one layer. With --profile FILE it also writes a torch.profiler Chrome
trace (a real Kineto trace of this GPU, for the importers). Prints "torch_workload: S steps in T ms".
"""
import argparse
import time

import torch


def layer(x, w_qkv, w_o, w_up, w_down):
    b, d = x.shape
    h = torch.nn.functional.layer_norm(x, (d,))
    q, k, v = (h @ w_qkv).chunk(3, dim=-1)
    att = torch.softmax((q @ k.T) / d**0.5, dim=-1) @ v
    x = x + att @ w_o
    h = torch.nn.functional.layer_norm(x, (d,))
    return x + torch.nn.functional.gelu(h @ w_up) @ w_down


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--profile", default="")
    a = ap.parse_args()
    dev = torch.device("cuda")
    torch.manual_seed(0)
    d, batch = 1024, 64
    ws = [[torch.randn(d, n * d, device=dev, dtype=torch.bfloat16) * 0.02 for n in (3, 1, 4)] +
          [torch.randn(4 * d, d, device=dev, dtype=torch.bfloat16) * 0.02] for _ in range(a.layers)]
    x = torch.randn(batch, d, device=dev, dtype=torch.bfloat16)
    static_x = x.clone()
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):  # warm up before capture, as CUDA graphs require
        for _ in range(2):
            layer(static_x, *ws[0])
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        static_y = layer(static_x, *ws[0])
    torch.cuda.synchronize()

    def run(steps):
        y = x
        for _ in range(steps):
            torch.cuda.nvtx.range_push("step")
            for w in ws:
                y = layer(y, *w)
            static_x.copy_(y)
            graph.replay()
            y = static_y.clone()
            torch.cuda.nvtx.range_pop()
        torch.cuda.synchronize()
        return y

    run(2)
    t0 = time.perf_counter()
    if a.profile:
        acts = [torch.profiler.ProfilerActivity.CPU, torch.profiler.ProfilerActivity.CUDA]
        with torch.profiler.profile(activities=acts, record_shapes=True) as prof:
            y = run(a.steps)
        prof.export_chrome_trace(a.profile)
    else:
        y = run(a.steps)
    ms = (time.perf_counter() - t0) * 1e3
    print(f"torch_workload: {a.steps} steps in {ms:.1f} ms (checksum {float(y.float().abs().mean()):.4f})")


if __name__ == "__main__":
    main()
