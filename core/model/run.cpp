#include "core/model/run.h"
#include <cstring>

#include <algorithm>
#include <limits>
#include <set>

namespace hp {

const char* to_string(SliceKind k) {
  static constexpr const char* kNames[] = {"cpu_op",
                                           "user_annotation",
                                           "python_function",
                                           "runtime",
                                           "driver",
                                           "kernel",
                                           "memcpy",
                                           "memset",
                                           "sync",
                                           "gpu_annotation",
                                           "nvtx",
                                           "trace",
                                           "other"};
  static_assert(std::size(kNames) == static_cast<size_t>(SliceKind::Count));
  return kNames[static_cast<size_t>(k)];
}

SliceKind slice_kind_from_category(std::string_view cat) {
  struct Rule {
    std::string_view cat;
    SliceKind kind;
  };
  static constexpr Rule kRules[] = {
      {"cpu_op", SliceKind::CpuOp},
      {"Operator", SliceKind::CpuOp},
      {"user_annotation", SliceKind::UserAnnotation},
      {"python_function", SliceKind::PythonFunction},
      {"cuda_runtime", SliceKind::Runtime},
      {"Runtime", SliceKind::Runtime},
      {"cuda_driver", SliceKind::Driver},
      {"kernel", SliceKind::Kernel},
      {"Kernel", SliceKind::Kernel},
      {"gpu_memcpy", SliceKind::Memcpy},
      {"Memcpy", SliceKind::Memcpy},
      {"gpu_memset", SliceKind::Memset},
      {"Memset", SliceKind::Memset},
      {"cuda_sync", SliceKind::Sync},
      {"gpu_user_annotation", SliceKind::GpuAnnotation},
      {"nvtx", SliceKind::Nvtx},
      {"NVTX", SliceKind::Nvtx},
      {"Trace", SliceKind::Trace},
  };
  for (const auto& r : kRules)
    if (r.cat == cat) return r.kind;
  return SliceKind::Other;
}

std::pair<Ns, Ns> Run::span() const {
  Ns lo = std::numeric_limits<Ns>::max(), hi = std::numeric_limits<Ns>::min();
  for (size_t i = 0; i < slices.size(); ++i) {
    lo = std::min(lo, slices.start[i]);
    hi = std::max(hi, slices.end(i));
  }
  for (Ns t : instants.ts) lo = std::min(lo, t), hi = std::max(hi, t);
  for (Ns t : counters.ts) lo = std::min(lo, t), hi = std::max(hi, t);
  if (lo > hi) return {0, 0};
  return {lo, hi};
}

std::string_view Run::args_text(ArgsRef a) const {
  if (a.length != ArgsRef::kLongArgs) return raw_args.view(a.offset, a.length);
  uint64_t n = 0;
  std::string_view prefix = raw_args.view(a.offset, sizeof(n));
  if (prefix.size() != sizeof(n)) return {};
  std::memcpy(&n, prefix.data(), sizeof(n));
  return raw_args.view(a.offset + sizeof(n), n);
}

uint32_t Run::rank_count() const {
  std::set<uint32_t> ranks;
  for (const auto& t : tracks) ranks.insert(t.rank);
  for (const auto& s : sources) ranks.insert(s.rank);
  return static_cast<uint32_t>(ranks.size());
}

}  // namespace hp
