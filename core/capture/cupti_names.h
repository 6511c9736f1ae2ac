#pragma once
// Names of captured activities, as the nsys importer names the same ones (CUPTI enum labels).
#include <cstdint>
#include <string>
#include <string_view>

namespace hp::cupti {

// "Memcpy HtoD (Pageable -> Device)"
std::string memcpy_name(uint32_t copy_kind, uint32_t src_kind, uint32_t dst_kind);
// "Memset (Device)"
std::string memset_name(uint32_t mem_kind);
// "Stream Sync"
const char* sync_name(uint32_t type);
// "cudaLaunchKernel_v7000" -> "cudaLaunchKernel" (CUPTI's callback names carry the API version).
std::string api_base_name(std::string_view name);
// Demangles a C++ kernel name; other names are returned unchanged.
std::string demangle_kernel(std::string_view name);

}  // namespace hp::cupti
