#pragma once
// Columns of ids and of repeating values. IdColumn stores ids (string ids, dictionary indices) in
// u16 rows while every id fits and in u32 rows from the first one that does not, so an id column
// costs 2 bytes a row on most runs and never more than 4. DictColumn stores a value that repeats
// (a GPU op's launch configuration) once, and an IdColumn index a row.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <type_traits>
#include <vector>

namespace hp {

class IdColumn {
 public:
  using value_type = uint32_t;
  IdColumn() = default;
  IdColumn(std::initializer_list<uint32_t> ids) {
    for (uint32_t id : ids) push_back(id);
  }
  uint32_t operator[](size_t i) const { return wide_ ? rows32_[i] : rows16_[i]; }
  void push_back(uint32_t id) {
    if (!wide_ && id > UINT16_MAX) widen();
    if (wide_)
      rows32_.push_back(id);
    else
      rows16_.push_back(static_cast<uint16_t>(id));
  }
  void set(size_t i, uint32_t id) {
    if (!wide_ && id > UINT16_MAX) widen();
    if (wide_)
      rows32_[i] = id;
    else
      rows16_[i] = static_cast<uint16_t>(id);
  }
  size_t size() const { return wide_ ? rows32_.size() : rows16_.size(); }
  bool empty() const { return size() == 0; }
  bool wide() const { return wide_; }
  void reserve(size_t n) { wide_ ? rows32_.reserve(n) : rows16_.reserve(n); }
  void resize(size_t n) { wide_ ? rows32_.resize(n, 0) : rows16_.resize(n, 0); }
  void clear() { *this = IdColumn(); }
  void shrink_to_fit() { rows16_.shrink_to_fit(), rows32_.shrink_to_fit(); }
  size_t bytes() const { return rows16_.capacity() * 2 + rows32_.capacity() * 4; }
  bool operator==(const IdColumn& o) const {
    if (size() != o.size()) return false;
    for (size_t i = 0; i < size(); ++i)
      if ((*this)[i] != o[i]) return false;
    return true;
  }
  // Row i of the result is row order[i] of this column.
  void permute(const std::vector<uint32_t>& order) {
    IdColumn out;
    out.wide_ = wide_;
    out.reserve(order.size());
    for (uint32_t k : order)
      out.wide_ ? out.rows32_.push_back(rows32_[k]) : out.rows16_.push_back(rows16_[k]);
    *this = std::move(out);
  }

 private:
  void widen() {
    rows32_.reserve(rows16_.capacity());
    rows32_.assign(rows16_.begin(), rows16_.end());
    std::vector<uint16_t>().swap(rows16_);
    wide_ = true;
  }
  bool wide_ = false;
  std::vector<uint16_t> rows16_;
  std::vector<uint32_t> rows32_;
};

// Values are told apart by their bytes, so a NaN or a -0.0 comes back exactly as stored; T must
// have no padding.
template <class T>
class DictColumn {
 public:
  using value_type = T;
  DictColumn() = default;
  DictColumn(std::initializer_list<T> values) {
    for (const T& v : values) push_back(v);
  }
  const T& operator[](size_t i) const { return values_[index_[i]]; }
  void push_back(const T& v) { index_.push_back(id_of(v)); }
  void set(size_t i, const T& v) { index_.set(i, id_of(v)); }
  size_t size() const { return index_.size(); }
  bool empty() const { return index_.empty(); }
  void reserve(size_t n) { index_.reserve(n); }
  void resize(size_t n) {
    if (n <= size()) return index_.resize(n);
    const uint32_t zero = id_of(T{});
    while (index_.size() < n) index_.push_back(zero);
  }
  void clear() { *this = DictColumn(); }
  void shrink_to_fit() { index_.shrink_to_fit(), values_.shrink_to_fit(); }
  size_t bytes() const {
    return index_.bytes() + values_.capacity() * sizeof(T) + slots_.capacity() * sizeof(uint32_t);
  }
  size_t distinct() const { return values_.size(); }
  void permute(const std::vector<uint32_t>& order) { index_.permute(order); }
  bool operator==(const DictColumn& o) const {
    if (size() != o.size()) return false;
    for (size_t i = 0; i < size(); ++i)
      if (std::memcmp(&(*this)[i], &o[i], sizeof(T)) != 0) return false;
    return true;
  }

 private:
  static_assert(std::is_trivially_copyable_v<T>);
  static constexpr uint32_t kEmpty = UINT32_MAX;
  static uint64_t hash(const T& v) {  // 8 bytes at a time: a GpuLaunch is 48
    unsigned char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    size_t i = 0;
    if constexpr (sizeof(T) >= 8)
      for (; i + 8 <= sizeof(T); i += 8) {
        uint64_t w;
        std::memcpy(&w, b + i, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ULL, h ^= h >> 31;
      }
    for (; i < sizeof(T); ++i) h = (h ^ b[i]) * 0x100000001B3ULL;
    return h ^ (h >> 29);
  }
  bool same(uint32_t id, const T& v) const { return std::memcmp(&values_[id], &v, sizeof(T)) == 0; }
  // Open addressing over value ids: the distinct values are few, so the slots stay in cache.
  uint32_t id_of(const T& v) {
    if (!values_.empty() && same(last_, v)) return last_;
    if (values_.size() * 2 >= slots_.size()) grow();
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash(v) & mask;; i = (i + 1) & mask) {
      if (slots_[i] == kEmpty) {
        slots_[i] = static_cast<uint32_t>(values_.size());
        values_.push_back(v);
        return last_ = slots_[i];
      }
      if (same(slots_[i], v)) return last_ = slots_[i];
    }
  }
  void grow() {
    slots_.assign(std::max<size_t>(64, slots_.size() * 2), kEmpty);
    const size_t mask = slots_.size() - 1;
    for (uint32_t id = 0; id < values_.size(); ++id) {
      size_t i = hash(values_[id]) & mask;
      while (slots_[i] != kEmpty) i = (i + 1) & mask;
      slots_[i] = id;
    }
  }

  IdColumn index_;
  std::vector<T> values_;
  std::vector<uint32_t> slots_;  // value ids by hash; kEmpty where free
  uint32_t last_ = 0;
};

}  // namespace hp
