#pragma once
// A minimal read-only zip reader for torch.save archives (SGLang expert dumps): the central
// directory (zip64 too), stored and deflate entries (zlib), CRC-checked. Truncated or corrupt
// archives are an ImportError naming the file, the byte offset and what was wrong.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hp::experts {

struct ZipEntry {
  std::string name;
  uint64_t header = 0;  // offset of its local header
  uint64_t packed = 0, size = 0;
  uint16_t method = 0;  // 0 stored, 8 deflate
  uint32_t crc = 0;
};

class ZipReader {
 public:
  // `bytes` must outlive the reader. Throws ImportError when there is no readable central directory.
  ZipReader(std::string_view bytes, std::string file);
  const std::vector<ZipEntry>& entries() const { return entries_; }
  const ZipEntry* find(std::string_view name) const;
  // The entry's bytes, inflated and CRC-checked; throws ImportError.
  std::string read(const ZipEntry& e) const;
  const std::string& file() const { return file_; }

 private:
  std::string_view b_;
  std::string file_;
  std::vector<ZipEntry> entries_;
};

// True when `head` starts like a zip archive (local header signature).
bool is_zip(std::string_view head);

}  // namespace hp::experts
