#pragma once
// One interned string pool for a Run: names, categories, arg keys. Id 0 is the empty string.
// share() gives a live Session's snapshot the pool in O(1): the characters sit in blocks that are
// never moved, and the id columns are SharedColumns that the original keeps appending to.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/util/shared_column.h"

namespace hp {

using StrId = uint32_t;

class StringPool {
 public:
  StringPool();
  StringPool(StringPool&&) noexcept = default;
  StringPool& operator=(StringPool&&) noexcept = default;
  // A copy that shares the characters and id columns (O(indexed strings), for the hash table).
  StringPool share() const;

  StrId intern(std::string_view s) { return intern(s, hash(s)); }
  // With the string's hash(), computed beforehand (an importer hashes names on its parsing threads).
  StrId intern(std::string_view s, uint64_t hash);
  static uint64_t hash(std::string_view s);
  // Stores s without indexing it (find() will not see it): for values known to be unique, such as a
  // million request ids, which would only grow the hash table.
  StrId add_unindexed(std::string_view s);
  // Returns 0 when s is not in the pool (and s is not empty): a lookup that never inserts.
  StrId find(std::string_view s) const;
  std::string_view view(StrId id) const { return {starts_[id], lens_[id]}; }
  size_t size() const { return lens_.size(); }
  // Bytes held by the characters, the index and the hash table (approximate for the table).
  size_t bytes() const;

 private:
  static constexpr size_t kBlock = 1 << 20;
  // Characters; `used` is claimed like a SharedColumn's end, so a pool and its shares never write
  // the same bytes.
  struct Block {
    explicit Block(size_t n) : chars(new char[n]) {}
    std::unique_ptr<char[]> chars;
    std::atomic<size_t> used{0};
  };
  StrId add(std::string_view s, uint32_t tag);
  char* claim_chars(size_t n);
  std::vector<std::shared_ptr<Block>> blocks_;  // large strings get a block of their own, not last
  size_t used_in_block_ = kBlock;               // this pool's end in blocks_.back()
  size_t claimed_in_block_ = kBlock;            // blocks_.back() up to here is this pool's to write
  SharedColumn<const char*> starts_;
  SharedColumn<uint32_t> lens_;
  // Open addressing: slots_ hold ids (0: empty), probed linearly from hash & mask; tags_[id] keeps 32
  // bits of each indexed string's hash (unindexed ones: 0) so that most probes compare no characters.
  void grow();
  std::vector<StrId> slots_;
  SharedColumn<uint32_t> tags_;
  size_t indexed_ = 0;
  size_t char_bytes_ = 0;
};

}  // namespace hp
