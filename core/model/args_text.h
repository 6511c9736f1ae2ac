#pragma once
// The raw JSON text of every event's `args`, in one contiguous buffer that ArgsRef offsets index.
// Importers append to it. A run file hands it its compressed chunks instead, and each chunk is
// decompressed the first time a read touches it: args are most of a run's bytes (72% on the 1 GB
// bench tile) and a session reads few of them, so opening a run neither decompresses them nor
// makes them resident. Untouched parts of the buffer are never written, so the OS gives them no
// memory. Reads are safe from several threads; appends are for the single building thread.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace hp {

class ArgsText {
 public:
  struct Chunk {
    uint64_t begin = 0, bytes = 0;  // where its text goes in the buffer
    std::string compressed;
  };
  // Fills dest[0, bytes) from a chunk; false when the chunk is damaged.
  using Decoder = std::function<bool(const Chunk& chunk, char* dest)>;

  ArgsText() = default;
  ArgsText(const ArgsText& o);
  ArgsText(ArgsText&& o) noexcept;
  ArgsText& operator=(ArgsText o) noexcept;
  ~ArgsText();

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return capacity_; }
  void reserve(size_t n);
  void append(std::string_view s);
  ArgsText& operator+=(std::string_view s) { return append(s), *this; }

  // Text at [offset, offset + n), clamped to size(); chunks it covers are loaded first. A range
  // that touches a damaged chunk reads as empty.
  std::string_view view(size_t offset, size_t n) const;
  std::string_view all() const { return view(0, size_); }
  size_t find(std::string_view s) const { return all().find(s); }
  bool operator==(const ArgsText& o) const { return all() == o.all(); }

  // Replaces the contents by `total` bytes that `chunks` (in order, end to end) will fill on demand.
  void assign_lazy(size_t total, std::vector<Chunk> chunks, Decoder decode);
  // Chunks not yet decompressed (0 once everything was read, or for appended text).
  size_t pending_chunks() const;

 private:
  struct Lazy {
    std::vector<Chunk> chunks;
    std::unique_ptr<std::atomic<uint8_t>[]> state;  // 0 pending, 1 loaded, 2 damaged
    Decoder decode;
    std::mutex mu;
  };
  bool load(size_t offset, size_t n) const;  // false when a covered chunk is damaged
  void release();

  char* data_ = nullptr;
  size_t size_ = 0, capacity_ = 0;
  std::unique_ptr<Lazy> lazy_;
};

}  // namespace hp
