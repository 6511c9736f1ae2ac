#pragma once
// What the advisor compares: a monolithic layout (every instance does prefill and decode, chunked
// prefill mixed into decode steps) or a P:D split (n prefill instances, m decode instances), and the
// figures each evaluation reports.
#include <string>

namespace hp::disagg {

struct Layout {
  int prefill = 0, decode = 0;  // instances; prefill == 0: monolithic with `decode` instances
  bool monolithic() const { return prefill == 0; }
  std::string label(int tp) const;  // "monolithic 8 GPUs" or "2P:6D" (GPUs)
};

enum class Bottleneck { Prefill, Decode, Link, KvCapacity, Engine };
const char* to_string(Bottleneck b);  // "prefill", "decode", "link", "kv_capacity", "engine"

// Service-level objectives for goodput; 0 = none. ITL is judged per request (its mean gap, TPOT).
struct Slo {
  double ttft_ms = 0, itl_ms = 0;
  bool any() const { return ttft_ms > 0 || itl_ms > 0; }
};

struct Percentiles {
  double p50 = 0, p90 = 0, p99 = 0, mean = 0;
};

}  // namespace hp::disagg
