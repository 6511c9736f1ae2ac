#!/usr/bin/env python3
"""hotpath bench harness: times the operations users ask about (silu_and_mul, fused_add_rms_norm,
rotary_embedding) as vLLM custom op (when vLLM is importable), torch.compile and eager PyTorch, with CUDA
events, warm-up, optional CUDA-graph replay, a correctness check against an fp32 reference, and run-to-run
stability (coefficient of variation over repeats). Writes one JSON document.

Exit codes: 0 done, 1 no PyTorch / no CUDA GPU / nothing could run (the reason on stderr), 2 bad arguments.
Run by `hotpath bench`; usable alone: python3 bench_ops.py --out result.json
"""
import argparse
import json
import math
import statistics
import sys
import time

OPS = ("silu_and_mul", "fused_add_rms_norm", "rotary_embedding")


def fail(msg):
    print("hotpath bench: " + msg, file=sys.stderr)
    sys.exit(1)


def parse_shape(text):
    try:
        rows, cols = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError("shape must be ROWSxCOLS, e.g. 64x4096")
    if rows <= 0 or cols <= 0 or cols % 2:
        raise argparse.ArgumentTypeError("shape needs positive sizes and an even column count")
    return rows, cols


def references(torch):
    """fp32 reference implementations and eager versions in the input dtype."""

    def silu_and_mul(x):
        d = x.shape[-1] // 2
        return torch.nn.functional.silu(x[..., :d]) * x[..., d:]

    def fused_add_rms_norm(x, residual, weight, eps=1e-6):
        h = x + residual
        var = h.float().pow(2).mean(-1, keepdim=True)
        return (h.float() * torch.rsqrt(var + eps)).to(x.dtype) * weight, h

    def rotary_embedding(q, cos, sin):
        d = q.shape[-1] // 2
        q1, q2 = q[..., :d], q[..., d:]
        return torch.cat((q1 * cos - q2 * sin, q2 * cos + q1 * sin), dim=-1)

    return {"silu_and_mul": silu_and_mul, "fused_add_rms_norm": fused_add_rms_norm,
            "rotary_embedding": rotary_embedding}


