#pragma once
// A column of Wide values stored as Narrow ones: almost every duration fits in u32 ns (4.29 s) and
// almost every External id or Python id in i32, so each row costs sizeof(Narrow). The rare value
// that does not fit is kept exactly in a side table, marked by an escape value in the row.
// Reads go through operator[] and return by value; writes through push_back() and set().
#include <cstddef>
#include <cstdint>
#include <initializer_list>
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
    rows_.push_back(kEscape);
    set(rows_.size() - 1, w);
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
