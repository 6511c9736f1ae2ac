#pragma once
// The capture stream: what libhotpath_inject.so (capture/cupti/) sends to `hotpath capture` over a
// Unix socket, one connection per traced process. Pure: no CUPTI header; the injection fills these
// structs from CUPTI's activity records, the tests build them by hand.
//
// Wire format (little-endian): a 8-byte stream header "HPCU" u16 version u16 header-size, then
// frames of [u8 kind][u8 0][u16 0][u32 payload bytes][payload]. A payload is the record's fields in
// declaration order; strings are u32 length + bytes. A newer minor version may append fields to a
// record (extra payload bytes are skipped) or add kinds (skipped and counted); a payload shorter
// than its record, a reserved byte that is not 0, or a frame over kMaxFramePayload is an error that
// stops that stream at its byte offset (what was decoded before it is kept).
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hp::cupti {

constexpr char kStreamMagic[4] = {'H', 'P', 'C', 'U'};
constexpr uint16_t kStreamVersion = 1;
constexpr uint32_t kStreamHeaderBytes = 8;
constexpr uint32_t kFrameHeaderBytes = 8;
constexpr uint32_t kMaxFramePayload = 1u << 20;

enum class FrameKind : uint8_t {
  Hello = 1,  // first frame of a stream: the process and its clock pair
  String = 2,
  Kernel = 3,
  Memcpy = 4,
  Memset = 5,
  Sync = 6,
  Api = 7,
  Marker = 8,
  Context = 9,
  Dropped = 10,  // cumulative loss counters (sent with every flush that lost something, and at exit)
  Error = 11,    // the injection could not do something (CUPTI init, enabling a kind)
  End = 12,      // clean end of the process's stream
};

// Clock pair taken together at start: epoch_ns = cupti_ts - cupti_ref + epoch_ref.
struct Hello {
  uint32_t pid = 0;
  uint64_t cupti_ref = 0;
  int64_t epoch_ref = 0;
  uint32_t cupti_version = 0;
  std::string command;
};
struct StringDef {
  uint32_t id = 0;
  std::string text;
};
struct KernelRec {
  uint64_t start = 0, end = 0;
  uint32_t correlation = 0, device = 0, context = 0, stream = 0, name = 0;
  int32_t grid_x = 0, grid_y = 0, grid_z = 0, block_x = 0, block_y = 0, block_z = 0;
  uint16_t registers = 0;
  int32_t static_smem = 0, dynamic_smem = 0;
  uint32_t graph_id = 0;
  uint64_t graph_node = 0;
};
struct MemcpyRec {
  uint64_t start = 0, end = 0;
  uint32_t correlation = 0, device = 0, context = 0, stream = 0;
  uint64_t bytes = 0;
  uint8_t copy_kind = 0, src_kind = 0, dst_kind = 0;
  uint32_t graph_id = 0;
  uint64_t graph_node = 0;
  // CUPTI: correlation is the driver call's id, runtime_correlation the runtime call's (0: none).
  uint32_t runtime_correlation = 0;
};
struct MemsetRec {
  uint64_t start = 0, end = 0;
  uint32_t correlation = 0, device = 0, context = 0, stream = 0;
  uint64_t bytes = 0;
  uint32_t value = 0;
  uint16_t mem_kind = 0;
  uint32_t graph_id = 0;
  uint64_t graph_node = 0;
};
struct SyncRec {
  uint64_t start = 0, end = 0;
  uint32_t correlation = 0, context = 0, stream = 0, type = 0, event = 0;
};
// A runtime (domain 0) or driver (domain 1) API call; name is the callback's name (a String id).
struct ApiRec {
  uint8_t domain = 0;
  uint32_t cbid = 0;
  uint64_t start = 0, end = 0;
  uint32_t pid = 0, tid = 0, correlation = 0, name = 0, result = 0;
};
// An NVTX marker: flags as CUPTI's (kMarkerStart / kMarkerEnd / kMarkerInstant); start and end of a
// range share its id. Push/pop and start/end ranges both arrive as a start and an end.
constexpr uint32_t kMarkerInstant = 1u << 0, kMarkerStart = 1u << 1, kMarkerEnd = 1u << 2;
struct MarkerRec {
  uint32_t flags = 0;
  uint64_t ts = 0;
  uint32_t id = 0, pid = 0, tid = 0, name = 0, domain = 0;
};
struct ContextRec {
  uint32_t context = 0, device = 0;
};
struct DroppedRec {
  uint64_t cupti_dropped = 0;    // records CUPTI dropped (no buffer)
  uint64_t buffers_refused = 0;  // buffer requests refused because the bounded pool was full
  uint64_t records_lost = 0;     // records the injection could not send
};
struct ErrorRec {
  uint32_t code = 0;
  std::string message;
};
struct EndRec {
  uint64_t records = 0;  // records sent on this stream
};

// Encoding (the injection's side; also the tests').
std::string encode_stream_header();
void append_frame(std::string& out, const Hello& r);
void append_frame(std::string& out, const StringDef& r);
void append_frame(std::string& out, const KernelRec& r);
void append_frame(std::string& out, const MemcpyRec& r);
void append_frame(std::string& out, const MemsetRec& r);
void append_frame(std::string& out, const SyncRec& r);
void append_frame(std::string& out, const ApiRec& r);
void append_frame(std::string& out, const MarkerRec& r);
void append_frame(std::string& out, const ContextRec& r);
void append_frame(std::string& out, const DroppedRec& r);
void append_frame(std::string& out, const ErrorRec& r);
void append_frame(std::string& out, const EndRec& r);

// Everything one stream (one process) sent.
struct StreamRecords {
  std::string source;  // "pid 1234" or the test's name, for messages
  bool has_hello = false;
  Hello hello;
  std::unordered_map<uint32_t, std::string> strings;
  std::vector<KernelRec> kernels;
  std::vector<MemcpyRec> memcpys;
  std::vector<MemsetRec> memsets;
  std::vector<SyncRec> syncs;
  std::vector<ApiRec> apis;
  std::vector<MarkerRec> markers;
  std::vector<ContextRec> contexts;
  DroppedRec dropped;  // the last (cumulative) counters received
  std::vector<ErrorRec> errors;
  bool ended = false;
  std::vector<EndRec> ends;
  uint64_t unknown_frames = 0;  // frames of kinds this build does not know (a newer injection)
  std::string failure;          // "<source>: byte offset N: ..." when the stream could not be read on
};

// Incremental decoder: feed bytes as they arrive (any split), then finish(). After an error it
// ignores further bytes; records() holds what came before.
class FrameDecoder {
 public:
  explicit FrameDecoder(std::string source);
  void feed(std::string_view bytes);
  // Ends the stream: a partial frame at the end becomes the failure ("truncated").
  void finish();
  bool failed() const { return !rec_.failure.empty(); }
  const StreamRecords& records() const { return rec_; }
  StreamRecords take() { return std::move(rec_); }
  uint64_t offset() const { return consumed_; }

 private:
  void fail(uint64_t at, std::string_view what);
  bool decode_payload(uint8_t kind, std::string_view payload, uint64_t at);
  StreamRecords rec_;
  std::string pending_;
  uint64_t consumed_ = 0;  // stream bytes fully decoded
  bool header_done_ = false;
};

// Decodes a whole stream at once.
StreamRecords decode_stream(std::string_view bytes, std::string source);

}  // namespace hp::cupti
