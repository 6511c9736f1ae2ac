#include "core/model/args_text.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

namespace hp {

ArgsText::ArgsText(const ArgsText& o) {
  std::string_view text = o.all();
  reserve(text.size());
  append(text);
}

ArgsText::ArgsText(ArgsText&& o) noexcept
    : data_(std::exchange(o.data_, nullptr)),
      size_(std::exchange(o.size_, 0)),
      capacity_(std::exchange(o.capacity_, 0)),
      lazy_(std::move(o.lazy_)) {}

ArgsText& ArgsText::operator=(ArgsText o) noexcept {
  std::swap(data_, o.data_);
  std::swap(size_, o.size_);
  std::swap(capacity_, o.capacity_);
  std::swap(lazy_, o.lazy_);
  return *this;
}

ArgsText::~ArgsText() {
  release();
}

void ArgsText::release() {
  std::free(data_);
  data_ = nullptr;
  size_ = capacity_ = 0;
  lazy_.reset();
}

// malloc, not std::string: a large block comes straight from mmap, and pages that are reserved but
// never written (capacity hints, chunks not yet loaded) cost no memory.
void ArgsText::reserve(size_t n) {
  if (n <= capacity_) return;
  char* d = static_cast<char*>(std::realloc(data_, std::max<size_t>(n, 1)));
  if (!d) throw std::bad_alloc();
  data_ = d;
  capacity_ = n;
}

void ArgsText::append(std::string_view s) {
  if (lazy_) load(0, size_), lazy_.reset();  // no longer a copy of the file's chunks
  if (s.empty()) return;
  if (size_ + s.size() > capacity_) reserve(std::max(size_ + s.size(), capacity_ * 2));
  std::memcpy(data_ + size_, s.data(), s.size());
  size_ += s.size();
}

void ArgsText::assign_lazy(size_t total, std::vector<Chunk> chunks, Decoder decode) {
  uint64_t end = 0;
  for (const Chunk& c : chunks) {
    if (c.begin != end) throw std::invalid_argument("args chunks must lie end to end");
    end += c.bytes;
  }
  if (end != total) throw std::invalid_argument("args chunks must cover the whole text");
  release();
  reserve(total);
  size_ = total;
  if (chunks.empty()) return;
  lazy_ = std::make_unique<Lazy>();
  lazy_->state = std::make_unique<std::atomic<uint8_t>[]>(chunks.size());
  lazy_->chunks = std::move(chunks);
  lazy_->decode = std::move(decode);
}

size_t ArgsText::pending_chunks() const {
  if (!lazy_) return 0;
  size_t n = 0;
  for (size_t i = 0; i < lazy_->chunks.size(); ++i) n += lazy_->state[i].load(std::memory_order_acquire) == 0;
  return n;
}

bool ArgsText::load(size_t offset, size_t n) const {
  if (!lazy_ || n == 0) return true;
  Lazy& z = *lazy_;
  // First chunk that ends after `offset`, up to the last one that begins before offset + n.
  auto first = std::upper_bound(z.chunks.begin(), z.chunks.end(), offset,
                                [](size_t off, const Chunk& c) { return off < c.begin + c.bytes; });
  bool ok = true;
  for (auto it = first; it != z.chunks.end() && it->begin < offset + n; ++it) {
    std::atomic<uint8_t>& st = z.state[static_cast<size_t>(it - z.chunks.begin())];
    uint8_t s = st.load(std::memory_order_acquire);
    if (s == 0) {
      std::lock_guard lock(z.mu);
      s = st.load(std::memory_order_relaxed);
      if (s == 0) {
        s = z.decode(*it, data_ + it->begin) ? 1 : 2;
        if (s == 2) std::memset(data_ + it->begin, ' ', it->bytes);  // defined bytes, read as no args
        std::string().swap(it->compressed);
        st.store(s, std::memory_order_release);
      }
    }
    ok = ok && s == 1;
  }
  return ok;
}

std::string_view ArgsText::view(size_t offset, size_t n) const {
  if (offset >= size_) return {};
  n = std::min(n, size_ - offset);
  if (!load(offset, n)) return {};
  return {data_ + offset, n};
}

}  // namespace hp
