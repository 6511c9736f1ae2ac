#pragma once
// Where each event's raw `args` text lies in Run::raw_args, a row per event.
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "core/model/narrow_column.h"

namespace hp {

// Args of kLongArgs bytes or more are stored behind an 8-byte length (Run::args_text).
struct ArgsRef {
  static constexpr uint32_t kLongArgs = (1u << 24) - 1;
  uint64_t offset : 40 = 0;  // 1 TiB of args text
  uint64_t length : 24 = 0;
  bool empty() const { return length == 0; }
  bool operator==(const ArgsRef& o) const { return offset == o.offset && length == o.length; }
  // Lvalues only: ArgsColumn returns rows by value, so `column[i] = a` must not compile (use set).
  ArgsRef& operator=(const ArgsRef&) & = default;
};
static_assert(sizeof(ArgsRef) == 8);

// Offsets as a block column (the args of neighbouring rows lie close together in the text, so
// 4 bytes a row) and lengths in u16 (longer ones in the side table): ~6.3 bytes a row, not 8. An
// empty row reads back as ArgsRef{} whatever offset it was given.
class ArgsColumn {
 public:
  using value_type = ArgsRef;
  ArgsColumn() = default;
  ArgsColumn(std::initializer_list<ArgsRef> rows) {
    for (ArgsRef a : rows) push_back(a);
  }
  ArgsRef operator[](size_t i) const {
    ArgsRef a;
    a.length = length_[i];
    if (a.length) a.offset = static_cast<uint64_t>(offset_[i]);
    return a;
  }
  void push_back(ArgsRef a) {
    // An empty row repeats its neighbour's offset, which keeps its block narrow.
    if (a.length) last_offset_ = static_cast<int64_t>(a.offset);
    offset_.push_back(last_offset_);
    length_.push_back(static_cast<uint32_t>(a.length));
  }
  void set(size_t i, ArgsRef a) {
    if (a.length) offset_.set(i, static_cast<int64_t>(a.offset));
    length_.set(i, static_cast<uint32_t>(a.length));
  }
  size_t size() const { return length_.size(); }
  bool empty() const { return length_.empty(); }
  void reserve(size_t n) { offset_.reserve(n), length_.reserve(n); }
  void resize(size_t n) {
    if (n < size()) {
      offset_.resize(n), length_.resize(n);
      return;
    }
    while (size() < n) push_back({});
  }
  void clear() { *this = ArgsColumn(); }
  void shrink_to_fit() { offset_.shrink_to_fit(), length_.shrink_to_fit(); }
  size_t bytes() const { return offset_.bytes() + length_.bytes(); }
  bool operator==(const ArgsColumn& o) const {
    if (size() != o.size()) return false;
    for (size_t i = 0; i < size(); ++i)
      if (!((*this)[i] == o[i])) return false;
    return true;
  }
  void permute(const std::vector<uint32_t>& order) {
    ArgsColumn out;
    out.reserve(order.size());
    for (uint32_t k : order) out.push_back((*this)[k]);
    *this = std::move(out);
  }

 private:
  BlockColumn<uint32_t> offset_;
  NarrowColumn<uint32_t, uint16_t> length_;
  int64_t last_offset_ = 0;
};

}  // namespace hp
