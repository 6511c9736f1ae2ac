#pragma once
// A column of Wide values stored as Narrow ones: almost every duration fits in u32 ns (4.29 s),
// almost every External id or Python id in i32, and track and category ids in u16, so each row
// costs sizeof(Narrow). The rare value
// that does not fit is kept exactly in a side table, marked by an escape value in the row.
// Reads go through operator[] and return by value; writes through push_back() and set().
#include <algorithm>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hp {

template <class Wide, class Narrow>
class NarrowColumn {
 public:
  using value_type = Wide;
  NarrowColumn() = default;
  NarrowColumn(std::initializer_list<Wide> values) {
    for (Wide w : values) push_back(w);
  }

  Wide operator[](size_t i) const {
    Narrow n = rows_[i];
    return n == kEscape ? wide_.at(i) : static_cast<Wide>(n);
  }
  void push_back(Wide w) {
    if (fits(w)) {
      rows_.push_back(static_cast<Narrow>(w));
    } else {
      wide_[rows_.size()] = w;
      rows_.push_back(kEscape);
    }
  }
  void set(size_t i, Wide w) {
    if (fits(w)) {
      if (rows_[i] == kEscape) wide_.erase(i);
      rows_[i] = static_cast<Narrow>(w);
    } else {
      rows_[i] = kEscape;
      wide_[i] = w;
    }
  }
  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  void reserve(size_t n) { rows_.reserve(n); }
  void resize(size_t n) {
    for (size_t i = n; i < rows_.size(); ++i)
      if (rows_[i] == kEscape) wide_.erase(i);
    rows_.resize(n, Narrow{0});
  }
  void clear() {
    rows_.clear();
    wide_.clear();
  }
  void shrink_to_fit() { rows_.shrink_to_fit(); }
  // Resident bytes (rows plus an estimate for the side table).
  size_t bytes() const { return rows_.capacity() * sizeof(Narrow) + wide_.size() * (sizeof(Wide) + 32); }
  size_t wide_count() const { return wide_.size(); }
  bool operator==(const NarrowColumn& o) const { return rows_ == o.rows_ && wide_ == o.wide_; }

  // Reorders rows: row i of the result is row order[i] of this column.
  void permute(const std::vector<uint32_t>& order) {
    NarrowColumn out;
    out.rows_.reserve(order.size());
    for (uint32_t k : order) out.push_back((*this)[k]);
    *this = std::move(out);
  }

 private:
  static_assert(std::is_integral_v<Wide> && std::is_integral_v<Narrow> && sizeof(Narrow) < sizeof(Wide));
  static constexpr Narrow kEscape =
      std::is_signed_v<Narrow> ? std::numeric_limits<Narrow>::min() : std::numeric_limits<Narrow>::max();
  static bool fits(Wide w) { return std::in_range<Narrow>(w) && static_cast<Narrow>(w) != kEscape; }

  std::vector<Narrow> rows_;
  std::unordered_map<size_t, Wide> wide_;
};

}  // namespace hp

namespace hp {

// int64 values as Row offsets (u32 or u16) from a per-block base (the block's first value - half the
// Row range), so a block of kBlock rows whose values lie within that range of its first one costs
// sizeof(Row) a row: sorted per track, starts almost always do (u32: +-2.1 s), and so do ids that
// grow with time (External id, correlation, Python id; u16 for the densest). A block that does not
// fit but holds whole microseconds only (integer-µs traces on sparse tracks) counts its offsets in µs
// (u32: +-2147 s). Any other block that does not fit is stored wide (int64 rows), so no input costs
// more than 8 bytes a row plus the Row.
template <class Row>
class BlockColumn {
 public:
  using value_type = int64_t;
  static constexpr size_t kBlock = 64;

  class Iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = int64_t;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = int64_t;
    Iterator() = default;
    Iterator(const BlockColumn* c, size_t i) : c_(c), i_(i) {}
    int64_t operator*() const { return (*c_)[i_]; }
    int64_t operator[](difference_type k) const { return (*c_)[i_ + static_cast<size_t>(k)]; }
    Iterator& operator++() { return ++i_, *this; }
    Iterator operator++(int) { return Iterator(c_, i_++); }
    Iterator& operator--() { return --i_, *this; }
    Iterator operator--(int) { return Iterator(c_, i_--); }
    Iterator& operator+=(difference_type k) { return i_ += static_cast<size_t>(k), *this; }
    Iterator& operator-=(difference_type k) { return i_ -= static_cast<size_t>(k), *this; }
    Iterator operator+(difference_type k) const { return Iterator(c_, i_ + static_cast<size_t>(k)); }
    Iterator operator-(difference_type k) const { return Iterator(c_, i_ - static_cast<size_t>(k)); }
    difference_type operator-(const Iterator& o) const {
      return static_cast<difference_type>(i_) - static_cast<difference_type>(o.i_);
    }
    auto operator<=>(const Iterator& o) const { return i_ <=> o.i_; }
    bool operator==(const Iterator& o) const { return i_ == o.i_; }

   private:
    const BlockColumn* c_ = nullptr;
    size_t i_ = 0;
  };

