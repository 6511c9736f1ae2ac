// Chrome/Kineto JSON importer: top-level structure, metadata, per-event semantics and recovery.
// Timestamps: `ts`/`dur` are always microseconds, whatever displayTimeUnit says. Kineto writes
// "ms" (or "ns" with DISPLAY_TRACE_IN_NS) but still µs values, and Perfetto ignores the key too.
// Checked on hta_v100_ns_resolution (displayTimeUnit "ns", ts like 1712195495519689.047): reading
// ts as µs gives a span of 590344.25 µs, exactly PROVENANCE's figure; as ns it would be 0.59 ms for
// a training step, and the 3 decimals would be sub-ns. So ts/dur -> ns is always x1000, exactly.
#include "core/import/chrome_json.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>
#include <mutex>
#include <unordered_map>

#include "core/import/chrome_json_kernel.h"
#include "core/import/trace_dir.h"
#include "core/util/input_file.h"
#include "core/util/pipeline.h"
#include "core/util/redact.h"
#include "core/util/utf8.h"

namespace hp {

namespace json {
const Kernel& best_kernel() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
                           __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("pclmul");
  if (avx2) return avx2::kKernel;
#endif
  return generic::kKernel;
}
}  // namespace json

namespace {

std::string_view unquote(std::string_view t, bool* quoted) {
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') {
    if (quoted) *quoted = true;
    return t.substr(1, t.size() - 2);
  }
  if (quoted) *quoted = false;
  return t;
}

bool is_ws(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// A string (or too large) pid/tid/id becomes a positive hash far from real OS ids.
int64_t text_id(std::string_view s) {
  return static_cast<int64_t>((fnv1a(s) & 0x3FFFFFFFFFFFFFFFULL) | 0x4000000000000000ULL);
}

int64_t thread_cpu_ns() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

constexpr int64_t kPow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

// The common case, in one pass: [-]digits[.digits] with at most `scale` decimals and at most 19
// digits once scaled (< 2^64, so nothing wraps). Epoch-µs ts with 3 decimals take it. False: use
// the general parser.
[[gnu::always_inline]] inline bool parse_plain_decimal(std::string_view tok, int scale, int64_t& out) {
  const char* p = tok.data();
  const char* end = p + tok.size();
  if (p == end || scale < 0 || scale > 9) return false;
  const bool neg = *p == '-';
  p += neg;
  const char* q = p;
  uint64_t v = 0;
  while (q < end && static_cast<unsigned>(*q - '0') <= 9) v = v * 10 + static_cast<unsigned>(*q++ - '0');
  const ptrdiff_t whole = q - p;
  ptrdiff_t frac = 0;
  if (q < end && *q == '.') {
    const char* f = ++q;
    while (q < end && static_cast<unsigned>(*q - '0') <= 9) v = v * 10 + static_cast<unsigned>(*q++ - '0');
    if ((frac = q - f) == 0) return false;
  }
  if (q != end || whole == 0 || frac > scale || whole + scale > 19) return false;
  v *= static_cast<uint64_t>(kPow10[scale - frac]);
  if (v > static_cast<uint64_t>(INT64_MAX)) return false;
  out = neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return true;
}

}  // namespace

NumStatus parse_scaled_int(std::string_view tok, int scale, int64_t& out, bool* quoted) {
  if (parse_plain_decimal(tok, scale, out)) {
    if (quoted) *quoted = false;
    return NumStatus::Ok;
  }
  std::string_view s = unquote(tok, quoted);
  while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
  out = 0;
  if (s.empty()) return NumStatus::Invalid;
  size_t i = 0;
  bool neg = false;
  if (s[i] == '-' || s[i] == '+') neg = s[i++] == '-';
  if (i < s.size() && (s[i] == 'N' || s[i] == 'n' || s[i] == 'I' || s[i] == 'i')) return NumStatus::NotFinite;
  __int128 mant = 0;
  int digits = 0, frac = 0, exp = 0;
  bool any = false, big = false;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, any = true) {
    if (digits < 36)
      mant = mant * 10 + (s[i] - '0'), digits += (mant != 0);
    else
      big = true;
  }
  if (big) return NumStatus::Overflow;
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, any = true) {
      if (digits < 36) mant = mant * 10 + (s[i] - '0'), digits += (mant != 0), ++frac;
    }
  }
  if (!any) return NumStatus::Invalid;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) eneg = s[i++] == '-';
    int e = 0;
    bool edig = false;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, edig = true)
      e = std::min(e * 10 + (s[i] - '0'), 10000);
    if (!edig) return NumStatus::Invalid;
    exp = eneg ? -e : e;
  }
  if (i != s.size()) return NumStatus::Invalid;
  int shift = exp - frac + scale;
  if (mant != 0 && shift > 0) {
    for (int k = 0; k < shift; ++k) {
      mant *= 10;
      if (mant > static_cast<__int128>(INT64_MAX)) return NumStatus::Overflow;
    }
  } else if (shift < 0) {
    __int128 div = 1;
    for (int k = 0; k < -shift && k < 38; ++k) div *= 10;
    if (-shift >= 38)
      mant = 0;
    else
      mant = (mant + div / 2) / div;  // half away from zero (magnitude)
  }
  if (mant > static_cast<__int128>(INT64_MAX)) return NumStatus::Overflow;
  out = static_cast<int64_t>(neg ? -mant : mant);
  return NumStatus::Ok;
}

