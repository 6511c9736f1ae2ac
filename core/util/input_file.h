#pragma once
// Reads a trace file into memory, decompressing gzip (magic 1f 8b) or zstd (magic 28 b5 2f fd)
// by content, not by extension. The buffer carries SIMDJSON_PADDING zeroed bytes past its end.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/model/load_status.h"

namespace hp {

class InputBuffer {
 public:
  static constexpr size_t kPadding = 64;  // >= SIMDJSON_PADDING
  InputBuffer() = default;
  explicit InputBuffer(size_t capacity);
  InputBuffer(InputBuffer&& o) noexcept { *this = std::move(o); }
  InputBuffer& operator=(InputBuffer&& o) noexcept;
  InputBuffer(const InputBuffer&) = delete;
  InputBuffer& operator=(const InputBuffer&) = delete;
  ~InputBuffer() { release(); }
  // Maps a plain file read-only (private, prefaulted); the padding past its end reads as zeros.
  static InputBuffer map_file(int fd, size_t size);

  const char* data() const { return data_; }
  char* data() { return data_; }
  size_t size() const { return size_; }
  std::string_view view() const { return {data_, size_}; }
  // Grows the capacity (keeping contents) so that at least `n` bytes fit. Not for mapped files.
  void reserve(size_t n);
  void resize(size_t n);  // zeroes the padding after n
  size_t capacity() const { return capacity_; }
  void release();

 private:
  char* data_ = nullptr;
  size_t size_ = 0, capacity_ = 0;
  size_t mapped_ = 0;  // bytes mapped with mmap (0: heap)
};

enum class Compression { None, Gzip, Zstd };
Compression detect_compression(std::string_view head);

// Reads and decompresses `path`. Adds the file's on-disk size to progress.total and advances
// progress.done by compressed bytes consumed. Throws ImportError on I/O or corrupt data.
// With `truncated` given, compressed data that ends early (a capture cut short) is not fatal:
// the bytes inflated so far are returned and *truncated says where the compressed input ended.
struct Truncation {
  bool happened = false;
  uint64_t compressed_offset = 0;  // where the compressed input ended
  std::string what;                // "gzip" or "zstd"
};
InputBuffer read_input_file(const std::filesystem::path& path, LoadProgress& progress,
                            Truncation* truncated = nullptr);
// Decompresses (or copies) an in-memory image; `name` is used in error messages.
// The first bytes of a compressed image, best effort (for sniffing); empty when undecodable.
std::string decompress_head(std::string_view compressed, size_t max_out = 4096);
InputBuffer decode_input(std::string_view bytes, const std::string& name, LoadProgress* progress = nullptr,
                         Truncation* truncated = nullptr);
// Bytes to reserve before inflating gzip data: its trailer's size when that is plausible.
size_t gunzip_size_hint(std::string_view gzip);

}  // namespace hp
