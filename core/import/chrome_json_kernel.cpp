// Event-boundary scanner and On-Demand event walker. This file is compiled twice: as itself
// (namespace generic, baseline ISA) and from chrome_json_kernel_avx2.cpp (namespace avx2,
// -march=x86-64-v3). Keep simdjson use to On-Demand types of the compile-time implementation.
#include <simdjson.h>

#include "core/import/chrome_json_kernel.h"

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#ifndef HP_KERNEL_NS
#define HP_KERNEL_NS generic
#define HP_KERNEL_NAME "generic"
#endif

namespace hp::json::HP_KERNEL_NS {
namespace {

namespace od = simdjson::ondemand;

struct Masks {
  uint64_t quote = 0, bslash = 0, open = 0, close = 0;
};

// Bit k of each mask is set when p[k] is that character (64 bytes are read).
inline Masks classify(const char* p) {
  Masks m;
#if defined(__AVX2__)
  for (int k = 0; k < 2; ++k) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * k));
    auto eq = [&](char c) {
      return static_cast<uint64_t>(
          static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(c)))));
    };
    m.quote |= eq('"') << (32 * k);
    m.bslash |= eq('\\') << (32 * k);
    m.open |= (eq('{') | eq('[')) << (32 * k);
    m.close |= (eq('}') | eq(']')) << (32 * k);
  }
#elif defined(__SSE2__)
  for (int k = 0; k < 4; ++k) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    auto eq = [&](char c) {
      return static_cast<uint64_t>(
          static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)))));
    };
    m.quote |= eq('"') << (16 * k);
    m.bslash |= eq('\\') << (16 * k);
    m.open |= (eq('{') | eq('[')) << (16 * k);
    m.close |= (eq('}') | eq(']')) << (16 * k);
  }
#else
  for (int k = 0; k < 64; ++k) {
    uint64_t bit = uint64_t{1} << k;
    char c = p[k];
    if (c == '"') m.quote |= bit;
    if (c == '\\') m.bslash |= bit;
    if (c == '{' || c == '[') m.open |= bit;
    if (c == '}' || c == ']') m.close |= bit;
  }
#endif
  return m;
}

// Bit k = XOR of bits 0..k: 1 inside a string (from its opening quote to before its closing quote).
constexpr size_t kPrefetchAhead = 4096;  // one page: prefetches never fault, past the end included

