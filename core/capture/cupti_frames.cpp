#include "core/capture/cupti_frames.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <type_traits>

namespace hp::cupti {

static_assert(std::endian::native == std::endian::little, "the capture stream is little-endian");

namespace {

// Each record's fields in wire order (the one list both directions use).
template <class T>
struct Fields;
#define HP_RECORD(Type, Kind, ...)                     \
  template <>                                          \
  struct Fields<Type> {                                \
    static constexpr FrameKind kind = FrameKind::Kind; \
    template <class R, class V>                        \
    static void each(R& r, V&& v) {                    \
      __VA_ARGS__                                      \
    }                                                  \
  };
HP_RECORD(Hello, Hello, v(r.pid); v(r.cupti_ref); v(r.epoch_ref); v(r.cupti_version); v(r.command);)
HP_RECORD(StringDef, String, v(r.id); v(r.text);)
HP_RECORD(KernelRec, Kernel, v(r.start); v(r.end); v(r.correlation); v(r.device); v(r.context); v(r.stream);
          v(r.name); v(r.grid_x); v(r.grid_y); v(r.grid_z); v(r.block_x); v(r.block_y); v(r.block_z);
          v(r.registers); v(r.static_smem); v(r.dynamic_smem); v(r.graph_id); v(r.graph_node);)
HP_RECORD(MemcpyRec, Memcpy, v(r.start); v(r.end); v(r.correlation); v(r.device); v(r.context); v(r.stream);
          v(r.bytes); v(r.copy_kind); v(r.src_kind); v(r.dst_kind); v(r.graph_id); v(r.graph_node);
          v(r.runtime_correlation);)
HP_RECORD(MemsetRec, Memset, v(r.start); v(r.end); v(r.correlation); v(r.device); v(r.context); v(r.stream);
          v(r.bytes); v(r.value); v(r.mem_kind); v(r.graph_id); v(r.graph_node);)
HP_RECORD(SyncRec, Sync, v(r.start); v(r.end); v(r.correlation); v(r.context); v(r.stream); v(r.type);
          v(r.event);)
HP_RECORD(ApiRec, Api, v(r.domain); v(r.cbid); v(r.start); v(r.end); v(r.pid); v(r.tid); v(r.correlation);
          v(r.name); v(r.result);)
HP_RECORD(MarkerRec, Marker, v(r.flags); v(r.ts); v(r.id); v(r.pid); v(r.tid); v(r.name); v(r.domain);)
HP_RECORD(ContextRec, Context, v(r.context); v(r.device);)
HP_RECORD(DroppedRec, Dropped, v(r.cupti_dropped); v(r.buffers_refused); v(r.records_lost);)
HP_RECORD(ErrorRec, Error, v(r.code); v(r.message);)
HP_RECORD(EndRec, End, v(r.records);)
#undef HP_RECORD

void put_bytes(std::string& out, const void* p, size_t n) {
  out.append(static_cast<const char*>(p), n);
}

struct Writer {
  std::string& out;
  template <class F>
  void operator()(const F& f) {
    if constexpr (std::is_same_v<F, std::string>) {
      uint32_t n = static_cast<uint32_t>(f.size());
      put_bytes(out, &n, 4);
      out += f;
    } else {
      static_assert(std::is_integral_v<F>);
      put_bytes(out, &f, sizeof f);
    }
  }
};

struct Reader {
  std::string_view in;
  size_t pos = 0;
  bool short_read = false;
  template <class F>
  void operator()(F& f) {
    if (short_read) return;
    if constexpr (std::is_same_v<F, std::string>) {
      uint32_t n = 0;
      (*this)(n);
      if (short_read || n > in.size() - pos) {
        short_read = true;
        return;
      }
      f.assign(in.substr(pos, n));
      pos += n;
    } else {
      if (sizeof f > in.size() - pos) {
        short_read = true;
        return;
      }
      std::memcpy(&f, in.data() + pos, sizeof f);
      pos += sizeof f;
    }
  }
};

template <class T>
void append(std::string& out, const T& r) {
  const size_t at = out.size();
  out.append(kFrameHeaderBytes, '\0');
  out[at] = static_cast<char>(Fields<T>::kind);
  Fields<T>::each(r, Writer{out});
  uint32_t n = static_cast<uint32_t>(out.size() - at - kFrameHeaderBytes);
  std::memcpy(out.data() + at + 4, &n, 4);
}

const char* kind_name(uint8_t k) {
  static const char* const names[] = {"?",   "hello",  "string",  "kernel",  "memcpy", "memset", "sync",
                                      "api", "marker", "context", "dropped", "error",  "end"};
  return k < std::size(names) ? names[k] : "unknown";
}

}  // namespace

std::string encode_stream_header() {
  std::string h(kStreamMagic, 4);
  uint16_t v = kStreamVersion, n = kStreamHeaderBytes;
  put_bytes(h, &v, 2);
  put_bytes(h, &n, 2);
  return h;
}

void append_frame(std::string& out, const Hello& r) {
  append(out, r);
}
void append_frame(std::string& out, const StringDef& r) {
  append(out, r);
}
void append_frame(std::string& out, const KernelRec& r) {
  append(out, r);
}
void append_frame(std::string& out, const MemcpyRec& r) {
  append(out, r);
}
void append_frame(std::string& out, const MemsetRec& r) {
  append(out, r);
}
void append_frame(std::string& out, const SyncRec& r) {
  append(out, r);
}
void append_frame(std::string& out, const ApiRec& r) {
  append(out, r);
}
void append_frame(std::string& out, const MarkerRec& r) {
  append(out, r);
}
void append_frame(std::string& out, const ContextRec& r) {
  append(out, r);
}
void append_frame(std::string& out, const DroppedRec& r) {
  append(out, r);
}
void append_frame(std::string& out, const ErrorRec& r) {
  append(out, r);
}
void append_frame(std::string& out, const EndRec& r) {
  append(out, r);
}

FrameDecoder::FrameDecoder(std::string source) {
  rec_.source = std::move(source);
}

void FrameDecoder::fail(uint64_t at, std::string_view what) {
  if (rec_.failure.empty()) rec_.failure = fmt::format("{}: byte offset {}: {}", rec_.source, at, what);
  pending_.clear();
}

bool FrameDecoder::decode_payload(uint8_t kind, std::string_view payload, uint64_t at) {
  auto read = [&](auto& r, auto&& keep) {
    using T = std::remove_reference_t<decltype(r)>;
    Reader rd{payload};
    Fields<T>::each(r, rd);
    if (rd.short_read) {
      fail(at,
           fmt::format("{} frame of {} bytes is shorter than its record", kind_name(kind), payload.size()));
      return false;
    }
    keep(r);  // bytes past the known fields: appended by a newer version, skipped
    return true;
  };
  auto push = [](auto& vec) { return [&vec](auto& r) { vec.push_back(r); }; };
  if (kind != static_cast<uint8_t>(FrameKind::Hello) && kind <= static_cast<uint8_t>(FrameKind::End) &&
      !rec_.has_hello) {
    fail(at, fmt::format("{} frame before the hello frame", kind_name(kind)));
    return false;
  }
  switch (static_cast<FrameKind>(kind)) {
    case FrameKind::Hello: {
      if (rec_.has_hello) {
        fail(at, "a second hello frame");
        return false;
      }
      Hello h;
      return read(h, [&](Hello& r) {
        rec_.hello = r, rec_.has_hello = true;
        rec_.source = fmt::format("{} (pid {})", rec_.source, r.pid);
      });
    }
    case FrameKind::String: {
      StringDef s;
      return read(s, [&](StringDef& r) { rec_.strings[r.id] = std::move(r.text); });
    }
    case FrameKind::Kernel: {
      KernelRec r;
      return read(r, push(rec_.kernels));
    }
    case FrameKind::Memcpy: {
      MemcpyRec r;
      return read(r, push(rec_.memcpys));
    }
    case FrameKind::Memset: {
      MemsetRec r;
      return read(r, push(rec_.memsets));
    }
    case FrameKind::Sync: {
      SyncRec r;
      return read(r, push(rec_.syncs));
    }
    case FrameKind::Api: {
      ApiRec r;
      return read(r, push(rec_.apis));
    }
    case FrameKind::Marker: {
      MarkerRec r;
      return read(r, push(rec_.markers));
    }
    case FrameKind::Context: {
      ContextRec r;
      return read(r, push(rec_.contexts));
    }
    case FrameKind::Dropped: {
      DroppedRec r;
      return read(r, [&](DroppedRec& d) { rec_.dropped = d; });
    }
    case FrameKind::Error: {
      ErrorRec r;
      return read(r, push(rec_.errors));
    }
    case FrameKind::End: {
      EndRec r;
      return read(r, [&](EndRec& e) { rec_.ends.push_back(e), rec_.ended = true; });
    }
  }
  ++rec_.unknown_frames;
  return true;
}

void FrameDecoder::feed(std::string_view bytes) {
  if (failed()) return;
  pending_.append(bytes);
  size_t pos = 0;
  if (!header_done_) {
    if (pending_.size() < kStreamHeaderBytes) {
      if (std::memcmp(pending_.data(), kStreamMagic, std::min<size_t>(pending_.size(), 4)) != 0)
        fail(0, "not a hotpath capture stream (no HPCU header)");
      return;
    }
    uint16_t version = 0, size = 0;
    std::memcpy(&version, pending_.data() + 4, 2);
    std::memcpy(&size, pending_.data() + 6, 2);
    if (std::memcmp(pending_.data(), kStreamMagic, 4) != 0)
      return fail(0, "not a hotpath capture stream (no HPCU header)");
    if (version != kStreamVersion)
      return fail(4,
                  fmt::format("stream version {}, this hotpath reads version {}", version, kStreamVersion));
    if (size != kStreamHeaderBytes)
      return fail(6, fmt::format("stream header of {} bytes, expected {}", size, kStreamHeaderBytes));
    header_done_ = true;
    pos = kStreamHeaderBytes;
  }
  while (pending_.size() - pos >= kFrameHeaderBytes) {
    const uint64_t at = consumed_ + pos;
    const uint8_t kind = static_cast<uint8_t>(pending_[pos]);
    uint32_t len = 0;
    std::memcpy(&len, pending_.data() + pos + 4, 4);
    if (pending_[pos + 1] != 0 || pending_[pos + 2] != 0 || pending_[pos + 3] != 0)
      return fail(at, fmt::format("frame header's reserved bytes are not 0 (kind {})", kind));
    if (kind == 0) return fail(at, "frame kind 0");
    if (len > kMaxFramePayload)
      return fail(at, fmt::format("{} frame of {} bytes exceeds the {}-byte limit", kind_name(kind), len,
                                  kMaxFramePayload));
    if (pending_.size() - pos - kFrameHeaderBytes < len) break;
    if (!decode_payload(kind, std::string_view(pending_).substr(pos + kFrameHeaderBytes, len), at)) return;
    pos += kFrameHeaderBytes + len;
  }
  consumed_ += pos;
  pending_.erase(0, pos);
}

void FrameDecoder::finish() {
  if (failed()) return;
  if (!header_done_)
    fail(0, pending_.empty() ? "empty stream (the process sent nothing)" : "truncated stream header");
  else if (!pending_.empty())
    fail(consumed_, fmt::format("stream ends inside a frame ({} bytes of it)", pending_.size()));
}

StreamRecords decode_stream(std::string_view bytes, std::string source) {
  FrameDecoder d(std::move(source));
  d.feed(bytes);
  d.finish();
  return d.take();
}

}  // namespace hp::cupti
