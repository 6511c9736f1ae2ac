#include "core/util/input_file.h"

#include <fmt/format.h>
#include <zlib.h>
#include <zstd.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <new>

namespace hp {

InputBuffer::InputBuffer(size_t capacity) {
  reserve(capacity);
}

InputBuffer& InputBuffer::operator=(InputBuffer&& o) noexcept {
  if (this != &o) {
    release();
    data_ = std::exchange(o.data_, nullptr);
    size_ = std::exchange(o.size_, 0);
    capacity_ = std::exchange(o.capacity_, 0);
    mapped_ = std::exchange(o.mapped_, 0);
  }
  return *this;
}

void InputBuffer::reserve(size_t n) {
  if (n <= capacity_ && data_) return;
  char* d = static_cast<char*>(std::malloc(n + kPadding));
  if (!d) throw std::bad_alloc();
  if (size_) std::memcpy(d, data_, size_);
  std::memset(d + n, 0, kPadding);
  if (mapped_)
    munmap(data_, mapped_);
  else
    std::free(data_);
  mapped_ = 0;
  data_ = d;
  capacity_ = n;
}

void InputBuffer::resize(size_t n) {
  if (n > capacity_ || !data_) reserve(n);
  size_ = n;
  if (!mapped_) std::memset(data_ + n, 0, kPadding);
}

void InputBuffer::release() {
  if (mapped_)
    munmap(data_, mapped_);
  else
    std::free(data_);
  data_ = nullptr;
  size_ = capacity_ = mapped_ = 0;
}

InputBuffer InputBuffer::map_file(int fd, size_t size) {
  InputBuffer b;
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t file_span = (size + page - 1) / page * page;
  const size_t total = file_span + page;  // at least one zero page after the file's last page
  void* area = mmap(nullptr, total, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (area == MAP_FAILED) return b;
  if (size > 0 && mmap(area, size, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0) == MAP_FAILED) {
    munmap(area, total);
    return b;
  }
  b.data_ = static_cast<char*>(area);
  b.size_ = b.capacity_ = size;
  b.mapped_ = total;
  return b;
}

Compression detect_compression(std::string_view h) {
  if (h.size() >= 2 && static_cast<uint8_t>(h[0]) == 0x1f && static_cast<uint8_t>(h[1]) == 0x8b)
    return Compression::Gzip;
  if (h.size() >= 4 && static_cast<uint8_t>(h[0]) == 0x28 && static_cast<uint8_t>(h[1]) == 0xb5 &&
      static_cast<uint8_t>(h[2]) == 0x2f && static_cast<uint8_t>(h[3]) == 0xfd)
    return Compression::Zstd;
  return Compression::None;
}

namespace {

constexpr size_t kStep = 1 << 20;  // progress granularity

void grow(InputBuffer& out, size_t used) {
  if (out.capacity() - used < kStep) out.reserve(std::max(out.capacity() * 2, used + 4 * kStep));
}

}  // namespace

size_t gunzip_size_hint(std::string_view in) {
  // The gzip trailer holds the size mod 2^32: a good first guess for one-member files. Deflate
  // cannot expand data more than ~1032x, so a larger claim (a truncated or corrupt trailer) is
  // not believed and cannot make us reserve gigabytes up front.
  size_t guess = in.size() * 8;
  if (in.size() >= 18) {
    uint32_t isize;
    std::memcpy(&isize, in.data() + in.size() - 4, 4);
    if (isize >= in.size() && isize <= in.size() * 1032) guess = isize;
  }
  return guess;
}

namespace {

InputBuffer gunzip(std::string_view in, const std::string& name, LoadProgress* progress, Truncation* cut) {
  InputBuffer out;
  out.reserve(gunzip_size_hint(in) + 1);
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) throw ImportError(name, 0, "zlib initialisation failed");
  size_t used = 0, in_pos = 0, reported = 0;
  for (;;) {
    grow(out, used);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + in_pos));
    zs.avail_in = static_cast<uInt>(std::min<size_t>(in.size() - in_pos, 1u << 30));
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    zs.avail_out = static_cast<uInt>(std::min<size_t>(out.capacity() - used, 1u << 30));
    size_t avail_in0 = zs.avail_in, avail_out0 = zs.avail_out;
    int rc = inflate(&zs, Z_NO_FLUSH);
    in_pos += avail_in0 - zs.avail_in;
    used += avail_out0 - zs.avail_out;
    if (progress && in_pos - reported >= kStep) progress->done += in_pos - reported, reported = in_pos;
    if (rc == Z_STREAM_END) {
      // Concatenated members: continue while non-zero input remains.
      while (in_pos < in.size() && in[in_pos] == '\0') ++in_pos;
      if (in_pos >= in.size()) break;
      inflateReset(&zs);
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0 && in_pos >= in.size()) {
      if (cut) {
        *cut = Truncation{true, in_pos, "gzip"};
        break;
      }
      inflateEnd(&zs);
      throw ImportError(name, in_pos, "truncated gzip data (unexpected end of compressed input)");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      std::string msg = zs.msg ? zs.msg : "error";
      inflateEnd(&zs);
      throw ImportError(name, in_pos, fmt::format("corrupt gzip data: {}", msg));
    }
  }
  inflateEnd(&zs);
  if (progress) progress->done += in.size() - reported;
  out.resize(used);
  return out;
}

