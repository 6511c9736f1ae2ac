#include "core/store/column_codec.h"

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace hp {

const char* codec_name(Codec c) {
  return c == Codec::Zstd ? "zstd" : "zstd-delta64";
}

std::string zstd_pack(const void* data, size_t n, Codec codec, ZSTD_CCtx* cctx) {
  std::vector<uint64_t> deltas;
  if (codec == Codec::ZstdDelta64) {
    deltas.resize(n / 8);
    if (n) std::memcpy(deltas.data(), data, n);
    for (size_t i = deltas.size(); i-- > 1;) deltas[i] -= deltas[i - 1];  // unsigned: wraps, no UB
    data = deltas.data();
  }
  std::string out(ZSTD_compressBound(n), '\0');
  size_t z = ZSTD_compress2(cctx, out.data(), out.size(), data, n);
  if (ZSTD_isError(z))
    throw std::runtime_error(std::string("zstd compression failed: ") + ZSTD_getErrorName(z));
  out.resize(z);
  return out;
}

bool zstd_unpack(std::string_view frame, void* dest, size_t n, Codec codec, ZSTD_DCtx* dctx) {
  size_t got = ZSTD_decompressDCtx(dctx, dest, n, frame.data(), frame.size());
  if (ZSTD_isError(got) || got != n) return false;
  if (codec == Codec::ZstdDelta64 && n >= 16) {
    // memcpy per value: dest need not be 8-byte aligned.
    auto* p = static_cast<unsigned char*>(dest);
    uint64_t prev, cur;
    std::memcpy(&prev, p, 8);
    for (size_t off = 8; off + 8 <= n; off += 8) {
      std::memcpy(&cur, p + off, 8);
      prev += cur;
      std::memcpy(p + off, &prev, 8);
    }
  }
  return true;
}

}  // namespace hp
