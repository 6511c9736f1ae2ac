#pragma once
// Big buffers that are filled right after allocation fault in 4 KiB at a time; with transparent
// huge pages in "madvise" mode, asking for them first makes 512x fewer page faults. Best effort:
// a no-op for small buffers and where madvise is refused.
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>

namespace hp {

inline void advise_huge_pages(const void* p, size_t bytes) {
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  if (p == nullptr || bytes < 4 * kHuge) return;
  uintptr_t a = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  uintptr_t e = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (e > a) madvise(reinterpret_cast<void*>(a), e - a, MADV_HUGEPAGE);
}

// Reserves capacity for n elements and advises huge pages for it.
template <class V>
void reserve_huge(V& v, size_t n) {
  v.reserve(n);
  advise_huge_pages(v.data(), v.capacity() * sizeof(v[0]));
}

}  // namespace hp