  BlockColumn() = default;
  BlockColumn(std::initializer_list<int64_t> values) {
    for (int64_t v : values) push_back(v);
  }
  int64_t operator[](size_t i) const {
    const Block& b = blocks_[i / kBlock];
    return b.wide == kNarrow ? b.base + static_cast<int64_t>(rows_[i]) * b.unit : wide_[b.wide + i % kBlock];
  }
  void push_back(int64_t v) {
    if (rows_.size() % kBlock == 0)
      blocks_.push_back({v < INT64_MIN + kHalf ? INT64_MIN : v - kHalf, kNarrow, 1});
    rows_.push_back(0);
    store(rows_.size() - 1, v);
  }
  void set(size_t i, int64_t v) { store(i, v); }
  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  void reserve(size_t n) { rows_.reserve(n), blocks_.reserve(n / kBlock + 1); }
  void clear() { rows_.clear(), blocks_.clear(), wide_.clear(); }
  void shrink_to_fit() { rows_.shrink_to_fit(), blocks_.shrink_to_fit(), wide_.shrink_to_fit(); }
  void resize(size_t n) {
    if (n < rows_.size()) {
      BlockColumn out;
      out.reserve(n);
      for (size_t i = 0; i < n; ++i) out.push_back((*this)[i]);
      *this = std::move(out);
    }
    while (rows_.size() < n) push_back(0);
  }
  size_t bytes() const {
    return rows_.capacity() * sizeof(Row) + blocks_.capacity() * sizeof(Block) +
           wide_.capacity() * sizeof(int64_t);
  }
  // Rows stored in wide blocks.
  size_t wide_count() const {
    size_t n = 0;
    for (size_t b = 0; b < blocks_.size(); ++b)
      if (blocks_[b].wide != kNarrow) n += std::min(kBlock, rows_.size() - b * kBlock);
    return n;
  }
  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const { return Iterator(this, rows_.size()); }
  bool operator==(const BlockColumn& o) const {
    if (size() != o.size()) return false;
    for (size_t i = 0; i < size(); ++i)
      if ((*this)[i] != o[i]) return false;
    return true;
  }
  void permute(const std::vector<uint32_t>& order) {
    BlockColumn out;
    out.reserve(order.size());
    for (uint32_t k : order) out.push_back((*this)[k]);
    *this = std::move(out);
  }

 private:
  static_assert(std::is_unsigned_v<Row> && sizeof(Row) <= 4);
  static constexpr int64_t kHalf = int64_t{1} << (8 * sizeof(Row) - 1);
  static constexpr uint32_t kNarrow = UINT32_MAX;
  static constexpr int64_t kMicro = 1000;
  struct Block {
    int64_t base;
    uint32_t wide;  // kNarrow, or where the block's kBlock values start in wide_
    uint32_t unit;  // a narrow block's value = base + row * unit (1, or kMicro)
  };
  void store(size_t i, int64_t v) {
    Block& b = blocks_[i / kBlock];
    if (b.wide == kNarrow) {
      // Unsigned difference: no overflow for any pair of int64 values.
      uint64_t d = static_cast<uint64_t>(v) - static_cast<uint64_t>(b.base);
      if (v >= b.base && b.unit == 1 && d <= std::numeric_limits<Row>::max()) {
        rows_[i] = static_cast<Row>(d);
        return;
      }
      if (v >= b.base && b.unit == kMicro && d % kMicro == 0 &&
          d / kMicro <= std::numeric_limits<Row>::max()) {
        rows_[i] = static_cast<Row>(d / kMicro);
        return;
      }
      if (b.unit == 1 && to_micro(i, v)) return;
      // The block goes wide: its rows so far move to wide_, exactly.
      const size_t first = i / kBlock * kBlock, end = std::min(rows_.size(), first + kBlock);
      const uint32_t at = static_cast<uint32_t>(wide_.size());
      wide_.resize(wide_.size() + kBlock, 0);
      for (size_t k = first; k < end; ++k)
        wide_[at + k - first] = b.base + static_cast<int64_t>(rows_[k]) * b.unit;
      b.wide = at;
    }
    wide_[b.wide + i % kBlock] = v;
    rows_[i] = 0;
  }
  // Row i of a narrow unit-1 block becomes v, which does not fit: when v and the block's other rows are
  // all whole µs within the Row's range of µs, the block counts in µs from a base centred on them.
  bool to_micro(size_t i, int64_t v) {
    Block& b = blocks_[i / kBlock];
    const size_t first = i / kBlock * kBlock, end = std::min(rows_.size(), first + kBlock);
    if (v % kMicro != 0) return false;
    int64_t lo = v, hi = v;
    for (size_t k = first; k < end; ++k) {
      if (k == i) continue;
      const int64_t x = b.base + static_cast<int64_t>(rows_[k]);
      if (x % kMicro != 0) return false;
      lo = std::min(lo, x), hi = std::max(hi, x);
    }
    constexpr uint64_t kSpan = uint64_t{std::numeric_limits<Row>::max()} * kMicro;
    if (static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) > kSpan) return false;
    // Centre the range on [lo, hi], in whole µs, without leaving int64.
    const uint64_t slack =
        (kSpan - (static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo))) / 2 / kMicro * kMicro;
    const int64_t base = static_cast<uint64_t>(lo) - static_cast<uint64_t>(INT64_MIN) >= slack
                             ? static_cast<int64_t>(static_cast<uint64_t>(lo) - slack)
                             : lo;
    for (size_t k = first; k < end; ++k) {
      const int64_t x = k == i ? v : b.base + static_cast<int64_t>(rows_[k]);
      rows_[k] = static_cast<Row>((static_cast<uint64_t>(x) - static_cast<uint64_t>(base)) / kMicro);
    }
    b.base = base, b.unit = kMicro;
    return true;
  }

  std::vector<Row> rows_;
  std::vector<Block> blocks_;
  std::vector<int64_t> wide_;
};

using TimeColumn = BlockColumn<uint32_t>;

}  // namespace hp