namespace {

struct IdValue {
  int64_t value = 0;
  std::string_view text;  // non-empty when the id was a string (or beyond int64)
};

struct CatInfo {
  std::string text;
  StrId id = 0;
  SliceKind kind = SliceKind::Other;
  uint64_t count = 0;
};

bool on_gpu_track(SliceKind k) {
  return is_gpu_activity(k) || k == SliceKind::GpuAnnotation;
}

// A number token, parsed (status Invalid when absent or empty).
struct Num {
  int64_t value = 0;
  NumStatus status = NumStatus::Invalid;
  bool quoted = false;
};
// Inlined: a call returning Num through the stack stalls on store forwarding, for every absent field.
[[gnu::always_inline]] inline Num parse_num(std::string_view tok, int scale) {
  Num n;
  if (!tok.data() || tok.empty()) return n;
  if (parse_plain_decimal(tok, scale, n.value))
    n.status = NumStatus::Ok;
  else
    n.status = parse_scaled_int(tok, scale, n.value, &n.quoted);
  return n;
}

// What can be computed from an event alone: its numbers and its name's hash. Done where the event
// is parsed (on either thread), so that the building step, which must be serial, only appends.
// Fields are written in place, in arrays: building a Num on the stack and copying it out stalls on
// store forwarding, once per field of every event.
enum Field {
  kTs,
  kDur,
  kExt,
  kCorr,
  kDevice,
  kStream,
  kRegs,
  kSmem,
  kBytes,
  kPyId,
  kPyParent,
  kGrid,
  kBlock = kGrid + 3,
  kFields = kBlock + 3
};
struct Digest {
  explicit Digest(const json::RawEvent& e) : name_hash(e.name.data() ? StringPool::hash(e.name) : 0) {
    std::memset(status, static_cast<int>(NumStatus::Invalid), sizeof status);
    parse(kTs, e.ts, 3), parse(kDur, e.dur, 3);
    parse(kExt, e.external_id, 0), parse(kCorr, e.correlation, 0);
    if (e.device.data() || e.stream.data() || e.grid[0].data() || e.bytes.data() || e.registers.data()) {
      parse(kDevice, e.device, 0), parse(kStream, e.stream, 0), parse(kRegs, e.registers, 0);
      parse(kSmem, e.shared_memory, 0), parse(kBytes, e.bytes, 0);
      for (int k = 0; k < 3; ++k) parse(kGrid + k, e.grid[k], 0), parse(kBlock + k, e.block[k], 0);
    }
    if (e.python_id.data() || e.python_parent_id.data())
      parse(kPyId, e.python_id, 0), parse(kPyParent, e.python_parent_id, 0);
  }
  [[gnu::always_inline]] void parse(int f, std::string_view tok, int scale) {
    if (!tok.data() || tok.empty()) return;
    bool q = false;
    status[f] = static_cast<uint8_t>(parse_plain_decimal(tok, scale, value[f])
                                         ? NumStatus::Ok
                                         : parse_scaled_int(tok, scale, value[f], &q));
    quoted[f] = q;
  }
  // A value is read only where its status is Ok, so `value` is left unset (zeroing it cost a seventh
  // of the digest on traces of small events).
  Num operator[](int f) const {
    Num n;
    n.status = static_cast<NumStatus>(status[f]);
    n.quoted = quoted[f] != 0;
    if (n.status == NumStatus::Ok) n.value = value[f];
    return n;
  }
  uint64_t name_hash;
  int64_t value[kFields];
  uint8_t status[kFields];  // fields left absent read as Invalid
  uint8_t quoted[kFields] = {};
};

// An M event's effect, worked out where it is parsed: the redactions its args needed and the one
// value its name reads (text for process_name/labels and thread_name, a number for *_sort_index).
struct MetaDigest {
  std::vector<std::string> redactions;
  std::string text;
  int64_t number = 0;
  enum { kNone, kText, kNumber } has = kNone;
};
MetaDigest digest_metadata(const json::RawEvent& e, simdjson::dom::parser& dom);

class ChromeSink final : public json::EventSink {
 public:
  ChromeSink(RunBuilder& b, std::string path) : b_(b), path_(std::move(path)) {}

  void on_non_object(uint64_t offset) override {
    ++events_;
    ++ph_none_;
    ++cat_none_;
    warn("json.not_an_object", offset, "traceEvents entry is not an object; counted, not imported");
  }

  void on_event(const json::RawEvent& e) override { apply(e, Digest(e)); }
  // meta: digest_metadata() of an M event, when it was worked out already.
  void apply(const json::RawEvent& e, const Digest& d, const MetaDigest* meta = nullptr);
  void on_bad_event(uint64_t offset, const std::string& why) {
    ++events_;
    ++ph_other_["(invalid)"];
    ++cat_other_["(invalid)"];
    warn("json.bad_event", offset, "event could not be parsed (" + why + "); counted, not imported");
  }
  void finish(TraceSource& src);
  void warn(const char* code, uint64_t offset, std::string msg) {
    b_.log().warn(code, path_, offset, std::move(msg));
  }

 private:
  CatInfo* category(std::string_view cat);
  uint32_t track_for(std::string_view pid_tok, std::string_view tid_tok, TrackKind kind, uint64_t offset);
  IdValue id_of(std::string_view tok, const char* what, uint64_t offset);
  Ns time_of(std::string_view tok, const char* what, uint64_t offset) {
    return time_of(parse_num(tok, 3), tok, what, offset);
  }
  Ns time_of(const Num& n, std::string_view tok, const char* what, uint64_t offset);
  int64_t int_arg(const Num& n, std::string_view tok, int64_t fallback, uint64_t offset);
  StrId name_of(const json::RawEvent& e, const Digest& d) {
    return e.name.data() ? b_.intern(e.name, d.name_hash) : 0;
  }
  void metadata_event(const json::RawEvent& e, const MetaDigest& m);
  void counter_event(const json::RawEvent& e, Ns ts);
  void async_event(const json::RawEvent& e, char ph, const CatInfo* cat);

  RunBuilder& b_;
  std::string path_;
  uint64_t events_ = 0;
  uint64_t ph_counts_[256] = {};
  uint64_t ph_none_ = 0, cat_none_ = 0;
  std::map<std::string, uint64_t> ph_other_, cat_other_;
  std::vector<CatInfo> cats_;
  std::unordered_map<std::string, size_t> cat_index_;
  size_t last_cat_ = 0;
  struct TrackCache {
    std::string pid, tid;
    TrackKind kind;
    uint32_t track;
  };
  TrackCache cache_[4];
  size_t cache_next_ = 0, cache_used_ = 0;
  std::map<int64_t, bool> process_named_;
  simdjson::dom::parser dom_;
};

CatInfo* ChromeSink::category(std::string_view cat) {
  if (last_cat_ < cats_.size() && cats_[last_cat_].text == cat) return &cats_[last_cat_];
  auto it = cat_index_.find(std::string(cat));
  if (it == cat_index_.end()) {
    CatInfo c;
    c.text = std::string(cat);
    c.id = b_.intern(cat);
    c.kind = slice_kind_from_category(cat);
    cats_.push_back(std::move(c));
    it = cat_index_.emplace(std::string(cat), cats_.size() - 1).first;
  }
  last_cat_ = it->second;
  return &cats_[last_cat_];
}

IdValue ChromeSink::id_of(std::string_view tok, const char* what, uint64_t offset) {
  IdValue v;
  if (!tok.data() || tok.empty()) return v;
  bool quoted = false;
  NumStatus st = parse_scaled_int(tok, 0, v.value, &quoted);
  if (quoted && st == NumStatus::Ok) return v;  // "123": a number written as a string
  if (quoted || st != NumStatus::Ok) {
    v.text = unquote(tok, nullptr);
    v.value = text_id(v.text);
    // Kineto's "Record Window End" instant has "pid": "": name it, never show the hash.
    if (v.text.empty()) v.text = what[0] == 'p' ? "(empty pid)" : "(empty tid)";
    if (!quoted)
      warn(st == NumStatus::Overflow ? "json.int_overflow" : "json.bad_number", offset,
           fmt::format("{} '{}' is not an int64; kept as text", what, v.text.substr(0, 64)));
  }
  return v;
}

Ns ChromeSink::time_of(const Num& n, std::string_view tok, const char* what, uint64_t offset) {
  if (!tok.data()) return 0;
  const int64_t ns = n.value;
  const bool quoted = n.quoted;
  const NumStatus st = n.status;
  if (quoted && st == NumStatus::Ok)
    warn("json.string_number", offset, fmt::format("{} is a string ({}); parsed as a number", what, tok));
  switch (st) {
    case NumStatus::Ok:
      return ns;
    case NumStatus::Overflow:
      warn("json.int_overflow", offset,
           fmt::format("{} {} is out of range; set to 0", what, tok.substr(0, 64)));
      return 0;
    case NumStatus::NotFinite:
      warn("json.nan", offset, fmt::format("{} is {}; set to 0", what, tok.substr(0, 64)));
      return 0;
    case NumStatus::Invalid:
      warn("json.bad_number", offset,
           fmt::format("{} '{}' is not a number; set to 0", what, tok.substr(0, 64)));
      return 0;
  }
  return 0;
}

int64_t ChromeSink::int_arg(const Num& n, std::string_view tok, int64_t fallback, uint64_t offset) {
  if (!tok.data() || tok.empty()) return fallback;
  const NumStatus st = n.status;
  if (st == NumStatus::Ok) return n.value;
  if (st == NumStatus::Overflow) {
    uint64_t u = 0;
    std::string_view s = unquote(tok, nullptr);
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), u);
    if (ec == std::errc() && p == s.data() + s.size()) return static_cast<int64_t>(u);  // uint64 ids
    warn("json.int_overflow", offset, fmt::format("argument {} is beyond 64 bits", tok.substr(0, 64)));
  }
  return fallback;
}

