// The capture stream's frames: every record kind round-trips, any split of the bytes decodes the
// same, and bad bytes stop the stream with its byte offset (never a crash).
#include "core/capture/cupti_frames.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <random>

#include "core/capture/cupti_run.h"

using namespace hp::cupti;

namespace {

// One frame of each kind (hello first), with values in every field.
std::string sample_stream() {
  std::string s = encode_stream_header();
  append_frame(s, Hello{77, 5000, 1700000000000000000, 130000, "/bin/app --x"});
  append_frame(s, StringDef{1, "_Z6kernelPfi"});
  append_frame(s, KernelRec{5100, 5200, 9, 1, 3, 7, 1, 64, 2, 1, 128, 1, 1, 40, 1024, 512, 6, 1ull << 40});
  append_frame(s, MemcpyRec{5300, 5400, 10, 1, 3, 7, 65536, 1, 0, 2, 0, 0, 33});
  append_frame(s, MemsetRec{5500, 5600, 11, 1, 3, 13, 4096, 0xFF, 2, 0, 0});
  append_frame(s, SyncRec{5700, 5800, 12, 3, 0xFFFFFFFFu, 4, 0});
  append_frame(s, ApiRec{1, 307, 5050, 5090, 77, 78, 9, 2, 0});
  append_frame(s, MarkerRec{kMarkerStart, 5000, 4, 77, 78, 3, 0});
  append_frame(s, ContextRec{3, 1});
  append_frame(s, DroppedRec{5, 2, 1});
  append_frame(s, ErrorRec{17, "enabling NVTX markers: CUPTI_ERROR_NOT_SUPPORTED"});
  append_frame(s, EndRec{8});
  return s;
}

void check_sample(const StreamRecords& r) {
  REQUIRE(r.failure.empty());
  CHECK(r.source == "t (pid 77)");
  CHECK(r.hello.epoch_ref == 1700000000000000000);
  CHECK(r.hello.command == "/bin/app --x");
  CHECK(r.strings.at(1) == "_Z6kernelPfi");
  REQUIRE(r.kernels.size() == 1);
  CHECK(r.kernels[0].grid_x == 64);
  CHECK(r.kernels[0].block_x == 128);
  CHECK(r.kernels[0].registers == 40);
  CHECK(r.kernels[0].dynamic_smem == 512);
  CHECK(r.kernels[0].graph_id == 6);
  CHECK(r.kernels[0].graph_node == (1ull << 40));
  REQUIRE(r.memcpys.size() == 1);
  CHECK(r.memcpys[0].bytes == 65536);
  CHECK(r.memcpys[0].dst_kind == 2);
  CHECK(r.memcpys[0].runtime_correlation == 33);
  REQUIRE(r.memsets.size() == 1);
  CHECK(r.memsets[0].value == 0xFF);
  REQUIRE(r.syncs.size() == 1);
  CHECK(r.syncs[0].stream == 0xFFFFFFFFu);
  REQUIRE(r.apis.size() == 1);
  CHECK(r.apis[0].cbid == 307);
  CHECK(r.apis[0].tid == 78);
  REQUIRE(r.markers.size() == 1);
  CHECK(r.markers[0].flags == kMarkerStart);
  REQUIRE(r.contexts.size() == 1);
  CHECK(r.dropped.cupti_dropped == 5);
  CHECK(r.dropped.buffers_refused == 2);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message == "enabling NVTX markers: CUPTI_ERROR_NOT_SUPPORTED");
  CHECK(r.ended);
  CHECK(r.ends.at(0).records == 8);
}

// Offset of the n-th frame (0 = the hello) in a stream.
size_t frame_offset(const std::string& s, int n) {
  size_t pos = kStreamHeaderBytes;
  for (int i = 0; i < n; ++i) {
    uint32_t len = 0;
    std::memcpy(&len, s.data() + pos + 4, 4);
    pos += kFrameHeaderBytes + len;
  }
  return pos;
}

}  // namespace

TEST_CASE("capture frames round-trip every record kind, whole or byte by byte", "[cupti]") {
  const std::string s = sample_stream();
  // Header, 12 frame headers, payloads: hello 40, string 20, kernel 82, memcpy 59, memset 58, sync 36, api
  // 41, marker 32, context 8, dropped 24, error 56, end 8.
  CHECK(s.size() == 8 + 12 * 8 + (40 + 20 + 82 + 59 + 58 + 36 + 41 + 32 + 8 + 24 + 56 + 8));
  check_sample(decode_stream(s, "t"));
  FrameDecoder d("t");
  for (char c : s) d.feed(std::string_view(&c, 1));
  d.finish();
  check_sample(d.records());
}

