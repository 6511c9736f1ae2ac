#pragma once
// Columns of ids and of repeating values. IdColumn stores ids (string ids, dictionary indices) in
// u16 rows while every id fits and in u32 rows from the first one that does not, so an id column
// costs 2 bytes a row on most runs and never more than 4. DictColumn stores a value that repeats
// (a GPU op's launch configuration) once, and an IdColumn index a row.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <type_traits>
#include <unordered_map>
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
  void clear() { index_.clear(), values_.clear(), ids_.clear(); }
  void shrink_to_fit() { index_.shrink_to_fit(), values_.shrink_to_fit(); }
  size_t bytes() const {
    return index_.bytes() + values_.capacity() * sizeof(T) + ids_.size() * (sizeof(T) + 24);
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
  struct Key {
    unsigned char b[sizeof(T)];
    bool operator==(const Key& o) const { return std::memcmp(b, o.b, sizeof(T)) == 0; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {  // 8 bytes at a time: launch configurations are 48
      uint64_t h = 0x9E3779B97F4A7C15ULL;
      size_t i = 0;
      for (; i + 8 <= sizeof(T); i += 8) {
        uint64_t w;
        std::memcpy(&w, k.b + i, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ULL, h ^= h >> 31;
      }
      for (; i < sizeof(T); ++i) h = (h ^ k.b[i]) * 0x100000001B3ULL;
      return static_cast<size_t>(h ^ (h >> 29));
    }
  };
  uint32_t id_of(const T& v) {
    if (!values_.empty() && std::memcmp(&values_[last_], &v, sizeof(T)) == 0) return last_;
    Key k;
    std::memcpy(k.b, &v, sizeof(T));
    auto [it, added] = ids_.try_emplace(k, static_cast<uint32_t>(values_.size()));
    if (added) values_.push_back(v);
    return last_ = it->second;
  }

  IdColumn index_;
  std::vector<T> values_;
  std::unordered_map<Key, uint32_t, KeyHash> ids_;
  uint32_t last_ = 0;
};

}  // namespace hp