inline uint64_t prefix_xor(uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

ScanResult scan(const char* buf, size_t n, size_t pos, size_t chunk_bytes, ScanState from) {
  ScanResult r;
  int64_t depth = from.depth;
  bool in_string = from.in_string, escaped = from.escaped;
  size_t chunk_start = pos;
  for (size_t i = pos; i < n; i += 64) {
    // The input is touched here first: without a prefetch a page ahead, every new page of it stalls
    // (the hardware prefetcher stops at page boundaries), and the scan ran 3x slower.
    __builtin_prefetch(buf + i + kPrefetchAhead);
    Masks m = classify(buf + i);
    uint64_t valid = n - i >= 64 ? ~uint64_t{0} : (uint64_t{1} << (n - i)) - 1;
    uint64_t structural = 0;
    if ((m.bslash & valid) == 0 && !escaped) {
      uint64_t q = m.quote & valid;
      uint64_t inside = prefix_xor(q);
      if (in_string) inside = ~inside;
      structural = (m.open | m.close) & valid & ~inside;
      in_string = in_string != (__builtin_popcountll(q) & 1);
    } else {
      // Slow path for blocks with backslashes: byte by byte.
      uint64_t specials = (m.quote | m.bslash | m.open | m.close) & valid;
      if (escaped) specials |= 1;  // position 0 must be looked at to consume the escape
      while (specials) {
        int k = __builtin_ctzll(specials);
        specials &= specials - 1;
        char c = buf[i + k];
        if (escaped) {
          escaped = false;
          continue;
        }
        if (in_string) {
          if (c == '\\') {
            escaped = true;
            if (k == 63) break;
            specials |= (uint64_t{1} << (k + 1)) & valid;  // the escaped byte, if inside the scan
          } else if (c == '"') {
            in_string = false;
          }
        } else if (c == '"') {
          in_string = true;
        } else if (c != '\\') {
          structural |= uint64_t{1} << k;
        }
      }
    }
    while (structural) {
      int k = __builtin_ctzll(structural);
      structural &= structural - 1;
      char c = buf[i + k];
      if (c == '{' || c == '[') {
        ++depth;
        continue;
      }
      if (--depth <= 0) {
        r.end = i + k + 1;
        r.complete = true;
        return r;
      }
      if (depth == 1) {
        r.last_elem_end = i + k + 1;
        if (chunk_bytes && r.last_elem_end - chunk_start >= chunk_bytes) {
          r.cuts.push_back(r.last_elem_end);
          chunk_start = r.last_elem_end;
        }
      }
    }
  }
  r.end = n;
  r.state = {depth, in_string, escaped};
  return r;
}

// Quoted or bare token; a value that is not a scalar yields its raw start (rarely useful).
inline std::string_view token(od::value& v) {
  std::string_view t;
  t = v.raw_json_token();
  while (!t.empty() && (t.back() == ' ' || t.back() == '\n' || t.back() == '\r' || t.back() == '\t'))
    t.remove_suffix(1);
  return t;
}

inline simdjson::error_code read_args(od::value& v, RawEvent& e) {
  od::object args;
  if (auto err = v.get_object().get(args)) return err == simdjson::INCORRECT_TYPE ? simdjson::SUCCESS : err;
  std::string_view raw;
  if (auto err = args.raw_json().get(raw)) return err;
  e.args = raw;
  if (auto err = args.reset().error()) return err;
  for (auto field : args) {
    od::raw_json_string key;
    if (auto err = field.key().get(key)) return err;
    const char* k = key.raw();
    od::value val = field.value();
    switch (k[0]) {
      case 'c':
        if (key.unsafe_is_equal("correlation")) e.correlation = token(val);
        break;
      case 'E':
        if (key.unsafe_is_equal("External id")) e.external_id = token(val);
        break;
      case 'e':
        if (key.unsafe_is_equal("external id")) e.external_id = token(val);
        if (key.unsafe_is_equal("est. achieved occupancy %")) e.occupancy = token(val);
        break;
      case 'd':
        if (key.unsafe_is_equal("device")) e.device = token(val);
        break;
      case 's':
        if (key.unsafe_is_equal("stream")) e.stream = token(val);
        if (key.unsafe_is_equal("shared memory")) e.shared_memory = token(val);
        break;
      case 'r':
        if (key.unsafe_is_equal("registers per thread")) e.registers = token(val);
        break;
      case 'b':
        if (key.unsafe_is_equal("bytes")) {
          e.bytes = token(val);
          break;
        }
        [[fallthrough]];
      case 'g': {
        bool grid = key.unsafe_is_equal("grid");
        if (!grid && !key.unsafe_is_equal("block")) break;
        od::array arr;
        if (val.get_array().get(arr)) break;
        size_t idx = 0;
        for (auto x : arr) {
          od::value xv;
          if (auto err = x.get(xv)) return err;
          if (idx < 3) (grid ? e.grid : e.block)[idx] = token(xv);
          ++idx;
        }
        break;
      }
      case 'P':
        if (key.unsafe_is_equal("Python id")) e.python_id = token(val);
        if (key.unsafe_is_equal("Python parent id")) e.python_parent_id = token(val);
        break;
      default:
        break;
    }
  }
  return simdjson::SUCCESS;
}

inline simdjson::error_code string_or_token(od::value& v, std::string_view& out, bool* not_string = nullptr) {
  auto err = v.get_string().get(out);
  if (err == simdjson::INCORRECT_TYPE) {
    out = token(v);
    if (not_string) *not_string = true;
    return simdjson::SUCCESS;
  }
  return err;
}

enum KeyBit : uint32_t {
  kPh = 1,
  kName = 2,
  kCat = 4,
  kTs = 8,
  kDur = 16,
  kPid = 32,
  kTid = 64,
  kId = 128,
  kBp = 256,
  kScope = 512,
  kArgs = 1024
};

inline simdjson::error_code read_event(od::object& obj, RawEvent& e) {
  uint32_t seen = 0;
  auto mark = [&](uint32_t bit) {
    if (seen & bit) ++e.duplicate_keys;
    seen |= bit;
  };
  for (auto field : obj) {
    od::raw_json_string key;
    if (auto err = field.key().get(key)) return err;
    const char* k = key.raw();
    od::value v = field.value();
    simdjson::error_code err = simdjson::SUCCESS;
    switch (k[0]) {
      case 'p':
        if (key.unsafe_is_equal("ph")) {
          mark(kPh);
          err = string_or_token(v, e.ph);
        } else if (key.unsafe_is_equal("pid")) {
          mark(kPid);
          e.pid = token(v);
        }
        break;
      case 'n':
        if (key.unsafe_is_equal("name")) mark(kName), err = string_or_token(v, e.name, &e.name_not_string);
        break;
      case 'c':
        if (key.unsafe_is_equal("cat")) mark(kCat), err = string_or_token(v, e.cat);
        break;
      case 't':
        if (key.unsafe_is_equal("ts")) {
          mark(kTs);
          e.ts = token(v);
        } else if (key.unsafe_is_equal("tid")) {
          mark(kTid);
          e.tid = token(v);
        }
        break;
      case 'd':
        if (key.unsafe_is_equal("dur")) mark(kDur), e.dur = token(v);
        break;
      case 'a':
        if (key.unsafe_is_equal("args")) mark(kArgs), err = read_args(v, e);
        break;
      case 'i':
        if (key.unsafe_is_equal("id")) mark(kId), e.id = token(v);
        break;
      case 'b':
        if (key.unsafe_is_equal("bp")) mark(kBp), err = string_or_token(v, e.bp);
        break;
      case 's':
        if (key.unsafe_is_equal("s")) mark(kScope), err = string_or_token(v, e.scope);
        break;
      default:
        break;
    }
    if (err) return err;
  }
  return simdjson::SUCCESS;
}

struct OdParser final : EventParser {
  od::parser parser;
};

std::unique_ptr<EventParser> new_parser() {
  return std::make_unique<OdParser>();
}

// Candidate positions are where 'h', 'f' and '_' follow each other; checked a block at a time.
size_t find_hf(const char* p, size_t n) {
  size_t i = 0;
#if defined(__AVX2__)
  const __m256i h = _mm256_set1_epi8('h'), f = _mm256_set1_epi8('f'), u = _mm256_set1_epi8('_');
  for (; i + 34 <= n; i += 32) {
    __builtin_prefetch(p + i + kPrefetchAhead);
    __m256i a = _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i)), h);
    __m256i b = _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 1)), f);
    __m256i c = _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 2)), u);
    auto hits = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_and_si256(_mm256_and_si256(a, b), c)));
    if (hits) return i + static_cast<size_t>(__builtin_ctz(hits));
  }
