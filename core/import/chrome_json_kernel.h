#pragma once
// The hot part of the Chrome/Kineto JSON importer, compiled twice (baseline x86-64 and
// x86-64-v3/AVX2, in distinct namespaces) because simdjson On-Demand is dispatched at compile time.
// It knows nothing of the Run: it finds event boundaries and extracts each event's fields into a
// RawEvent, which the EventSink (chrome_json.cpp) turns into builder calls.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hp::json {

// Fields of one traceEvents entry. Views point into the parsed document (valid during on_event).
// Numeric fields are raw JSON tokens (maybe quoted strings); a null data() means "absent".
struct RawEvent {
  std::string_view ph, name, cat, ts, dur, pid, tid, id, bp, scope, args;
  uint64_t offset = 0;          // byte offset of the event in the decompressed input
  uint32_t duplicate_keys = 0;  // keys seen twice (last one wins)
  bool name_not_string = false;
  // Hot Kineto args, extracted while walking `args` (raw number tokens).
  std::string_view correlation, external_id, device, stream, registers, shared_memory, bytes, occupancy,
      python_id, python_parent_id;
  std::array<std::string_view, 3> grid{}, block{};
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  // The parser fills the event returned by next_event() in place (a sink that keeps events hands out
  // its own storage, so no event is copied), then calls on_event() with it, or drop_event() when the
  // entry failed to parse.
  virtual RawEvent& next_event() { return scratch_ = RawEvent{}; }
  virtual void drop_event() {}
  virtual void on_event(const RawEvent& e) = 0;
  // An element of traceEvents that is not an object.
  virtual void on_non_object(uint64_t offset) = 0;

 private:
  RawEvent scratch_;
};

// Where a scan stands between two bytes: bracket depth and string state.
struct ScanState {
  int64_t depth = 0;
  bool in_string = false, escaped = false;
  bool operator==(const ScanState&) const = default;
};

// Result of scanning a JSON container that starts at buf[pos] ('[' or '{').
struct ScanResult {
  size_t end = 0;            // one past the closing bracket, or n when incomplete
  bool complete = false;     // the closing bracket was found
  size_t last_elem_end = 0;  // one past the last complete container element at depth 1 (0: none)
  std::vector<size_t> cuts;  // element ends after which a chunk of >= chunk_bytes closes
  ScanState state;           // the state at `end` when incomplete
};

struct ChunkOutcome {
  int error = 0;           // simdjson error code, 0 when the whole chunk was consumed
  std::string message;     // simdjson's error text
  size_t events_done = 0;  // elements fully delivered to the sink before the error
};

// An On-Demand parser of the kernel's ISA. Views that parse_events hands to the sink point into the
// document and into this parser's string buffer, so they stay valid until its next parse.
class EventParser {
 public:
  virtual ~EventParser() = default;
};

struct Kernel {
  const char* name;
  // buf must have >= 64 readable bytes past n. chunk_bytes == 0 records no cuts; 1 cuts after every element.
  // `from` is the state before buf[pos]: {} at the container's opening bracket, or the state
  // another scan stopped in, to resume it (or to guess it, and compare later).
  ScanResult (*scan)(const char* buf, size_t n, size_t pos, size_t chunk_bytes, ScanState from);
  // doc = "[" + events + "]" with >= 64 bytes of padding past len; doc[0] maps to byte `base`.
  // `parser` comes from new_parser() of the same kernel; null uses a thread-local one.
  ChunkOutcome (*parse_events)(EventParser* parser, const char* doc, size_t len, uint64_t base,
                               EventSink& sink);
  std::unique_ptr<EventParser> (*new_parser)();
  // Position of the first "hf_" in p[0, n) (n when none); p must have >= 64 readable bytes past n.
  size_t (*find_hf)(const char* p, size_t n);
};

namespace generic {
extern const Kernel kKernel;
}
namespace avx2 {
extern const Kernel kKernel;
}
// avx2::kKernel when the CPU supports AVX2/BMI (and it was built), else generic::kKernel.
const Kernel& best_kernel();

}  // namespace hp::json