uint32_t ChromeSink::track_for(std::string_view pid_tok, std::string_view tid_tok, TrackKind kind,
                               uint64_t offset) {
  for (size_t i = 0; i < cache_used_; ++i) {
    const TrackCache& c = cache_[i];
    if (c.kind == kind && c.pid == pid_tok && c.tid == tid_tok) return c.track;
  }
  IdValue pid = id_of(pid_tok, "pid", offset), tid = id_of(tid_tok, "tid", offset);
  uint32_t t = b_.track(pid.value, tid.value, kind);
  Track& tr = b_.track_at(t);
  if (!pid.text.empty() && !tr.pid_name) tr.pid_name = b_.intern(pid.text);
  if (!tid.text.empty() && !tr.tid_name) tr.tid_name = b_.intern(tid.text);
  TrackCache& c = cache_[cache_next_];
  c.pid.assign(pid_tok.data() ? pid_tok : std::string_view());
  c.tid.assign(tid_tok.data() ? tid_tok : std::string_view());
  c.kind = kind;
  c.track = t;
  cache_next_ = (cache_next_ + 1) % 4;
  cache_used_ = std::max(cache_used_, cache_next_ == 0 ? size_t{4} : cache_next_);
  return t;
}

void ChromeSink::apply(const json::RawEvent& e, const Digest& d, const MetaDigest* meta) {
  ++events_;
  if (!e.ph.data())
    ++ph_none_;
  else if (e.ph.size() == 1)
    ++ph_counts_[static_cast<uint8_t>(e.ph[0])];
  else
    ++ph_other_[std::string(e.ph)];
  CatInfo* cat = nullptr;
  if (!e.cat.data())
    ++cat_none_;
  else
    (cat = category(e.cat))->count++;
  if (e.duplicate_keys)
    warn("json.duplicate_key", e.offset,
         fmt::format("{} duplicate key(s) in one event; the last one wins", e.duplicate_keys));
  const char ph = e.ph.size() == 1 ? e.ph[0] : '\0';
  switch (ph) {
    case 'X':
    case 'B': {
      SliceIn s;
      s.start = time_of(d[kTs], e.ts, "ts", e.offset);
      s.name = name_of(e, d);
      s.cat = cat ? cat->id : 0;
      s.kind = cat ? cat->kind : SliceKind::Other;
      s.track = track_for(e.pid, e.tid, on_gpu_track(s.kind) ? TrackKind::GpuStream : TrackKind::CpuThread,
                          e.offset);
      s.external_id = int_arg(d[kExt], e.external_id, 0, e.offset);
      s.args = b_.add_args(e.args);
      s.offset = e.offset;
      if (ph == 'B') {
        b_.begin_slice(s);
        return;
      }
      s.dur = time_of(d[kDur], e.dur, "dur", e.offset);
      if (s.dur < 0) warn("json.negative_dur", e.offset, "negative dur; clamped to 0"), s.dur = 0;
      uint32_t idx = b_.add_slice(s);
      if (is_gpu_activity(s.kind)) {
        GpuIn g;
        g.correlation = int_arg(d[kCorr], e.correlation, 0, e.offset);
        IdValue pid = id_of(e.pid, "pid", e.offset), tid = id_of(e.tid, "tid", e.offset);
        g.device = static_cast<int32_t>(int_arg(d[kDevice], e.device, pid.value, e.offset));
        g.stream = int_arg(d[kStream], e.stream, tid.value, e.offset);
        for (int k = 0; k < 3; ++k) {
          g.launch.grid[k] = static_cast<uint32_t>(int_arg(d[kGrid + k], e.grid[k], 0, e.offset));
          g.launch.block[k] = static_cast<uint32_t>(int_arg(d[kBlock + k], e.block[k], 0, e.offset));
        }
        g.launch.registers_per_thread = static_cast<uint16_t>(int_arg(d[kRegs], e.registers, 0, e.offset));
        g.launch.shared_memory = static_cast<uint32_t>(int_arg(d[kSmem], e.shared_memory, 0, e.offset));
        g.launch.bytes = static_cast<uint64_t>(int_arg(d[kBytes], e.bytes, 0, e.offset));
        if (e.occupancy.data()) {
          double d = 0;
          auto [p, ec] = std::from_chars(e.occupancy.data(), e.occupancy.data() + e.occupancy.size(), d);
          if (ec == std::errc()) g.launch.occupancy_pct = static_cast<float>(d);
          if (ec == std::errc() && !std::isfinite(d)) warn("json.nan", e.offset, "occupancy is not finite");
        }
        b_.add_gpu(idx, g);
      } else if ((s.kind == SliceKind::Runtime || s.kind == SliceKind::Driver) && e.correlation.data()) {
        b_.add_api(idx, int_arg(d[kCorr], e.correlation, 0, e.offset));
      } else if (s.kind == SliceKind::PythonFunction) {
        b_.add_python(idx, int_arg(d[kPyId], e.python_id, -1, e.offset),
                      int_arg(d[kPyParent], e.python_parent_id, -1, e.offset));
      }
      return;
    }
    case 'E':
      b_.end_slice(track_for(e.pid, e.tid, TrackKind::CpuThread, e.offset),
                   time_of(d[kTs], e.ts, "ts", e.offset), e.offset);
      return;
    case 'i':
    case 'I': {
      InstantIn in;
      in.ts = time_of(d[kTs], e.ts, "ts", e.offset);
      in.track = track_for(e.pid, e.tid, TrackKind::CpuThread, e.offset);
      in.name = name_of(e, d);
      in.cat = cat ? cat->id : 0;
      in.scope = e.scope.size() == 1 ? e.scope[0] : 't';
      in.args = b_.add_args(e.args);
      b_.add_instant(in);
      return;
    }
    case 'C':
      counter_event(e, time_of(d[kTs], e.ts, "ts", e.offset));
      return;
    case 's':
    case 't':
    case 'f': {
      FlowEndIn f;
      if (!e.id.data()) {
        warn("flow.no_id", e.offset, "flow event without id; ignored");
        return;
      }
      bool quoted = false;
      int64_t v = 0;
      if (parse_scaled_int(e.id, 0, v, &quoted) == NumStatus::Ok) {
        f.id = static_cast<uint64_t>(v);
      } else {
        std::string_view s = unquote(e.id, nullptr);
        uint64_t u = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), u);
        f.id = (ec == std::errc() && p == s.data() + s.size()) ? u : fnv1a(s);
      }
      f.cat = cat ? cat->id : 0;
      f.phase = ph;
      f.bind_enclosing = e.bp == "e";
      f.ts = time_of(d[kTs], e.ts, "ts", e.offset);
      f.track = track_for(e.pid, e.tid, TrackKind::CpuThread, e.offset);
      f.offset = e.offset;
      b_.add_flow_end(f);
      return;
    }
    case 'M':
      metadata_event(e, meta ? *meta : digest_metadata(e, dom_));
      return;
    case 'b':
    case 'e':
    case 'n':
    case 'S':
    case 'T':
    case 'F':
      async_event(e, ph, cat);
      return;
    default:
      return;  // counted in by_ph; reported in finish()
  }
}