def make_inputs(torch, op, rows, cols, dtype, device):
    g = torch.Generator(device=device).manual_seed(0)
    rnd = lambda *s: torch.randn(*s, generator=g, device=device, dtype=torch.float32).to(dtype)
    if op == "silu_and_mul":
        return (rnd(rows, cols),)
    if op == "fused_add_rms_norm":
        return (rnd(rows, cols), rnd(rows, cols), rnd(cols))
    pos = torch.arange(rows, device=device, dtype=torch.float32)[:, None]
    inv = 1.0 / (10000 ** (torch.arange(0, cols // 2, device=device, dtype=torch.float32) / (cols // 2)))
    ang = pos * inv[None, :]
    return (rnd(rows, cols), ang.cos().to(dtype), ang.sin().to(dtype))


def vllm_impl(torch, op):
    """The vLLM custom op as a function of the same inputs, or None when vLLM is not importable."""
    try:
        from vllm import _custom_ops as ops  # noqa: F401
    except Exception:
        return None
    if op == "silu_and_mul":
        def f(x):
            out = torch.empty(x.shape[0], x.shape[1] // 2, device=x.device, dtype=x.dtype)
            ops.silu_and_mul(out, x)
            return out
        return f
    if op == "fused_add_rms_norm":
        def f(x, residual, weight):
            x, residual = x.clone(), residual.clone()
            ops.fused_add_rms_norm(x, residual, weight, 1e-6)
            return x, residual
        return f
    return None  # vLLM's rotary_embedding needs its cos/sin cache layout: not compared here


def first(out):
    return out[0] if isinstance(out, tuple) else out


def time_impl(torch, fn, inputs, warmup, iters, repeats, graph):
    for _ in range(warmup):
        fn(*inputs)
    torch.cuda.synchronize()
    call = lambda: fn(*inputs)
    if graph:
        stream = torch.cuda.Stream()
        stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(stream):
            fn(*inputs)
        torch.cuda.current_stream().wait_stream(stream)
        cg = torch.cuda.CUDAGraph()
        with torch.cuda.graph(cg):
            fn(*inputs)
        call = cg.replay
    per_call_us = []
    for _ in range(repeats):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(iters):
            call()
        end.record()
        end.synchronize()
        per_call_us.append(start.elapsed_time(end) * 1000.0 / iters)
    mean = statistics.fmean(per_call_us)
    sd = statistics.pstdev(per_call_us) if len(per_call_us) > 1 else 0.0
    s = sorted(per_call_us)
    return {"avg_us": mean, "stddev_us": sd, "cv_pct": 100.0 * sd / mean if mean > 0 else None,
            "min_us": s[0], "p50_us": statistics.median(s), "max_us": s[-1], "repeats_us": per_call_us}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ops", default=",".join(OPS))
    ap.add_argument("--shapes", default="64x4096,256x4096", help="ROWSxCOLS,...")
    ap.add_argument("--dtype", default="bf16", choices=("bf16", "fp16", "fp32"))
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--iters", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--cuda-graph", action="store_true", help="time CUDA-graph replay of each call")
    ap.add_argument("--unstable-cv", type=float, default=5.0, help="CV %% above which a result is unstable")
    ap.add_argument("--out", required=True, help="JSON file to write ('-' for stdout)")
    a = ap.parse_args()
    ops = [o for o in a.ops.split(",") if o]
    for o in ops:
        if o not in OPS:
            ap.error("unknown op %r (known: %s)" % (o, ", ".join(OPS)))
    try:
        shapes = [parse_shape(s) for s in a.shapes.split(",") if s]
    except argparse.ArgumentTypeError as e:
        ap.error(str(e))
    if min(a.warmup, a.iters, a.repeats) < 0 or a.iters == 0 or a.repeats == 0:
        ap.error("--iters and --repeats must be positive, --warmup non-negative")

    try:
        import torch
    except Exception as e:  # ImportError, or a broken install
        fail("PyTorch is not installed or does not import (%s); bench needs PyTorch with CUDA" % e)
    if not torch.cuda.is_available():
        fail("PyTorch sees no CUDA GPU (torch.cuda.is_available() is False); bench needs one")
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[a.dtype]
    tol = {"bf16": 2e-2, "fp16": 5e-3, "fp32": 1e-4}[a.dtype]
    dev = torch.device("cuda")
    props = torch.cuda.get_device_properties(dev)
    refs = references(torch)
    doc = {"gpu": {"name": props.name, "torch": torch.__version__, "cuda": torch.version.cuda},
           "settings": {"dtype": a.dtype, "warmup": a.warmup, "iters": a.iters, "repeats": a.repeats,
                        "cuda_graph": a.cuda_graph, "unstable_cv_pct": a.unstable_cv},
           "started_unix_s": time.time(), "results": [], "correctness_failures": [], "skipped": []}
    for op in ops:
        eager = refs[op]
        impls = {"torch-eager": eager}
        try:
            impls["torch-compile"] = torch.compile(eager)
        except Exception as e:
            doc["skipped"].append({"kernel": op, "implementation": "torch-compile", "reason": str(e)})
        v = vllm_impl(torch, op)
        if v is not None:
            impls["vllm-cuda"] = v
        else:
            doc["skipped"].append({"kernel": op, "implementation": "vllm-cuda",
                                   "reason": "vLLM not importable" if op != "rotary_embedding"
                                   else "cos/sin cache layout differs; not compared"})
        for rows, cols in shapes:
            inputs = make_inputs(torch, op, rows, cols, dtype, dev)
            expect = first(eager(*[t.float() for t in inputs])).float()
            for name, fn in impls.items():
                row = {"kernel": op, "implementation": name, "shape": "%dx%d" % (rows, cols), "dtype": a.dtype}
                try:
                    got = first(fn(*inputs)).float()
                    err = (got - expect).abs().max().item()
                    row["validation_max_abs_error"] = err
                    row["valid"] = bool(math.isfinite(err) and err <= tol * max(1.0, expect.abs().max().item()))
                    row.update(time_impl(torch, fn, inputs, a.warmup, a.iters, a.repeats, a.cuda_graph))
                    row["unstable"] = row["cv_pct"] is not None and row["cv_pct"] > a.unstable_cv
                    row["cuda_graph_replay"] = a.cuda_graph
                except Exception as e:
                    doc["skipped"].append({"kernel": op, "implementation": name, "shape": row["shape"],
                                           "reason": "%s: %s" % (type(e).__name__, e)})
                    continue
                if not row["valid"]:
                    doc["correctness_failures"].append(row["kernel"] + "/" + name + "/" + row["shape"])
                doc["results"].append(row)
    if not doc["results"]:
        fail("nothing could run: " + "; ".join(s["reason"] for s in doc["skipped"][:3]))
    text = json.dumps(doc, indent=2)
    if a.out == "-":
        print(text)
    else:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
