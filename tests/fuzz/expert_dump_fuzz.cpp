// libFuzzer target: arbitrary bytes read as each expert-load format (pickle subset, torch.save zip,
// SGLang CSV, TensorRT-LLM safetensors, balance log lines, placement JSON, eplb Prometheus text). Every input
// must read or throw ImportError. Build: cmake -DHOTPATH_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ (see
// tests/CMakeLists.txt).
#include <cstdint>
#include <string>

#include "core/experts/balance_log.h"
#include "core/experts/counter_pkl.h"
#include "core/experts/eplb_metrics.h"
#include "core/experts/placement.h"
#include "core/experts/sglang_dump.h"
#include "core/experts/trtllm_stats.h"
#include "core/model/load_status.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto check = [](const hp::experts::ExpertLoad& l) {
    // Invariant: the matrix is layers x experts.
    if (l.counts.size() != l.layers() * l.experts && !l.counts.empty()) __builtin_trap();
    for (const auto& p : l.pass_counts)
      if (p.size() != l.counts.size()) __builtin_trap();
    for (const auto& m : l.pairs)
      if (m.counts.size() != static_cast<size_t>(m.experts_a) * m.experts_b) __builtin_trap();
  };
  // The first byte picks the reader, so one corpus covers them all.
  const int which = size ? data[0] % 7 : 0;
  const std::string_view rest = size ? bytes.substr(1) : bytes;
  try {
    switch (which) {
      case 0:
        check(hp::experts::read_counter_pkl(rest, "fuzz.pkl"));
        break;
      case 1:
        check(hp::experts::read_sglang_pt(rest, "fuzz.pt"));
        break;
      case 2:
        check(hp::experts::read_sglang_csv(rest, "fuzz.csv"));
        break;
      case 3:
        check(hp::experts::read_trtllm_safetensors(rest, "fuzz.safetensors"));
        break;
      case 4:
        check(hp::experts::read_balance_log(rest, "fuzz.log"));
        break;
      case 5: {
        const hp::experts::PlacementMap m = hp::experts::read_placement_json(rest, "fuzz.json");
        for (const auto& row : m.layers)
          if (row.size() != m.layers[0].size()) __builtin_trap();
        break;
      }
      default:
        check(hp::experts::read_eplb_prom(rest, "fuzz.prom", 0));
        break;
    }
  } catch (const hp::ImportError&) {
  }
  return 0;
}