// Async events (b/e/n and the legacy S/T/F) as Perfetto shows them: one track per (pid, cat,
// id), named after its first event, where b/S open a slice, e/F close it, n/T are instants.
void ChromeSink::async_event(const json::RawEvent& e, char ph, const CatInfo* cat) {
  std::string key = fmt::format("async\x1f{}\x1f{}", e.cat.data() ? e.cat : "", e.id.data() ? e.id : e.name);
  IdValue pid = id_of(e.pid, "pid", e.offset);
  uint32_t t = b_.track(pid.value, text_id(key), TrackKind::CpuThread);
  Track& tr = b_.track_at(t);
  if (!pid.text.empty() && !tr.pid_name) tr.pid_name = b_.intern(pid.text);
  if (!tr.tid_name) tr.tid_name = b_.intern(fmt::format("async {}", e.name.data() ? e.name : "(unnamed)"));
  Ns ts = time_of(e.ts, "ts", e.offset);
  if (ph == 'e' || ph == 'F') {
    b_.end_slice(t, ts, e.offset);
    return;
  }
  if (ph == 'n' || ph == 'T') {
    InstantIn in;
    in.ts = ts;
    in.track = t;
    in.name = e.name.data() ? b_.intern(e.name) : 0;
    in.cat = cat ? cat->id : 0;
    in.args = b_.add_args(e.args);
    b_.add_instant(in);
    return;
  }
  SliceIn s;
  s.start = ts;
  s.name = e.name.data() ? b_.intern(e.name) : 0;
  s.cat = cat ? cat->id : 0;
  s.kind = SliceKind::Other;
  s.track = t;
  s.args = b_.add_args(e.args);
  s.offset = e.offset;
  b_.begin_slice(s);
}

void ChromeSink::counter_event(const json::RawEvent& e, Ns ts) {
  if (e.args.empty()) return;
  simdjson::padded_string text(e.args);
  simdjson::dom::object obj;
  if (dom_.parse(text).get(obj)) {
    warn("json.bad_counter", e.offset, "counter args are not an object of numbers");
    return;
  }
  IdValue pid = id_of(e.pid, "pid", e.offset);
  std::string base(e.name);
  for (auto [key, val] : obj) {
    double d;
    if (val.get_double().get(d)) {
      int64_t i;
      if (val.get_int64().get(i)) continue;
      d = static_cast<double>(i);
    }
    b_.add_counter(pid.value, base + "." + std::string(key), ts, d);
  }
}

namespace {

// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view t) {
  size_t i = 0;
  auto digits = [&] {
    const size_t from = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    return i - from;
  };
  if (i < t.size() && t[i] == '-') ++i;
  if (i < t.size() && t[i] == '0')
    ++i;
  else if (digits() == 0)
    return false;
  if (i < t.size() && t[i] == '.' && (++i, digits() == 0)) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == t.size();
}

// The args of almost every M event are one flat key and a plain value: {"name": "python3"},
// {"sort_index": 5}. Read those directly (they need no redaction: the key is not a credential's and
// the value has no escape, no KEY=value and no hf_ token); anything else returns false and goes
// through redaction and the DOM, which give the same result for these.
bool digest_plain_metadata(std::string_view a, std::string_view key, bool number, MetaDigest& m) {
  size_t p = 0;
  auto ws = [&] {
    while (p < a.size() && (a[p] == ' ' || a[p] == '\n' || a[p] == '\r' || a[p] == '\t')) ++p;
  };
  auto take = [&](char c) {
    ws();
    if (p >= a.size() || a[p] != c) return false;
    ++p;
    return true;
  };
  auto plain_string = [&](std::string_view* out) {
    if (!take('"')) return false;
    const size_t end = a.find('"', p);
    if (end == std::string_view::npos) return false;
    *out = a.substr(p, end - p);
    p = end + 1;
    for (char c : *out)
      if (c == '\\' || c == '=' || static_cast<unsigned char>(c) < 0x20 ||
          static_cast<unsigned char>(c) >= 0x80)
        return false;  // (non-ASCII: the DOM validates UTF-8)
    return true;
  };
  std::string_view k, text;
  if (!take('{') || !plain_string(&k) || k != key || !take(':')) return false;
  ws();
  if (!number) {
    if (!plain_string(&text) || contains_hf_token(text)) return false;
  } else {
    const size_t begin = p;
    while (p < a.size() && std::strchr("-0123456789.eE+", a[p]) && a[p] != '\0') ++p;
    text = a.substr(begin, p - begin);
    if (!is_json_number(text)) return false;
  }
  if (!take('}')) return false;
  ws();
  if (p != a.size()) return false;
  if (!number) {
    m.text = std::string(text);
  } else {
    const char* b = text.data();
    const char* e = b + text.size();
    auto [ip, ierr] = std::from_chars(b, e, m.number);
    if (ierr != std::errc() || ip != e) {
      double d;
      auto [dp, derr] = std::from_chars(b, e, d);
      if (derr != std::errc() || dp != e || !(std::fabs(d) < 9e18)) return false;
      m.number = static_cast<int64_t>(d);
    }
  }
  m.has = number ? MetaDigest::kNumber : MetaDigest::kText;
  return true;
}

}  // namespace

