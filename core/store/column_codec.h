#pragma once
// One column's bytes as a zstd frame, optionally with int64 values stored as successive differences
// (sorted or slowly changing times compress several times better). Shared by the run file's trace
// columns and its request columns.
#include <cstddef>
#include <string>
#include <string_view>

#include <zstd.h>

namespace hp {

enum class Codec { Zstd, ZstdDelta64 };
const char* codec_name(Codec c);  // "zstd", "zstd-delta64"

// Compresses n bytes (a multiple of 8 for ZstdDelta64). Throws std::runtime_error when zstd fails.
std::string zstd_pack(const void* data, size_t n, Codec codec, ZSTD_CCtx* cctx);
// Decompresses into exactly n bytes at dest and undoes the deltas; false when the frame is corrupt
// or does not hold n bytes.
bool zstd_unpack(std::string_view frame, void* dest, size_t n, Codec codec, ZSTD_DCtx* dctx);

}  // namespace hp