InputBuffer unzstd(std::string_view in, const std::string& name, LoadProgress* progress, Truncation* cut) {
  InputBuffer out;
  unsigned long long content = ZSTD_getFrameContentSize(in.data(), in.size());
  size_t guess =
      (content != ZSTD_CONTENTSIZE_UNKNOWN && content != ZSTD_CONTENTSIZE_ERROR) ? content : in.size() * 8;
  out.reserve(guess + 1);
  ZSTD_DStream* ds = ZSTD_createDStream();
  ZSTD_initDStream(ds);
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  size_t used = 0, reported = 0, last = 1;
  while (ib.pos < ib.size || last != 0) {
    grow(out, used);
    ZSTD_outBuffer ob{out.data() + used, out.capacity() - used, 0};
    size_t pos0 = ib.pos;
    last = ZSTD_decompressStream(ds, &ob, &ib);
    used += ob.pos;
    if (ZSTD_isError(last)) {
      std::string msg = ZSTD_getErrorName(last);
      ZSTD_freeDStream(ds);
      throw ImportError(name, ib.pos, fmt::format("corrupt zstd data: {}", msg));
    }
    if (ib.pos >= ib.size && ob.pos == 0 && pos0 == ib.pos && last != 0) {
      if (cut) {
        *cut = Truncation{true, ib.pos, "zstd"};
        break;
      }
      ZSTD_freeDStream(ds);
      throw ImportError(name, ib.pos, "truncated zstd data (unexpected end of compressed input)");
    }
    if (progress && ib.pos - reported >= kStep) progress->done += ib.pos - reported, reported = ib.pos;
  }
  ZSTD_freeDStream(ds);
  if (progress) progress->done += in.size() - reported;
  out.resize(used);
  return out;
}

}  // namespace

std::string decompress_head(std::string_view in, size_t max_out) {
  std::string out(max_out, '\0');
  size_t got = 0;
  if (detect_compression(in) == Compression::Gzip) {
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 32) != Z_OK) return {};
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(max_out);
    inflate(&zs, Z_SYNC_FLUSH);
    got = max_out - zs.avail_out;
    inflateEnd(&zs);
  } else if (detect_compression(in) == Compression::Zstd) {
    ZSTD_DStream* ds = ZSTD_createDStream();
    ZSTD_initDStream(ds);
    ZSTD_inBuffer ib{in.data(), in.size(), 0};
    ZSTD_outBuffer ob{out.data(), max_out, 0};
    while (ib.pos < ib.size && ob.pos < ob.size) {
      size_t pos0 = ib.pos, out0 = ob.pos;
      if (ZSTD_isError(ZSTD_decompressStream(ds, &ob, &ib))) break;
      if (ib.pos == pos0 && ob.pos == out0) break;
    }
    got = ob.pos;
    ZSTD_freeDStream(ds);
  }
  out.resize(got);
  return out;
}

InputBuffer decode_input(std::string_view bytes, const std::string& name, LoadProgress* progress,
                         Truncation* truncated) {
  switch (detect_compression(bytes)) {
    case Compression::Gzip:
      return gunzip(bytes, name, progress, truncated);
    case Compression::Zstd:
      return unzstd(bytes, name, progress, truncated);
    case Compression::None:
      break;
  }
  InputBuffer out(bytes.size());
  std::memcpy(out.data(), bytes.data(), bytes.size());
  out.resize(bytes.size());
  if (progress) progress->done += bytes.size();
  return out;
}

InputBuffer read_input_file(const std::filesystem::path& path, LoadProgress& progress,
                            Truncation* truncated) {
  const std::string name = path.string();
  int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw ImportError(name, 0, "cannot open file");
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) throw ImportError(name, 0, "cannot read file size: " + ec.message());
  progress.total += size;
  InputBuffer raw = InputBuffer::map_file(fd, size);
  if (!raw.data()) {  // not mappable (pipe, special file): read it
    raw.reserve(size);
    size_t done = 0;
    while (done < size) {
      ssize_t n =
          ::pread(fd, raw.data() + done, std::min<size_t>(size - done, 16 * kStep), static_cast<off_t>(done));
      if (n <= 0) throw ImportError(name, done, "read error");
      done += static_cast<size_t>(n);
    }
    raw.resize(size);
  }
  if (detect_compression(raw.view()) == Compression::None) {
    progress.done += size;
    return raw;
  }
  return decode_input(raw.view(), name, &progress, truncated);
}
}  // namespace hp
