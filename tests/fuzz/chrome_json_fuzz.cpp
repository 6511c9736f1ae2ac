// libFuzzer target: arbitrary bytes (optionally gzip/zstd) imported as a Chrome/Kineto trace.
// Build: cmake -DHOTPATH_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ (see tests/CMakeLists.txt).
#include <cstdint>
#include <string>

#include "core/import/chrome_json.h"
#include "core/util/input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The last byte picks a chunk size so that the chunk boundaries get fuzzed too, and whether the
  // events array is scanned in two halves.
  size_t chunk = size ? (static_cast<size_t>(data[size - 1]) % 8) * 37 + 1 : 1;
  size_t split_scan = size && (data[size - 1] & 0x40) ? 1 : 0;
  try {
    hp::InputBuffer buf = hp::decode_input(bytes, "fuzz.json");
    hp::RunBuilder b;
    hp::import_chrome_json(buf.view(), "fuzz.json", b, nullptr,
                           hp::ChromeJsonOptions{chunk, (size & 1) != 0, split_scan});
    auto run = b.finish();
    // Invariants every Run must satisfy.
    for (uint32_t t = 0; t < run->tracks.size(); ++t)
      for (uint32_t i = run->tracks[t].slice_begin; i < run->tracks[t].slice_end; ++i)
        if (run->slices.track[i] != t) __builtin_trap();
    for (size_t i = 0; i < run->slices.size(); ++i)
      if (run->slices.args[i].offset + run->slices.args[i].length > run->raw_args.size()) __builtin_trap();
  } catch (const hp::ImportError&) {
  }
  return 0;
}