TEST_CASE("capture frames: bad bytes stop the stream at their byte offset", "[cupti]") {
  const std::string good = sample_stream();
  SECTION("no magic") {
    CHECK(decode_stream("HPCX\1\0\10\0", "s").failure ==
          "s: byte offset 0: not a hotpath capture stream (no HPCU header)");
    CHECK(decode_stream("XY", "s").failure ==
          "s: byte offset 0: not a hotpath capture stream (no HPCU header)");
  }
  SECTION("newer stream version") {
    std::string b = good;
    b[4] = 2;
    CHECK(decode_stream(b, "s").failure ==
          "s: byte offset 4: stream version 2, this hotpath reads version 1");
  }
  SECTION("empty and truncated") {
    CHECK(decode_stream("", "s").failure == "s: byte offset 0: empty stream (the process sent nothing)");
    CHECK(decode_stream("HPCU", "s").failure == "s: byte offset 0: truncated stream header");
    const size_t k = frame_offset(good, 2);  // the kernel frame
    StreamRecords r = decode_stream(good.substr(0, k + 20), "s");
    CHECK(r.failure ==
          "s (pid 77): byte offset " + std::to_string(k) + ": stream ends inside a frame (20 bytes of it)");
    CHECK(r.strings.size() == 1);  // what came before is kept
    CHECK(r.kernels.empty());
  }
  SECTION("a payload shorter than its record") {
    std::string b = good.substr(0, frame_offset(good, 1));
    std::string k;
    append_frame(k, KernelRec{});
    k.resize(kFrameHeaderBytes + 4);
    uint32_t four = 4;
    std::memcpy(k.data() + 4, &four, 4);
    StreamRecords r = decode_stream(b + k, "s");
    CHECK(r.failure == "s (pid 77): byte offset " + std::to_string(b.size()) +
                           ": kernel frame of 4 bytes is shorter than its record");
  }
  SECTION("a string longer than its frame") {
    std::string b = good.substr(0, frame_offset(good, 1));
    std::string f;
    append_frame(f, StringDef{1, "abc"});
    f[kFrameHeaderBytes + 4] = 100;  // the string's length
    CHECK(decode_stream(b + f, "s").failure == "s (pid 77): byte offset " + std::to_string(b.size()) +
                                                   ": string frame of 11 bytes is shorter than its record");
  }
  SECTION("oversized, reserved bytes, kind 0") {
    const size_t k = frame_offset(good, 2);
    std::string b = good;
    b[k + 7] = 0x10;  // length 0x10xxxxxx
    CHECK(decode_stream(b, "s").failure.ends_with(
        "kernel frame of 268435538 bytes exceeds the 1048576-byte limit"));
    b = good;
    b[k + 2] = 1;
    CHECK(decode_stream(b, "s").failure == "s (pid 77): byte offset " + std::to_string(k) +
                                               ": frame header's reserved bytes are not 0 (kind 3)");
    b = good;
    b[k] = 0;
    CHECK(decode_stream(b, "s").failure == "s (pid 77): byte offset " + std::to_string(k) + ": frame kind 0");
  }
  SECTION("records before the hello") {
    std::string b = encode_stream_header();
    append_frame(b, KernelRec{});
    CHECK(decode_stream(b, "s").failure == "s: byte offset 8: kernel frame before the hello frame");
    std::string h = good.substr(0, frame_offset(good, 1));
    CHECK(decode_stream(h + h.substr(8), "s").failure ==
          "s (pid 77): byte offset " + std::to_string(h.size()) + ": a second hello frame");
  }
}

TEST_CASE("capture frames: a newer injection's extra fields and kinds are skipped", "[cupti]") {
  std::string s = sample_stream();
  // An unknown kind 200 with 5 bytes, then a context frame with 4 bytes appended.
  s += std::string("\xC8\0\0\0\5\0\0\0abcde", 13);
  std::string c;
  append_frame(c, ContextRec{9, 2});
  c[4] += 4;
  c += "xxxx";
  StreamRecords r = decode_stream(s + c, "t");
  CHECK(r.failure.empty());
  CHECK(r.unknown_frames == 1);
  REQUIRE(r.contexts.size() == 2);
  CHECK(r.contexts[1].device == 2);
}

TEST_CASE("capture frames: random damage never crashes the decoder or the conversion", "[cupti]") {
  const std::string good = sample_stream();
  std::mt19937 rng(19);
  int failed = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string b = good;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % b.size();
      switch (rng() % 3) {
        case 0:
          b[at] = static_cast<char>(rng());
          break;
        case 1:
          b.erase(at, 1 + rng() % 16);
          break;
        default:
          b.insert(at, std::string(1 + rng() % 8, static_cast<char>(rng())));
      }
    }
    std::vector<StreamRecords> streams{decode_stream(b, "fuzz")};
    failed += !streams[0].failure.empty();
    auto run = build_capture_run(streams, CaptureOptions{});
    CHECK(run != nullptr);
  }
  CHECK(failed > 1000);  // most damage is detected; the rest decodes as other valid values
}