MetaDigest digest_metadata(const json::RawEvent& e, simdjson::dom::parser& dom) {
  MetaDigest m;
  if (e.args.empty()) return m;
  if (e.name == "process_name" || e.name == "thread_name") {
    if (digest_plain_metadata(e.args, "name", false, m)) return m;
  } else if (e.name == "process_labels") {
    if (digest_plain_metadata(e.args, "labels", false, m)) return m;
  } else if (e.name == "process_sort_index" || e.name == "thread_sort_index") {
    if (digest_plain_metadata(e.args, "sort_index", true, m)) return m;
  }
  m = MetaDigest{};
  std::string args = redact_json(e.args, &m.redactions);
  simdjson::padded_string text(args);
  simdjson::dom::object obj;
  if (dom.parse(text).get(obj)) return m;
  auto str = [&](const char* key) {
    std::string_view s;
    if (!obj[key].get_string().get(s)) m.text = std::string(s), m.has = MetaDigest::kText;
  };
  auto num = [&](const char* key) {
    double d;
    if (!obj[key].get_int64().get(m.number))
      m.has = MetaDigest::kNumber;
    else if (!obj[key].get_double().get(d))
      m.number = static_cast<int64_t>(d), m.has = MetaDigest::kNumber;
  };
  if (e.name == "process_name" || e.name == "thread_name")
    str("name");
  else if (e.name == "process_labels")
    str("labels");
  else if (e.name == "process_sort_index" || e.name == "thread_sort_index")
    num("sort_index");
  return m;
}

void ChromeSink::metadata_event(const json::RawEvent& e, const MetaDigest& m) {
  for (const auto& w : m.redactions) b_.note_redaction(path_, w);
  if (m.has == MetaDigest::kNone) return;
  IdValue pid = id_of(e.pid, "pid", e.offset);
  if (e.name == "process_name") {
    b_.set_process_name(pid.value, b_.intern(m.text)), process_named_[pid.value] = true;
  } else if (e.name == "process_labels") {
    if (!process_named_[pid.value]) b_.set_process_name(pid.value, b_.intern(m.text));
  } else if (e.name == "process_sort_index") {
    b_.set_process_sort(pid.value, m.number);
  } else if (e.name == "thread_name") {
    b_.track_at(track_for(e.pid, e.tid, TrackKind::CpuThread, e.offset)).thread_name = b_.intern(m.text);
  } else if (e.name == "thread_sort_index") {
    b_.track_at(track_for(e.pid, e.tid, TrackKind::CpuThread, e.offset)).thread_sort = m.number;
  }
}

void ChromeSink::finish(TraceSource& src) {
  src.events = events_;
  for (int c = 0; c < 256; ++c)
    if (ph_counts_[c]) src.by_ph[std::string(1, static_cast<char>(c))] += ph_counts_[c];
  for (const auto& [ph, n] : ph_other_) src.by_ph[ph] += n;
  if (ph_none_) src.by_ph["(none)"] += ph_none_;
  for (const auto& c : cats_) src.by_cat[c.text.empty() ? "(empty)" : c.text] += c.count;
  for (const auto& [cat, n] : cat_other_) src.by_cat[cat] += n;
  if (cat_none_) src.by_cat["(none)"] += cat_none_;
  static const std::string kSupported = "XBEiICstfMbenSTF";
  for (const auto& [ph, n] : src.by_ph) {
    if (ph.size() == 1 && kSupported.find(ph[0]) != std::string::npos) continue;
    if (ph == "(invalid)") continue;
    b_.log().warn("json.unsupported_phase", path_, LogEntry::kNoOffset,
                  fmt::format("{} events with ph '{}' are counted but not imported", n, ph));
  }
}

size_t skip_ws(std::string_view b, size_t p) {
  while (p < b.size() && is_ws(b[p])) ++p;
  return p;
}

// One past the closing quote of the string starting at b[p] == '"' (b.size() when unterminated).
size_t skip_string(std::string_view b, size_t p) {
  for (++p; p < b.size(); ++p) {
    if (b[p] == '\\')
      ++p;
    else if (b[p] == '"')
      return p + 1;
  }
  return b.size();
}

// First invalid UTF-8 byte at or after `from` (npos if none).
size_t invalid_utf8(std::string_view s, size_t from) {
  for (size_t i = from; i < s.size();) {
    const size_t len = decode_utf8(s, i).len;
    if (!len) return i;
    i += len;
  }
  return std::string_view::npos;
}

class JsonImport {
 public:
  JsonImport(std::string_view buf, const std::string& path, RunBuilder& b, LoadProgress* progress,
             const ChromeJsonOptions& opts)
      : buf_(buf),
        path_(path),
        b_(b),
        progress_(progress),
        opts_(opts),
        kernel_(opts.force_generic_kernel ? json::generic::kKernel : json::best_kernel()),
        sink_(b, path) {}

  void run();

 private:
  struct Value {
    std::string key;
    std::string_view text;
  };
  void parse_top_level();
  json::ScanResult scan_events(size_t open);
  size_t guess_element_start(size_t from) const;
  void apply_metadata(TraceSource& src);
  struct ChunkSlot;
  void parse_events();
  void chunk_copied(size_t i);
  void prepare_chunk(size_t begin, size_t end, ChunkSlot& slot);
  void apply_chunk(ChunkSlot& slot);
  void parse_one_by_one(std::vector<char>& doc, size_t len, size_t from, uint64_t base);
  // The whole pages inside buf_[begin, end): nothing reads them again (a page shared with the next
  // chunk is kept, so chunks parsed at once on two threads never release each other's bytes).
  void release(size_t begin, size_t end) const {
    const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    const uintptr_t a = (reinterpret_cast<uintptr_t>(buf_.data() + begin) + page - 1) & ~(page - 1);
    const uintptr_t b = reinterpret_cast<uintptr_t>(buf_.data() + end) & ~(page - 1);
    if (b > a) madvise(reinterpret_cast<void*>(a), b - a, MADV_DONTNEED);
  }
  void warn(const char* code, uint64_t offset, std::string msg) {
    b_.log().warn(code, path_, offset, std::move(msg));
  }

