#include "core/store/request_column_codec.h"

#include <fmt/format.h>

#include <memory>

#include "core/model/load_status.h"
#include "core/store/column_codec.h"

namespace hp {
namespace {

using serving::RequestColumns;

// Every per-row column once, for encoding and decoding alike. C is RequestColumns, const or not.
template <class C, class F>
void each_column(C& c, F f) {
  f("scheduled_ns", c.scheduled_ns);
  f("sent_ns", c.sent_ns);
  f("first_chunk_ns", c.first_chunk_ns);
  f("first_token_ns", c.first_token_ns);
  f("end_ns", c.end_ns);
  f("srv_received_ns", c.srv_received_ns);
  f("srv_queued_ns", c.srv_queued_ns);
  f("srv_scheduled_ns", c.srv_scheduled_ns);
  f("srv_first_token_ns", c.srv_first_token_ns);
  f("srv_finished_ns", c.srv_finished_ns);
  f("srv_clock_offset_ns", c.srv_clock_offset_ns);
  f("srv_offset_uncertainty_ns", c.srv_offset_uncertainty_ns);
  f("srv_method", c.srv_method);
  f("prompt_tokens", c.prompt_tokens);
  f("output_tokens", c.output_tokens);
  f("cached_tokens", c.cached_tokens);
  f("max_tokens", c.max_tokens);
  f("http_status", c.http_status);
  f("warmup", c.warmup);
  f("tokens_from_usage", c.tokens_from_usage);
  f("status", c.status);
  f("request_id.end", c.request_id.end);
  f("endpoint.end", c.endpoint.end);
  f("purpose.end", c.purpose.end);
  f("error.end", c.error.end);
  f("token_chunks.end", c.chunks_end);
}

template <class T>
constexpr Codec codec_for() {
  return sizeof(T) == 8 ? Codec::ZstdDelta64 : Codec::Zstd;
}

struct Unpacker {
  const std::map<std::string, EncodedColumn>& cols;
  const std::string& file;
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx{ZSTD_createDCtx(), ZSTD_freeDCtx};

  [[noreturn]] void bad(const std::string& name, const char* what) const {
    throw ImportError(file, 0, fmt::format("requests_columns: column {}: {}", name, what));
  }
  // Column `name` into v; `rows` values when rows >= 0, else as many as it holds.
  template <class V>
  void get(const std::string& name, V& v, int64_t rows) const {
    using T = typename V::value_type;
    auto it = cols.find(name);
    if (it == cols.end()) bad(name, "missing");
    const EncodedColumn& c = it->second;
    if (c.codec != codec_name(codec_for<T>())) bad(name, "unknown codec");
    if (c.raw_bytes % sizeof(T) || (rows >= 0 && c.raw_bytes != static_cast<size_t>(rows) * sizeof(T)))
      bad(name, "wrong length");
    v.resize(c.raw_bytes / sizeof(T));
    if (!zstd_unpack(c.data, v.data(), c.raw_bytes, codec_for<T>(), dctx.get())) bad(name, "corrupt frame");
  }
  // Offsets must rise and end at the size of what they index.
  void check_ends(const std::string& name, const std::vector<uint64_t>& end, size_t total) const {
    uint64_t prev = 0;
    for (uint64_t e : end) {
      if (e < prev) bad(name, "offsets decrease");
      prev = e;
    }
    if (prev != total) bad(name, "offsets do not end at the stored data");
  }
};

}  // namespace

std::vector<EncodedColumn> encode_request_columns(const RequestColumns& cols) {
  std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx{ZSTD_createCCtx(), ZSTD_freeCCtx};
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, 3);
  std::vector<EncodedColumn> out;
  auto put = [&](const char* name, const auto& v) {
    using T = typename std::decay_t<decltype(v)>::value_type;
    const size_t n = v.size() * sizeof(T);
    out.push_back({name, codec_name(codec_for<T>()), n, zstd_pack(v.data(), n, codec_for<T>(), cctx.get())});
  };
  each_column(cols, put);
  put("request_id.chars", cols.request_id.chars);
  put("endpoint.chars", cols.endpoint.chars);
  put("purpose.chars", cols.purpose.chars);
  put("error.chars", cols.error.chars);
  put("token_chunks.ns", cols.chunk_ns);
  return out;
}

RequestColumns decode_request_columns(const std::map<std::string, EncodedColumn>& cols, size_t rows,
                                      const std::string& file) {
  Unpacker u{cols, file};
  RequestColumns c;
  each_column(c, [&](const char* name, auto& v) { u.get(name, v, static_cast<int64_t>(rows)); });
  for (auto [name, s] : {std::pair{"request_id", &c.request_id}, std::pair{"endpoint", &c.endpoint},
                         std::pair{"purpose", &c.purpose}, std::pair{"error", &c.error}}) {
    u.get(std::string(name) + ".chars", s->chars, -1);
    u.check_ends(std::string(name) + ".end", s->end, s->chars.size());
  }
  u.get("token_chunks.ns", c.chunk_ns, -1);
  u.check_ends("token_chunks.end", c.chunks_end, c.chunk_ns.size());
  for (auto m : c.srv_method)
    if (static_cast<uint8_t>(m) > static_cast<uint8_t>(serving::CorrelationMethod::TimeWindow))
      u.bad("srv_method", "value out of range");
  for (auto s : c.status)
    if (static_cast<uint8_t>(s) > static_cast<uint8_t>(serving::RequestStatus::Cancelled))
      u.bad("status", "value out of range");
  for (uint8_t b : c.warmup)
    if (b > 1) u.bad("warmup", "value out of range");
  for (uint8_t b : c.tokens_from_usage)
    if (b > 1) u.bad("tokens_from_usage", "value out of range");
  return c;
}

}  // namespace hp
