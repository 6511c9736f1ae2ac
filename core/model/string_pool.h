#pragma once
// One interned string pool for a Run: names, categories, arg keys. Id 0 is the empty string.
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace hp {

using StrId = uint32_t;

class StringPool {
 public:
  StringPool();
  StringPool(StringPool&&) noexcept = default;
  StringPool& operator=(StringPool&&) noexcept = default;

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
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<std::unique_ptr<char[]>> large_;
  size_t used_in_block_ = kBlock;
  std::vector<const char*> starts_;
  std::vector<uint32_t> lens_;
  // Open addressing: slots_ hold ids (0: empty), probed linearly from hash & mask; tags_[id] keeps 32
  // bits of each indexed string's hash (unindexed ones: 0) so that most probes compare no characters.
  void grow();
  std::vector<StrId> slots_;
  std::vector<uint32_t> tags_;
  size_t indexed_ = 0;
  size_t char_bytes_ = 0;
};

}  // namespace hp