  std::string_view buf_;
  const std::string& path_;
  RunBuilder& b_;
  LoadProgress* progress_;
  ChromeJsonOptions opts_;
  const json::Kernel& kernel_;
  ChromeSink sink_;
  std::vector<Value> top_;
  size_t events_begin_ = 0, events_end_ = 0;  // byte range of traceEvents' contents
  std::vector<size_t> cuts_;
  std::vector<std::pair<size_t, size_t>> chunks_;  // traceEvents' byte ranges, parsed one per step
  std::mutex release_mu_;                          // guards the next three
  std::vector<uint8_t> copied_;                    // per chunk: its bytes are in a slot
  size_t release_next_ = 0, release_from_ = 0;     // first chunk not given back, and its begin
  bool have_events_ = false;
  std::atomic<uint64_t> counted_ = 0;  // progress already reported for this buffer
};

void JsonImport::parse_top_level() {
  size_t p = skip_ws(buf_, buf_.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0);
  if (p >= buf_.size() || (buf_[p] != '{' && buf_[p] != '['))
    throw ImportError(path_, p, "not a JSON trace (expected '{' or '[')");
  auto events_at = [&](size_t open) {
    json::ScanResult r = scan_events(open);
    have_events_ = true;
    events_begin_ = open + 1;
    cuts_ = std::move(r.cuts);
    if (r.complete) {
      events_end_ = r.end - 1;
      return r.end;
    }
    events_end_ = std::max(r.last_elem_end, events_begin_);
    while (!cuts_.empty() && cuts_.back() > events_end_) cuts_.pop_back();
    size_t rest = skip_ws(buf_, events_end_);
    if (rest < buf_.size() && buf_[rest] == ',') rest = skip_ws(buf_, rest + 1);
    if (rest < buf_.size())
      warn("json.truncated", rest,
           "the last traceEvents entry is incomplete (truncated file); kept every entry before it");
    else
      warn("json.truncated", buf_.size(),
           "traceEvents has no closing ']' (truncated file); kept every entry");
    return buf_.size();
  };
  if (buf_[p] == '[') {
    events_at(p);
    return;
  }
  p = skip_ws(buf_, p + 1);
  while (p < buf_.size() && buf_[p] != '}') {
    if (buf_[p] != '"')
      throw ImportError(path_, p, "not a JSON trace (expected a key in the top-level object)");
    size_t kend = skip_string(buf_, p);
    std::string key(buf_.substr(p + 1, kend - p - 2));
    p = skip_ws(buf_, kend);
    if (p >= buf_.size() || buf_[p] != ':') break;
    p = skip_ws(buf_, p + 1);
    if (p >= buf_.size()) break;
    size_t vbeg = p, vend;
    char c = buf_[p];
    if (key == "traceEvents" && c == '[') {
      vend = events_at(p);
      if (vend >= buf_.size()) return;
    } else if (c == '{' || c == '[') {
      json::ScanResult r = kernel_.scan(buf_.data(), buf_.size(), p, 0, {});
      vend = r.end;
      if (!r.complete) {
        warn("json.truncated", p, fmt::format("top-level value '{}' is truncated; ignored", key));
        return;
      }
      top_.push_back({key, buf_.substr(vbeg, vend - vbeg)});
    } else if (c == '"') {
      vend = skip_string(buf_, p);
      top_.push_back({key, buf_.substr(vbeg, vend - vbeg)});
    } else {
      vend = p;
      while (vend < buf_.size() && buf_[vend] != ',' && buf_[vend] != '}' && !is_ws(buf_[vend])) ++vend;
      top_.push_back({key, buf_.substr(vbeg, vend - vbeg)});
    }
    p = skip_ws(buf_, vend);
    if (p < buf_.size() && buf_[p] == ',') p = skip_ws(buf_, p + 1);
  }
  if (p >= buf_.size() && have_events_)
    warn("json.truncated", buf_.size(), "top-level object has no closing '}'");
}

// A '{' that follows ",<newline>" (spaces aside) most likely opens a traceEvents element: a raw
// newline cannot be inside a valid string, and writers put one between events. 0 when none is near.
size_t JsonImport::guess_element_start(size_t from) const {
  const size_t limit = std::min(buf_.size(), from + (1 << 20));
  for (size_t q = from; q < limit; ++q) {
    q = buf_.find('\n', q);
    if (q == std::string_view::npos || q >= limit) return 0;
    size_t b = q;
    while (b > from && is_ws(buf_[b - 1])) --b;
    size_t f = skip_ws(buf_, q);
    if (b > from && buf_[b - 1] == ',' && f < limit && buf_[f] == '{') return f;
  }
  return 0;
}

// Scans traceEvents from its '[' at `open`. A long array is scanned as two halves at once: the
// second half starts at a guessed element boundary, in the state "depth 1, outside strings", and
// its result is kept only when the first half ends in exactly that state; otherwise it is rescanned
// from the true state. Either way the result equals one serial pass.
json::ScanResult JsonImport::scan_events(size_t open) {
  const size_t chunk = std::max<size_t>(opts_.chunk_bytes, 1), n = buf_.size();
  const size_t split = opts_.parallel_scan_bytes && n - open > opts_.parallel_scan_bytes
                           ? guess_element_start(open + (n - open) / 2)
                           : 0;
  if (split == 0) return kernel_.scan(buf_.data(), n, open, chunk, {});
  const json::ScanState guess{1, false, false};
  json::ScanResult head, tail;
  run_both([&] { tail = kernel_.scan(buf_.data(), n, split, chunk, guess); },
           [&] { head = kernel_.scan(buf_.data(), split, open, chunk, {}); });
  if (head.complete) return head;
  if (!(head.state == guess)) tail = kernel_.scan(buf_.data(), n, split, chunk, head.state);
  head.cuts.insert(head.cuts.end(), tail.cuts.begin(), tail.cuts.end());
  head.end = tail.end;
  head.complete = tail.complete;
  head.state = tail.state;
  if (tail.last_elem_end) head.last_elem_end = tail.last_elem_end;
  return head;
}

void JsonImport::apply_metadata(TraceSource& src) {
  simdjson::dom::parser parser;
  std::string meta = "{";
  for (const Value& v : top_) {
    std::string_view t = v.text;
    if (v.key == "displayTimeUnit") {
      src.display_time_unit = std::string(unquote(t, nullptr));
    } else if (v.key == "baseTimeNanoseconds") {
      int64_t ns = 0;
      if (parse_scaled_int(t, 0, ns) == NumStatus::Ok) src.base_time_ns = ns;
    } else if (v.key == "schemaVersion") {
      int64_t sv = 0;
      if (parse_scaled_int(t, 0, sv) == NumStatus::Ok) src.schema_version = sv;
    } else if (v.key == "deviceProperties" || v.key == "distributedInfo") {
      std::vector<std::string> what;
      std::string red = redact_json(t, &what);
      for (const auto& w : what) b_.note_redaction(path_, w);
      if (v.key == "deviceProperties") {
        src.device_properties_json = red;
        continue;
      }
      src.distributed_info_json = red;
      simdjson::padded_string text(red);
      simdjson::dom::object obj;
      if (parser.parse(text).get(obj)) continue;
      int64_t rank, ws;
      if (!obj["rank"].get_int64().get(rank) && !trace_file_info(path_).rank && rank >= 0)
        src.rank = static_cast<uint32_t>(rank);
      if (!obj["world_size"].get_int64().get(ws)) src.world_size = static_cast<int32_t>(ws);
    } else {
      if (meta.size() > 1) meta += ",";
      meta += fmt::format("\"{}\":{}", v.key, t);
    }
  }
  meta += "}";
  std::vector<std::string> what;
  src.metadata_json = redact_json(meta, &what);
  for (const auto& w : what) b_.note_redaction(path_, w);
}

