#pragma once
// Importer for Nsight Systems SQLite exports (`nsys export --type sqlite`): CUDA kernels, memcpy,
// memset and synchronization on GPU stream tracks; runtime/driver calls and NVTX ranges on CPU
// thread tracks; device, process and thread names. Columns are discovered per table, so exports
// of other nsys versions load with defaults for what they lack.
#include <filesystem>
#include <string_view>

#include "core/import/registry.h"

namespace hp {

// True for an SQLite file that holds CUPTI_ACTIVITY_KIND_* or NVTX_EVENTS tables.
bool sniff_nsys_sqlite(const std::filesystem::path& path, std::string_view head);

// Appends the export's events to the builder as one source (format "nsys-sqlite").
// Throws ImportError when the file is not an SQLite database, is corrupt, or is not an nsys export.
void import_nsys_sqlite(const std::filesystem::path& path, RunBuilder& builder, LoadProgress& progress);

// Adds the "nsys-sqlite" importer to the registry.
void register_nsys_importer();

}  // namespace hp
