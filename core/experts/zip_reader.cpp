#include "core/experts/zip_reader.h"

#include <fmt/format.h>
#include <zlib.h>

#include <cstring>

#include "core/model/load_status.h"

namespace hp::experts {
namespace {

constexpr uint32_t kLocal = 0x04034b50, kCentral = 0x02014b50, kEnd = 0x06054b50;
constexpr uint32_t kEnd64 = 0x06064b50, kLocator64 = 0x07064b50;
constexpr uint64_t kMaxEntry = 0xfffffffeu;  // what one zlib call takes; expert dumps are MBs

template <class T>
T le(std::string_view b, uint64_t at) {
  T v;
  std::memcpy(&v, b.data() + at, sizeof v);
  return v;
}

}  // namespace

bool is_zip(std::string_view head) {
  return head.size() >= 4 && le<uint32_t>(head, 0) == kLocal;
}

ZipReader::ZipReader(std::string_view bytes, std::string file) : b_(bytes), file_(std::move(file)) {
  auto need = [&](uint64_t at, uint64_t n, const char* what) {
    if (at > b_.size() || b_.size() - at < n)
      throw ImportError(file_, at, fmt::format("zip archive is truncated: {} runs past the end", what));
  };
  if (b_.size() < 22) throw ImportError(file_, 0, "zip archive is truncated: too short for an end record");
  uint64_t end = std::string_view::npos;
  const uint64_t lo = b_.size() > 22 + 65535 ? b_.size() - 22 - 65535 : 0;
  for (uint64_t at = b_.size() - 22 + 1; at-- > lo;)
    if (le<uint32_t>(b_, at) == kEnd) {
      end = at;
      break;
    }
  if (end == std::string_view::npos)
    throw ImportError(file_, b_.size(), "zip archive has no end-of-central-directory record (truncated?)");
  uint64_t count = le<uint16_t>(b_, end + 10);
  uint64_t dir = le<uint32_t>(b_, end + 16);
  if (end >= 20 && le<uint32_t>(b_, end - 20) == kLocator64) {
    const uint64_t rec = le<uint64_t>(b_, end - 20 + 8);
    need(rec, 56, "the zip64 end record");
    if (le<uint32_t>(b_, rec) != kEnd64)
      throw ImportError(file_, rec, "zip64 end record has a bad signature");
    count = le<uint64_t>(b_, rec + 32);
    dir = le<uint64_t>(b_, rec + 48);
  }
  uint64_t at = dir;
  for (uint64_t i = 0; i < count; ++i) {
    need(at, 46, "a central directory entry");
    if (le<uint32_t>(b_, at) != kCentral)
      throw ImportError(file_, at, "zip central directory entry has a bad signature");
    ZipEntry e;
    e.method = le<uint16_t>(b_, at + 10);
    e.crc = le<uint32_t>(b_, at + 16);
    e.packed = le<uint32_t>(b_, at + 20);
    e.size = le<uint32_t>(b_, at + 24);
    const uint16_t n = le<uint16_t>(b_, at + 28), x = le<uint16_t>(b_, at + 30),
                   c = le<uint16_t>(b_, at + 32);
    e.header = le<uint32_t>(b_, at + 42);
    need(at + 46, uint64_t{n} + x + c, "a central directory name");
    e.name.assign(b_.data() + at + 46, n);
    // zip64 extra field: the 0xffffffff fields, in order size, packed, header offset.
    for (uint64_t p = at + 46 + n; p + 4 <= at + 46 + n + x;) {
      const uint16_t id = le<uint16_t>(b_, p), len = le<uint16_t>(b_, p + 2);
      if (p + 4 + len > at + 46 + n + x) break;
      if (id == 1) {
        uint64_t q = p + 4;
        auto take = [&](uint64_t& field) {
          if (field != 0xffffffffu || q + 8 > p + 4 + len) return;
          field = le<uint64_t>(b_, q);
          q += 8;
        };
        take(e.size);
        take(e.packed);
        take(e.header);
      }
      p += 4 + len;
    }
    if (e.size > kMaxEntry || e.packed > kMaxEntry)
      throw ImportError(file_, at, fmt::format("zip entry '{}' claims {} bytes", e.name, e.size));
    entries_.push_back(std::move(e));
    at += 46 + uint64_t{n} + x + c;
  }
}

const ZipEntry* ZipReader::find(std::string_view name) const {
  for (const auto& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

std::string ZipReader::read(const ZipEntry& e) const {
  const uint64_t h = e.header;
  if (h > b_.size() || b_.size() - h < 30)
    throw ImportError(file_, h,
                      fmt::format("zip archive is truncated: entry '{}' starts past the end", e.name));
  if (le<uint32_t>(b_, h) != kLocal)
    throw ImportError(file_, h, fmt::format("zip entry '{}' has a bad local header signature", e.name));
  const uint64_t data = h + 30 + le<uint16_t>(b_, h + 26) + le<uint16_t>(b_, h + 28);
  if (data > b_.size() || b_.size() - data < e.packed)
    throw ImportError(file_, data,
                      fmt::format("zip archive is truncated: entry '{}' needs {} bytes, {} are left", e.name,
                                  e.packed, data > b_.size() ? 0 : b_.size() - data));
  std::string out;
  if (e.method == 0) {
    if (e.packed != e.size)
      throw ImportError(file_, h, fmt::format("stored zip entry '{}' has two sizes", e.name));
    out.assign(b_.data() + data, e.size);
  } else if (e.method == 8) {
    out.resize(e.size);
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw ImportError(file_, data, "zlib could not start");
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(b_.data() + data));
    z.avail_in = static_cast<uInt>(e.packed);
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(e.size);
    const int rc = inflate(&z, Z_FINISH);
    const uint64_t produced = z.total_out;
    inflateEnd(&z);
    if (rc != Z_STREAM_END || produced != e.size)
      throw ImportError(file_, data,
                        fmt::format("zip entry '{}' does not inflate to its {} bytes", e.name, e.size));
  } else {
    throw ImportError(
        file_, h,
        fmt::format("zip entry '{}' uses compression method {} (only 0 and 8 are read)", e.name, e.method));
  }
  const auto crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size())));
  if (crc != e.crc) throw ImportError(file_, data, fmt::format("zip entry '{}' fails its CRC check", e.name));
  return out;
}

}  // namespace hp::experts