// Records what the parser delivers, in order, for the building thread to replay.
class RecordingSink final : public json::EventSink {
 public:
  json::RawEvent& next_event() override { return events_.emplace_back(); }
  void drop_event() override { events_.pop_back(); }
  void on_event(const json::RawEvent& e) override {
    digests_.emplace_back(e);
    if (e.ph.size() == 1 && e.ph[0] == 'M') metas_.emplace_back(events_.size() - 1, digest_metadata(e, dom_));
  }
  void on_non_object(uint64_t offset) override { non_objects_.push_back({events_.size(), offset}); }
  void replay(ChromeSink& to) const {
    size_t k = 0, m = 0;
    for (size_t i = 0; i <= events_.size(); ++i) {
      for (; k < non_objects_.size() && non_objects_[k].first == i; ++k)
        to.on_non_object(non_objects_[k].second);
      if (i >= events_.size()) break;
      const MetaDigest* meta = nullptr;
      if (m < metas_.size() && metas_[m].first == i) meta = &metas_[m++].second;
      to.apply(events_[i], digests_[i], meta);
    }
  }
  void clear() {
    events_.clear();
    digests_.clear();
    metas_.clear();
    non_objects_.clear();
  }

 private:
  std::vector<json::RawEvent> events_;
  std::vector<Digest> digests_;
  std::vector<std::pair<size_t, MetaDigest>> metas_;  // (event index, its digest) of M events
  simdjson::dom::parser dom_;
  std::vector<std::pair<size_t, uint64_t>> non_objects_;  // (events before it, byte offset)
};

// One chunk of traceEvents, parsed on the producer thread; the views in `rec` point into `doc`
// and into `parser`, so the slot is reused only after the building thread replayed it.
struct JsonImport::ChunkSlot {
  std::vector<char> doc;
  size_t len = 0;
  uint64_t base = 0;
  size_t hf_redactions = 0;
  size_t trailing_comma = 0;  // byte offset of a comma dropped before traceEvents' ']' (0: none)
  std::unique_ptr<json::EventParser> parser;
  RecordingSink rec;
  json::ChunkOutcome out;
};

void JsonImport::parse_events() {
  std::vector<std::pair<size_t, size_t>>& chunks = chunks_;
  size_t begin = events_begin_;
  for (size_t cut : cuts_) chunks.push_back({begin, cut}), begin = cut;
  chunks.push_back({begin, events_end_});
  // Two chunks may be parsed while a third is built and a fourth waits for it.
  std::vector<ChunkSlot> slots(chunks.size() > 1 ? 4 : 1);
  for (auto& s : slots) s.parser = kernel_.new_parser();
  copied_.assign(chunks.size(), 0);
  release_next_ = 0, release_from_ = events_begin_;
  std::atomic<int64_t> parse_ns = 0, build_ns = 0;  // CPU time of each step, on whichever thread
  run_pipelined(
      chunks.size(), slots,
      [&](size_t i, ChunkSlot& s) {
        int64_t t0 = thread_cpu_ns();
        prepare_chunk(chunks[i].first, chunks[i].second, s);
        if (opts_.release_input) chunk_copied(i);
        parse_ns += thread_cpu_ns() - t0;
      },
      [&](size_t, ChunkSlot& s) {
        int64_t t0 = thread_cpu_ns();
        apply_chunk(s);
        build_ns += thread_cpu_ns() - t0;
      });
  if (progress_) {
    progress_->phases.push_back({"events.parse", 0, static_cast<double>(parse_ns) / 1e9});
    progress_->phases.push_back({"events.build", 0, static_cast<double>(build_ns) / 1e9});
  }
}

// Chunk i's bytes are copied (its views point into its slot, not the input): give back the input's
// pages of every chunk copied so far, a batch at a time. Each madvise flushes both cores' TLBs; one
// per 512 KB chunk cost a sixth of the parse (event_sync tile: events.parse 0.38 s of CPU, 0.31 s
// with none). A batch holds only chunks that are copied, whichever thread copied them.
void JsonImport::chunk_copied(size_t i) {
  std::lock_guard<std::mutex> lock(release_mu_);
  copied_[i] = 1;
  size_t end = release_from_;
  while (release_next_ < copied_.size() && copied_[release_next_]) end = chunks_[release_next_++].second;
  if (end - release_from_ >= opts_.release_batch_bytes ||
      (release_next_ == copied_.size() && end > release_from_)) {
    release(release_from_, end);
    release_from_ = end;
  }
}

// Producer side: copy the chunk into a padded "[...]" document, redact hf_ tokens, parse.
void JsonImport::prepare_chunk(size_t begin, size_t end, ChunkSlot& s) {
  s.len = 0;
  s.hf_redactions = 0;
  s.trailing_comma = 0;
  s.rec.clear();
  s.out = {};
  if (progress_) progress_->done += end - begin, counted_ += end - begin;  // read after the join
  size_t p = skip_ws(buf_, begin);
  if (p < end && buf_[p] == ',') p = skip_ws(buf_, p + 1);
  size_t q = end;  // a trailing comma before traceEvents' ']' (Chrome and Perfetto accept it)
  while (q > p && is_ws(buf_[q - 1])) --q;
  if (q > p && buf_[q - 1] == ',' && end == events_end_) {
    s.trailing_comma = q - 1;
    end = q - 1;
  }
  if (p >= end) return;
  std::string_view text = buf_.substr(p, end - p);
  s.base = p - 1;  // doc[0] is the '[' we add
  std::string redacted;
  if (kernel_.find_hf(text.data(), text.size()) < text.size() && contains_hf_token(text)) {
    redacted = std::string(text);
    s.hf_redactions = redact_hf_tokens(redacted);
    text = redacted;
  }
  s.len = text.size() + 2;
  if (s.doc.size() < s.len + simdjson::SIMDJSON_PADDING)
    s.doc.resize(s.len + simdjson::SIMDJSON_PADDING + s.len / 8);
  s.doc[0] = '[';
  std::memcpy(s.doc.data() + 1, text.data(), text.size());
  s.doc[s.len - 1] = ']';
  std::memset(s.doc.data() + s.len, 0, simdjson::SIMDJSON_PADDING);
  s.out = kernel_.parse_events(s.parser.get(), s.doc.data(), s.len, s.base, s.rec);
}

