#pragma once
// The names hotpath gives CUDA activities, shared by the nsys importer and the CUPTI capture so that a
// memcpy or a synchronization reads the same whichever tool recorded it. The enums are CUPTI's
// (cupti_activity.h): CUpti_ActivityMemcpyKind and CUpti_ActivitySynchronizationType from 0; memory
// kinds differ (CUPTI starts at UNKNOWN = 0, nsys's export at Pageable), so each caller passes the
// CUPTI value.
#include <cstdint>

namespace hp::cuda_names {

inline const char* copy_kind(int64_t v) {
  static constexpr const char* k[] = {"Unknown", "HtoD", "DtoH", "HtoA", "AtoH",     "AtoA",     "AtoD",
                                      "DtoA",    "DtoD", "HtoH", "PtoP", "UVM HtoD", "UVM DtoH", "UVM DtoD"};
  return v >= 0 && v < static_cast<int64_t>(sizeof k / sizeof *k) ? k[v] : "Unknown";
}

// CUpti_ActivityMemoryKind: 0 Unknown, 1 Pageable, ... 7 Managed Static.
inline const char* memory_kind(int64_t v) {
  static constexpr const char* k[] = {"Unknown", "Pageable", "Pinned",        "Device",
                                      "Array",   "Managed",  "Device Static", "Managed Static"};
  return v >= 0 && v < static_cast<int64_t>(sizeof k / sizeof *k) ? k[v] : "Unknown";
}

inline const char* sync_type(int64_t v) {
  static constexpr const char* k[] = {"Unknown Sync", "Event Sync", "Stream Wait Event", "Stream Sync",
                                      "Context Sync"};
  return v >= 0 && v < static_cast<int64_t>(sizeof k / sizeof *k) ? k[v] : "Unknown";
}

}  // namespace hp::cuda_names