#elif defined(__SSE2__)
  const __m128i h = _mm_set1_epi8('h'), f = _mm_set1_epi8('f'), u = _mm_set1_epi8('_');
  for (; i + 18 <= n; i += 16) {
    __m128i a = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)), h);
    __m128i b = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 1)), f);
    __m128i c = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 2)), u);
    auto hits = static_cast<uint32_t>(_mm_movemask_epi8(_mm_and_si128(_mm_and_si128(a, b), c)));
    if (hits) return i + static_cast<size_t>(__builtin_ctz(hits));
  }
#endif
  for (; i + 3 <= n; ++i)
    if (p[i] == 'h' && p[i + 1] == 'f' && p[i + 2] == '_') return i;
  return n;
}

ChunkOutcome parse_events(EventParser* slot, const char* doc, size_t len, uint64_t base, EventSink& sink) {
  static thread_local od::parser local;
  od::parser& parser = slot ? static_cast<OdParser*>(slot)->parser : local;
  ChunkOutcome out;
  auto fail = [&](simdjson::error_code err) {
    out.error = static_cast<int>(err);
    out.message = simdjson::error_message(err);
    return out;
  };
  od::document d;
  if (auto err = parser.iterate(doc, len, len + simdjson::SIMDJSON_PADDING).get(d)) return fail(err);
  od::array arr;
  if (auto err = d.get_array().get(arr)) return fail(err);
  for (auto el : arr) {
    const char* at = nullptr;
    if (d.current_location().get(at)) at = doc;
    uint64_t offset = base + static_cast<uint64_t>(at - doc);
    od::value v;
    if (auto err = el.get(v)) return fail(err);
    od::object obj;
    auto err = v.get_object().get(obj);
    if (err == simdjson::INCORRECT_TYPE) {
      sink.on_non_object(offset);
      ++out.events_done;
      continue;
    }
    if (err) return fail(err);
    RawEvent& e = sink.next_event();
    e.offset = offset;
    if (auto err2 = read_event(obj, e)) {
      sink.drop_event();
      return fail(err2);
    }
    sink.on_event(e);
    ++out.events_done;
  }
  return out;
}

}  // namespace

const Kernel kKernel{HP_KERNEL_NAME, &scan, &parse_events, &new_parser, &find_hf};

}  // namespace hp::json::HP_KERNEL_NS
