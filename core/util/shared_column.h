#pragma once
// A column that snapshots share: copying one is O(1) (the copy shares the buffer), and appending to
// a column whose buffer a copy holds writes past the copy's end, where the copy never reads, so a
// live capture publishes a new Session without copying what the previous one already had.
//
// Rules: reading is always safe; a copy sees only its own [0, size()). An append claims the
// buffer's free rest (atomically, so two holders on two threads never write the same slot); a
// holder that cannot claim it, or any write before the end while the buffer is shared, copies the
// buffer first. Element writes go through set() or mutable_data(): a plain reference would
// silently write into what another snapshot is reading.
#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <type_traits>
#include <vector>

namespace hp {

template <class T>
class SharedColumn {
  static_assert(std::is_trivially_copyable_v<T>, "SharedColumn copies its elements with memcpy semantics");

 public:
  using value_type = T;
  using const_iterator = const T*;
  using iterator = const T*;  // reads only; write with set() or mutable_data()

  SharedColumn() = default;
  SharedColumn(std::initializer_list<T> v) { append(v.begin(), v.end()); }
  SharedColumn(size_t n, const T& v) { resize(n, v); }
  explicit SharedColumn(const std::vector<T>& v) { append(v.begin(), v.end()); }
  // A copy holds no claim: its first append claims, or copies the buffer.
  SharedColumn(const SharedColumn& o) : buf_(o.buf_), data_(o.data_), size_(o.size_) {}
  SharedColumn& operator=(const SharedColumn& o) {
    buf_ = o.buf_, data_ = o.data_, size_ = o.size_, claimed_ = 0;
    return *this;
  }
  SharedColumn(SharedColumn&& o) noexcept
      : buf_(std::move(o.buf_)), data_(o.data_), size_(o.size_), claimed_(o.claimed_) {
    o.data_ = nullptr, o.size_ = 0, o.claimed_ = 0;
  }
  SharedColumn& operator=(SharedColumn&& o) noexcept {
    buf_ = std::move(o.buf_), data_ = o.data_, size_ = o.size_, claimed_ = o.claimed_;
    o.data_ = nullptr, o.size_ = 0, o.claimed_ = 0;
    return *this;
  }
  SharedColumn& operator=(std::initializer_list<T> v) {
    clear();
    append(v.begin(), v.end());
    return *this;
  }
  SharedColumn& operator=(const std::vector<T>& v) {
    clear();
    append(v.begin(), v.end());
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return buf_ ? buf_->cap : 0; }
  const T* data() const { return data_; }
  const T& operator[](size_t i) const {
    assert(i < size_);
    return data_[i];
  }
  const T& at(size_t i) const { return (*this)[i]; }
  const T& front() const { return (*this)[0]; }
  const T& back() const { return (*this)[size_ - 1]; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  std::vector<T> to_vector() const { return {begin(), end()}; }
  // Whether a copy shares this buffer (tests; an approximation while other threads copy or drop).
  bool shared() const { return buf_ && buf_.use_count() > 1; }

  void push_back(const T& v) {
    const T copy = v;  // v may live in this column's buffer, which reserve() can replace
    reserve_appending(size_ + 1);
    data_[size_++] = copy;
  }
  void emplace_back(const T& v) { push_back(v); }
  template <class It>
  void append(It first, It last) {
    const auto n = static_cast<size_t>(std::distance(first, last));
    if (n == 0) return;
    reserve_appending(size_ + n);
    std::copy(first, last, data_ + size_);
    size_ += n;
  }
  // Appends at the end only (the one position a shared column can grow at).
  template <class It>
  void insert(const T* pos, It first, It last) {
    assert(pos == end());
    (void)pos;
    append(first, last);
  }
  void resize(size_t n, const T& v = T{}) {
    if (n <= size_) {
      truncate(n);
      return;
    }
    reserve_appending(n);
    std::fill(data_ + size_, data_ + n, v);
    size_ = n;
  }
  void assign(size_t n, const T& v) {
    clear();
    resize(n, v);
  }
  void clear() { truncate(0); }
  void pop_back() { truncate(size_ - 1); }
  // Grows geometrically past the first reserve: a column that is reserved for each batch appended
  // (a live capture's) must not copy itself each time.
  void reserve(size_t n) {
    if (n > capacity()) reallocate(std::max(n, 2 * capacity()));
  }
  void shrink_to_fit() {
    if (buf_ && capacity() > size_) reallocate(size_);
  }
  void swap(SharedColumn& o) noexcept {
    std::swap(buf_, o.buf_), std::swap(data_, o.data_), std::swap(size_, o.size_),
        std::swap(claimed_, o.claimed_);
  }

  // Writes before the end: the buffer is copied first when a copy shares it.
  void set(size_t i, const T& v) {
    assert(i < size_);
    mutable_data()[i] = v;
  }
  T* mutable_data() {
    if (buf_ && !exclusive()) reallocate(std::max(size_, capacity()));
    if (buf_) claim_all();
    return data_;
  }

  friend bool operator==(const SharedColumn& a, const SharedColumn& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }
  friend bool operator!=(const SharedColumn& a, const SharedColumn& b) { return !(a == b); }
  friend bool operator==(const SharedColumn& a, const std::vector<T>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  struct Buffer {
    explicit Buffer(size_t c) : data(new T[c]), cap(c) {}
    std::unique_ptr<T[]> data;
    size_t cap;
    std::atomic<size_t> used{0};  // the end of what holders claimed
  };

  // Only this holder refers to the buffer; the fence orders the last other holder's reads (which
  // released their reference) before this holder's writes.
  bool exclusive() const {
    if (buf_.use_count() != 1) return false;
    std::atomic_thread_fence(std::memory_order_acquire);
    return true;
  }
  // Makes [size_, n) writable. A holder claims the rest of the buffer at once (one atomic step, not
  // one per append); a copy appending to a buffer whose rest another holder claimed copies it.
  void reserve_appending(size_t n) {
    if (n <= claimed_) return;
    if (buf_ && n <= buf_->cap) {
      size_t expect = size_;
      if (buf_->used.compare_exchange_strong(expect, buf_->cap, std::memory_order_relaxed) || exclusive()) {
        claim_all();
        return;
      }
    }
    reallocate(std::max({n, 2 * capacity(), size_t{16}}));
  }
  void claim_all() {
    buf_->used.store(buf_->cap, std::memory_order_relaxed);
    claimed_ = buf_->cap;
  }
  void reallocate(size_t cap) {
    auto b = std::make_shared<Buffer>(cap);
    std::copy(data_, data_ + size_, b->data.get());
    buf_ = std::move(b);
    data_ = buf_->data.get();
    claim_all();
  }
  void truncate(size_t n) {
    assert(n <= size_);
    size_ = n;
    if (!buf_ || !exclusive()) claimed_ = std::min(claimed_, n);  // a copy may read past n
  }

  std::shared_ptr<Buffer> buf_;
  T* data_ = nullptr;
  size_t size_ = 0;
  size_t claimed_ = 0;  // [size_, claimed_) of the buffer is this holder's to write
};

}  // namespace hp
