#pragma once
// A column of Wide values stored as Narrow ones: almost every duration fits in u32 ns (4.29 s),
// almost every External id or Python id in i32, and track and category ids in u16, so each row
// costs sizeof(Narrow). The rare value
// that does not fit is kept exactly in a side table, marked by an escape value in the row.
// Reads go through operator[] and return by value; writes through push_back() and set().
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

// Times as u32 offsets from a per-block base (the block's first value - 2^31), so a block of
// kBlock rows that spans less than ~2.1 s either side of its first value costs 4 bytes a row.
// Sorted per track, starts almost always do; the rest are kept exactly in a side table.
class TimeColumn {
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
    Iterator(const TimeColumn* c, size_t i) : c_(c), i_(i) {}
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
    const TimeColumn* c_ = nullptr;
    size_t i_ = 0;
  };

  TimeColumn() = default;
  TimeColumn(std::initializer_list<int64_t> values) {
    for (int64_t v : values) push_back(v);
  }
  int64_t operator[](size_t i) const {
    uint32_t o = rows_[i];
    return o == kEscape ? wide_.at(i) : base_[i / kBlock] + static_cast<int64_t>(o);
  }
  void push_back(int64_t v) {
    if (rows_.size() % kBlock == 0) base_.push_back(v < INT64_MIN + kHalf ? INT64_MIN : v - kHalf);
    rows_.push_back(kEscape);
    store(rows_.size() - 1, v);
  }
  void set(size_t i, int64_t v) {
    if (rows_[i] == kEscape) wide_.erase(i);
    store(i, v);
  }
  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  void reserve(size_t n) { rows_.reserve(n), base_.reserve(n / kBlock + 1); }
  void clear() { rows_.clear(), base_.clear(), wide_.clear(); }
  void resize(size_t n) {
    while (rows_.size() > n) {
      if (rows_.back() == kEscape) wide_.erase(rows_.size() - 1);
      rows_.pop_back();
    }
    base_.resize((rows_.size() + kBlock - 1) / kBlock);
    while (rows_.size() < n) push_back(0);
  }
  size_t bytes() const {
    return rows_.capacity() * sizeof(uint32_t) + base_.capacity() * sizeof(int64_t) + wide_.size() * 40;
  }
  size_t wide_count() const { return wide_.size(); }
  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const { return Iterator(this, rows_.size()); }
  bool operator==(const TimeColumn& o) const {
    if (size() != o.size()) return false;
    for (size_t i = 0; i < size(); ++i)
      if ((*this)[i] != o[i]) return false;
    return true;
  }
  void permute(const std::vector<uint32_t>& order) {
    TimeColumn out;
    out.reserve(order.size());
    for (uint32_t k : order) out.push_back((*this)[k]);
    *this = std::move(out);
  }

 private:
  static constexpr uint32_t kEscape = UINT32_MAX;
  static constexpr int64_t kHalf = int64_t{1} << 31;
  void store(size_t i, int64_t v) {
    int64_t base = base_[i / kBlock];
    // Unsigned difference: no overflow for any pair of int64 values.
    uint64_t d = static_cast<uint64_t>(v) - static_cast<uint64_t>(base);
    if (v >= base && d < kEscape) {
      rows_[i] = static_cast<uint32_t>(d);
    } else {
      rows_[i] = kEscape;
      wide_[i] = v;
    }
  }

  std::vector<uint32_t> rows_;
  std::vector<int64_t> base_;
  std::unordered_map<size_t, int64_t> wide_;
};

}  // namespace hp
