// libFuzzer target: arbitrary bytes as a capture stream (core/capture/cupti_frames.h), fed in two
// pieces split at the first byte's position, then converted to a Run. Must never crash; a failure
// must name a byte offset inside the input.
// Build: cmake -DHOTPATH_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ (see tests/CMakeLists.txt).
#include <cstdint>
#include <string>

#include "core/capture/cupti_frames.h"
#include "core/capture/cupti_run.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t split = data[0] % (bytes.size() + 1);
  hp::cupti::FrameDecoder d("fuzz");
  d.feed(bytes.substr(0, split));
  d.feed(bytes.substr(split));
  d.finish();
  if (d.offset() > bytes.size()) __builtin_trap();
  std::vector<hp::cupti::StreamRecords> streams{d.take()};
  auto run = hp::cupti::build_capture_run(streams, hp::cupti::CaptureOptions{});
  if (!run) __builtin_trap();
  return 0;
}
