#include "core/model/string_pool.h"

#include <cstring>

namespace hp {

StringPool::StringPool() {
  starts_.push_back("");
  lens_.push_back(0);
  tags_.push_back(0);
  slots_.assign(1024, 0);
}

// 8 bytes at a time, multiply and fold: a few cycles per word, and names are long (kernels, Python
// frames), so this is most of what interning costs.
uint64_t StringPool::hash(std::string_view s) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  uint64_t h = s.size() * kMul;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  if (i < s.size()) {  // the tail in whole loads (bytes copied into a word would stall the load)
    const char* p = s.data();
    const size_t n = s.size();
    uint64_t w;
    if (n >= 8) {
      std::memcpy(&w, p + n - 8, 8);
    } else if (n >= 4) {
      uint32_t a, b;
      std::memcpy(&a, p, 4), std::memcpy(&b, p + n - 4, 4);
      w = (static_cast<uint64_t>(a) << 32) | b;
    } else {
      w = static_cast<uint64_t>(static_cast<unsigned char>(p[0])) |
          static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8 |
          static_cast<uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16;
    }
    h = (h ^ w) * kMul;
  }
  h ^= h >> 32;
  return h * kMul;
}

namespace {
uint32_t tag_of(uint64_t h) {
  return static_cast<uint32_t>(h >> 32) | 1;  // never 0, the mark of an unindexed string
}
}  // namespace

StrId StringPool::intern(std::string_view s, uint64_t h) {
  if (s.empty()) return 0;
  const size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  const uint32_t tag = tag_of(h);
  for (StrId id; (id = slots_[i]) != 0; i = (i + 1) & mask)
    if (tags_[id] == tag && lens_[id] == s.size() && std::memcmp(starts_[id], s.data(), s.size()) == 0)
      return id;
  const StrId id = add(s, tag);
  slots_[i] = id;
  if (++indexed_ * 2 > slots_.size()) grow();
  return id;
}

void StringPool::grow() {
  std::vector<StrId> slots(slots_.size() * 2, 0);
  const size_t mask = slots.size() - 1;
  for (StrId id : slots_) {
    if (id == 0) continue;
    size_t i = hash(view(id)) & mask;
    while (slots[i] != 0) i = (i + 1) & mask;
    slots[i] = id;
  }
  slots_.swap(slots);
}

StrId StringPool::add_unindexed(std::string_view s) {
  return add(s, 0);
}

char* StringPool::claim_chars(size_t n) {
  if (n > kBlock / 4) {  // a block of its own, kept before the current one
    auto big = std::make_shared<Block>(n);
    big->used.store(n, std::memory_order_relaxed);
    blocks_.insert(blocks_.empty() ? blocks_.end() : blocks_.end() - 1, big);
    return big->chars.get();
  }
  if (used_in_block_ + n > claimed_in_block_ && used_in_block_ + n <= kBlock) {
    // Claim the rest of the block at once: one atomic step per block, not per string.
    size_t expect = used_in_block_;
    if (blocks_.back()->used.compare_exchange_strong(expect, kBlock, std::memory_order_relaxed))
      claimed_in_block_ = kBlock;
  }
  if (used_in_block_ + n > claimed_in_block_) {  // full, or a share wrote past this pool's end
    blocks_.push_back(std::make_shared<Block>(kBlock));
    blocks_.back()->used.store(kBlock, std::memory_order_relaxed);
    used_in_block_ = 0;
    claimed_in_block_ = kBlock;
  }
  char* dst = blocks_.back()->chars.get() + used_in_block_;
  used_in_block_ += n;
  return dst;
}

StrId StringPool::add(std::string_view s, uint32_t tag) {
  const char* start = "";
  if (!s.empty()) {
    char* dst = claim_chars(s.size());
    std::memcpy(dst, s.data(), s.size());
    start = dst;
  }
  auto id = static_cast<StrId>(lens_.size());
  starts_.push_back(start);
  lens_.push_back(static_cast<uint32_t>(s.size()));
  tags_.push_back(tag);
  char_bytes_ += s.size();
  return id;
}

StringPool StringPool::share() const {
  StringPool out;
  out.blocks_ = blocks_;
  out.used_in_block_ = used_in_block_;
  out.claimed_in_block_ = used_in_block_;  // the rest is this pool's claim, not the share's
  out.starts_ = starts_;
  out.lens_ = lens_;
  out.tags_ = tags_;
  out.slots_ = slots_;
  out.indexed_ = indexed_;
  out.char_bytes_ = char_bytes_;
  return out;
}

StrId StringPool::find(std::string_view s) const {
  if (s.empty()) return 0;
  const uint64_t h = hash(s);
  const uint32_t tag = tag_of(h);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask; slots_[i] != 0; i = (i + 1) & mask) {
    StrId id = slots_[i];
    if (tags_[id] == tag && lens_[id] == s.size() && std::memcmp(starts_[id], s.data(), s.size()) == 0)
      return id;
  }
  return 0;
}

size_t StringPool::bytes() const {
  return char_bytes_ + starts_.capacity() * sizeof(const char*) + lens_.capacity() * sizeof(uint32_t) +
         tags_.capacity() * sizeof(uint32_t) + slots_.capacity() * sizeof(StrId);
}

}  // namespace hp
