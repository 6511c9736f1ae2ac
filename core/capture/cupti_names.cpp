#include "core/capture/cupti_names.h"

#include <cxxabi.h>
#include <fmt/format.h>

#include <cstdlib>

#include "core/import/cuda_activity_names.h"

namespace hp::cupti {

std::string memcpy_name(uint32_t copy_kind, uint32_t src_kind, uint32_t dst_kind) {
  return fmt::format("Memcpy {} ({} -> {})", cuda_names::copy_kind(copy_kind),
                     cuda_names::memory_kind(src_kind), cuda_names::memory_kind(dst_kind));
}
std::string memset_name(uint32_t mem_kind) {
  return fmt::format("Memset ({})", cuda_names::memory_kind(mem_kind));
}
const char* sync_name(uint32_t type) {
  return cuda_names::sync_type(type);
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
