#pragma once
// Chrome Trace Event / PyTorch-Kineto JSON importer (object form with traceEvents, or a bare
// array). A fast scanner finds event boundaries; batches of whole events are parsed by simdjson
// On-Demand as separate documents, which lifts simdjson's 4 GiB limit and lets a truncated array
// keep every complete event. See chrome_json_kernel.h for the hot part.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/import/registry.h"
#include "core/import/run_builder.h"

namespace hp {

struct ChromeJsonOptions {
  // Events per simdjson document, in bytes (tests use tiny values). Small enough that a chunk and
  // its recorded events are still in cache when the building thread replays them.
  size_t chunk_bytes = 512 << 10;
  bool force_generic_kernel = false;
  // traceEvents longer than this is scanned as two halves on two threads (0: always one pass).
  size_t parallel_scan_bytes = 64 << 20;
  // When the importer owns the buffer (a file it read): give back the pages of each chunk of
  // traceEvents once it is copied for parsing, so that the input and the Run are not both resident.
  bool release_input = false;
  // Pages are given back in batches of at least this many bytes (each madvise flushes the TLBs).
  size_t release_batch_bytes = 8 << 20;
};

// Imports one decompressed trace held in `buf` (with >= 64 bytes of readable padding past
// buf.size()). Throws ImportError when the input is not a JSON trace.
void import_chrome_json(std::string_view buf, const std::string& path, RunBuilder& builder,
                        LoadProgress* progress = nullptr, const ChromeJsonOptions& opts = {});
// Reads (and decompresses) a file, then imports it.
void load_chrome_json_file(const std::filesystem::path& path, RunBuilder& builder, LoadProgress& progress,
                           const ChromeJsonOptions& opts = {});
// True when the first non-space byte is '{' or '['.
bool sniff_chrome_json(std::string_view head);
void register_chrome_json_importer();

enum class NumStatus { Ok, Invalid, Overflow, NotFinite };
// Exact decimal -> int64 of value x 10^scale (rounded half away from zero). Accepts a quoted
// token ("123.5"), sets *quoted. Never goes through double.
NumStatus parse_scaled_int(std::string_view token, int scale, int64_t& out, bool* quoted = nullptr);
inline NumStatus parse_us_to_ns(std::string_view token, int64_t& out, bool* quoted = nullptr) {
  return parse_scaled_int(token, 3, out, quoted);
}

}  // namespace hp
