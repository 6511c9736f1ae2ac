#include "core/model/string_pool.h"

#include <cstring>

namespace hp {

StringPool::StringPool() {
  starts_.push_back("");
  lens_.push_back(0);
  index_.emplace(std::string_view(), 0);
}

StrId StringPool::intern(std::string_view s) {
  if (auto it = index_.find(s); it != index_.end()) return it->second;
  StrId id = add_unindexed(s);
  index_.emplace(view(id), id);
  return id;
}

StrId StringPool::add_unindexed(std::string_view s) {
  char* dst;
  if (s.size() > kBlock / 4) {
    large_.emplace_back(new char[s.size()]);  // large strings get a block of their own
    dst = large_.back().get();
  } else {
    if (used_in_block_ + s.size() > kBlock) {
      blocks_.emplace_back(new char[kBlock]);
      used_in_block_ = 0;
    }
    dst = blocks_.back().get() + used_in_block_;
    used_in_block_ += s.size();
  }
  if (!s.empty()) std::memcpy(dst, s.data(), s.size());
  auto id = static_cast<StrId>(lens_.size());
  starts_.push_back(dst);
  lens_.push_back(static_cast<uint32_t>(s.size()));
  char_bytes_ += s.size();
  return id;
}

StrId StringPool::find(std::string_view s) const {
  auto it = index_.find(s);
  return it == index_.end() ? 0 : it->second;
}

size_t StringPool::bytes() const {
  return char_bytes_ + starts_.capacity() * sizeof(const char*) + lens_.capacity() * sizeof(uint32_t) +
         index_.size() * (sizeof(std::string_view) + sizeof(StrId) + 2 * sizeof(void*));
}

}  // namespace hp