// Building side: replay the parsed events into the sink, then recover what failed to parse.
void JsonImport::apply_chunk(ChunkSlot& s) {
  for (size_t i = 0; i < s.hf_redactions; ++i) b_.note_redaction(path_, "hf_token");
  if (s.trailing_comma)
    warn("json.trailing_comma", s.trailing_comma, "trailing comma before traceEvents' ']'; ignored");
  if (s.len == 0) return;
  s.rec.replay(sink_);
  if (s.out.error != 0) parse_one_by_one(s.doc, s.len, s.out.events_done, s.base);
}

// Slow path after a chunk failed: each remaining entry becomes its own document; entries that
// still fail are repaired (invalid UTF-8 -> '?', control characters -> ' ') and retried.
void JsonImport::parse_one_by_one(std::vector<char>& doc, size_t len, size_t skip, uint64_t base) {
  std::string_view d(doc.data(), len);
  json::ScanResult r = kernel_.scan(doc.data(), len, 0, 1, {});
  std::vector<size_t> ends = r.cuts;
  size_t last = r.complete ? r.end - 1 : len - 1;
  if (ends.empty() || ends.back() < last) ends.push_back(last);
  size_t begin = 1, index = 0;
  std::vector<char> one;
  for (size_t e : ends) {
    size_t p = skip_ws(d, begin);
    if (p < e && d[p] == ',') p = skip_ws(d, p + 1);
    begin = e;
    if (p >= e) continue;
    if (index++ < skip) continue;  // delivered before the failure
    std::string piece(d.substr(p, e - p));
    uint64_t at = base + p;
    for (int attempt = 0; attempt < 2; ++attempt) {
      one.assign(piece.size() + 2 + simdjson::SIMDJSON_PADDING, '\0');
      one[0] = '[';
      std::memcpy(one.data() + 1, piece.data(), piece.size());
      one[piece.size() + 1] = ']';
      json::ChunkOutcome o = kernel_.parse_events(nullptr, one.data(), piece.size() + 2, at - 1, sink_);
      if (o.error == 0) break;
      if (o.events_done > 0 || attempt == 1) {
        if (o.events_done == 0) sink_.on_bad_event(at, o.message);
        break;
      }
      size_t fixes = 0;
      for (size_t bad = invalid_utf8(piece, 0); bad != std::string::npos;
           bad = invalid_utf8(piece, bad + 1)) {
        if (fixes++ == 0)
          warn("json.invalid_utf8", at + bad, "invalid UTF-8 in an event; bytes replaced by '?'");
        piece[bad] = '?';
      }
      bool in_str = false;
      size_t commas = 0;
      for (size_t i = 0; i < piece.size(); ++i) {
        char c = piece[i];
        if (in_str && c == '\\') {
          ++i;
          continue;
        }
        if (c == '"') {
          in_str = !in_str;
        } else if (in_str && static_cast<unsigned char>(c) < 0x20) {
          if (fixes++ == 0)
            warn("json.control_char", at + i, "raw control character in a string; replaced by ' '");
          piece[i] = ' ';
        } else if (!in_str && c == ',') {
          size_t n = skip_ws(piece, i + 1);
          if (n < piece.size() && (piece[n] == '}' || piece[n] == ']')) {
            if (commas++ == 0)
              warn("json.trailing_comma", at + i, "trailing comma before '}' or ']' in an event; ignored");
            piece[i] = ' ';
            ++fixes;
          }
        }
      }
      if (fixes == 0) {
        sink_.on_bad_event(at, o.message);
        break;
      }
    }
  }
}

void JsonImport::run() {
  if (progress_) progress_->total += buf_.size();
  PhaseTimer scan(progress_, "scan");
  parse_top_level();
  if (!have_events_) throw ImportError(path_, 0, "no traceEvents array: not a JSON trace");
  TraceSource src;
  src.path = path_;
  src.format = "kineto-json";
  TraceFileInfo info = trace_file_info(path_);
  src.rank = info.rank.value_or(0);
  src.stage = info.stage;
  apply_metadata(src);
  b_.begin_source(std::move(src));
  // Generous: capacity that is never written costs address space, not resident memory.
  b_.reserve_slices(b_.slice_count() + (events_end_ - events_begin_) / 120);
  b_.reserve_args(events_end_ - events_begin_);
  scan.stop();
  PhaseTimer events(progress_, "events");
  parse_events();
  sink_.finish(b_.source());
  if (progress_) progress_->done += buf_.size() - counted_;
}

}  // namespace

void import_chrome_json(std::string_view buf, const std::string& path, RunBuilder& builder,
                        LoadProgress* progress, const ChromeJsonOptions& opts) {
  JsonImport(buf, path, builder, progress, opts).run();
}

void load_chrome_json_file(const std::filesystem::path& path, RunBuilder& builder, LoadProgress& progress,
                           const ChromeJsonOptions& opts) {
  Truncation cut;  // a truncated .json.gz is salvaged like truncated plain JSON
  PhaseTimer read(&progress, "read");
  InputBuffer buf = read_input_file(path, progress, &cut);
  read.stop();
  if (cut.happened)
    builder.log().warn("json.truncated_compressed", path.string(), cut.compressed_offset,
                       fmt::format("{} data ends early at compressed byte {} ({} bytes inflated); "
                                   "kept every complete event",
                                   cut.what, cut.compressed_offset, buf.size()));
  ChromeJsonOptions own = opts;
  own.release_input = true;  // buf is ours and dies with this call
  import_chrome_json(buf.view(), path.string(), builder, &progress, own);
}

bool sniff_chrome_json(std::string_view head) {
  size_t p = 0;
  if (head.size() >= 3 && head.substr(0, 3) == "\xEF\xBB\xBF") p = 3;
  p = skip_ws(head, p);
  return p < head.size() && (head[p] == '{' || head[p] == '[');
}

void register_chrome_json_importer() {
  Importer imp;
  imp.name = "kineto-json";
  imp.sniff = [](const std::filesystem::path&, std::string_view head) {
    if (detect_compression(head) != Compression::None) return sniff_chrome_json(decompress_head(head));
    return sniff_chrome_json(head);
  };
  // A broken "x.json" / "x.json.gz" still gets the JSON importer's error (with its byte offset).
  imp.by_name = [](const std::filesystem::path& p) {
    std::filesystem::path name = p.filename();
    std::string ext = name.extension().string();
    if (ext == ".gz" || ext == ".zst") ext = name.stem().extension().string();
    return ext == ".json";
  };
  imp.load = [](const std::filesystem::path& p, RunBuilder& b, LoadProgress& progress) {
    load_chrome_json_file(p, b, progress);
  };
  ImporterRegistry::instance().add(std::move(imp));
}

}  // namespace hp
