#include "core/capture/cupti_names.h"

#include <cxxabi.h>
#include <fmt/format.h>

#include <cstdlib>

namespace hp::cupti {

namespace {

// CUPTI enum labels (cupti_activity.h), with the nsys importer's words for the same activities.
constexpr const char* kCopyKind[] = {"Unknown", "HtoD", "DtoH", "HtoA", "AtoH",     "AtoA",     "AtoD",
                                     "DtoA",    "DtoD", "HtoH", "PtoP", "UVM HtoD", "UVM DtoH", "UVM DtoD"};
// CUpti_ActivityMemoryKind starts at UNKNOWN = 0 (nsys's export enum starts at Pageable).
constexpr const char* kMemKind[] = {"Unknown", "Pageable", "Pinned",        "Device",
                                    "Array",   "Managed",  "Device Static", "Managed Static"};
constexpr const char* kSyncType[] = {"Unknown Sync", "Event Sync", "Stream Wait Event", "Stream Sync",
                                     "Context Sync"};

template <size_t N>
const char* label(const char* const (&names)[N], uint64_t v) {
  return v < N ? names[v] : "Unknown";
}

}  // namespace

std::string memcpy_name(uint32_t copy_kind, uint32_t src_kind, uint32_t dst_kind) {
  return fmt::format("Memcpy {} ({} -> {})", label(kCopyKind, copy_kind), label(kMemKind, src_kind),
                     label(kMemKind, dst_kind));
}
std::string memset_name(uint32_t mem_kind) {
  return fmt::format("Memset ({})", label(kMemKind, mem_kind));
}
const char* sync_name(uint32_t type) {
  return label(kSyncType, type);
}

std::string api_base_name(std::string_view name) {
  std::string n(name);
  if (auto v = n.rfind("_v"); v != std::string::npos && v + 2 < n.size() &&
                              n.find_first_not_of("0123456789", v + 2) == std::string::npos)
    n.resize(v);
  return n;
}

std::string demangle_kernel(std::string_view name) {
  if (!name.starts_with("_Z")) return std::string(name);
  std::string m(name);
  int status = 0;
  char* d = abi::__cxa_demangle(m.c_str(), nullptr, nullptr, &status);
  std::string out = status == 0 && d ? std::string(d) : m;
  std::free(d);
  return out;
}

}  // namespace hp::cupti
