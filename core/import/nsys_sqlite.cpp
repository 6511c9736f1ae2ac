#include "core/import/nsys_sqlite.h"
#include "core/util/redact.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "core/import/cuda_activity_names.h"
#include "core/import/sqlite_row_stream.h"
#include "core/store/sqlite_db.h"

namespace hp {
namespace {

constexpr char kNotNsys[] =
    "not an Nsight Systems export (no CUPTI_ACTIVITY_KIND_*, NVTX_EVENTS or OSRT_API table, and no nsys "
    "export metadata)";
// An export that recorded no CUDA or NVTX activity (CPU-only, or "No CUDA events collected") still
// has these: nsys writes them into every export.
bool has_nsys_metadata(const std::set<std::string>& tables) {
  return tables.count("StringIds") && (tables.count("META_DATA_EXPORT") || tables.count("EXPORT_META_DATA") ||
                                       tables.count("TARGET_INFO_SESSION_START_TIME"));
}
constexpr uint32_t kNoStream = 0xFFFFFFFFu;  // streamId of context-wide activities (context sync)

// nsys's memory kinds start at Pageable (0) and put Unknown last (7); CUPTI's start at Unknown (0).
int64_t cupti_memory_kind(int64_t nsys_kind) {
  return nsys_kind == 7 ? 0 : nsys_kind + 1;
}

// nsys event types of NVTX_EVENTS rows (ENUM_NSYS_EVENT_TYPE).
enum NvtxType : int64_t {
  kNvtxMark = 34,
  kNvtxPushPop = 59,
  kNvtxStartEnd = 60,
  kNvtxtMark = 65,
  kNvtxtPushPop = 70,
  kNvtxtStartEnd = 71,
  kNvtxDomainCreate = 75,
};

// globalTid / globalPid encode the OS pid in bits 24..47 and the OS tid in bits 0..23.
int64_t pid_of(int64_t global) {
  return (global >> 24) & 0xFFFFFF;
}
int64_t tid_of(int64_t global) {
  return global & 0xFFFFFF;
}

// The same credential rules as the JSON importer (core/util/redact.h).
bool credential_like(std::string_view key, std::string_view value) {
  return is_sensitive_key(key) || contains_hf_token(value);
}

// NVTX domains as args ({"domain": "<name>"}), named by their DomainCreate rows, which come in the
// same scan as the ranges: a row whose domain is not named yet is noted and its args set once the
// scan ends (with the name, or the domain's number when no row names it).
class NvtxDomains {
 public:
  explicit NvtxDomains(RunBuilder& b) : b_(b) {}
  void name(int64_t domain, std::string_view text) {
    auto [it, added] = args_.try_emplace(domain);
    if (added) it->second = add(text);
  }
  ArgsRef args(int64_t domain) const {
    if (domain == 0) return {};
    auto it = args_.find(domain);
    return it == args_.end() ? ArgsRef{} : it->second;
  }
  // Row `row` (a slice, else an instant) of `domain` was added with `args`.
  void used(int64_t domain, ArgsRef args, bool slice, uint32_t row) {
    if (domain != 0 && args.empty()) pending_.push_back({domain, row, slice});
  }
  void finish() {
    for (const Pending& p : pending_) {
      auto [it, added] = args_.try_emplace(p.domain);
      if (added) it->second = add(std::to_string(p.domain));
      if (p.slice)
        b_.set_slice_args(p.row, it->second);
      else
        b_.set_instant_args(p.row, it->second);
    }
    pending_.clear();
  }

 private:
  struct Pending {
    int64_t domain;
    uint32_t row;
    bool slice;
  };
  ArgsRef add(std::string_view name) {
    return b_.add_args(nlohmann::json{{"domain", std::string(name)}}.dump());
  }
  RunBuilder& b_;
  std::unordered_map<int64_t, ArgsRef> args_;
  std::vector<Pending> pending_;
};

class NsysReader {
 public:
  NsysReader(const std::filesystem::path& path, RunBuilder& b, LoadProgress& progress)
      : file_(path.string()), db_(path, SqliteDb::Mode::Immutable), b_(b), progress_(progress) {}

  void run() {
    std::error_code ec;
    file_size_ = std::filesystem::file_size(file_, ec);
    if (ec) file_size_ = 0;
    progress_.total += file_size_;
    PhaseTimer scan(&progress_, "scan");
    std::set<std::string> tables;
    for (auto& t : db_.tables()) tables.insert(t);
    TraceSource src;
    src.path = file_;
    src.format = "nsys-sqlite";
    // Imported tables are counted as their rows stream by (a count(*) would read each table twice);
    // their largest rowid sizes the progress bar meanwhile.
    bool activity = false;
    for (const auto& t : tables)
      if (t.starts_with("CUPTI_ACTIVITY_KIND_") || t == "NVTX_EVENTS" || t == "OSRT_API") {
        activity = true;
        if (kImported.count(t)) {
          total_rows_ += row_estimate(t);
          continue;
        }
        uint64_t n = count_rows(t);
        src.by_cat[t] = n;
        src.events += n;
      }
    if (!activity && !has_nsys_metadata(tables)) throw ImportError(file_, 0, kNotNsys);
    tables_ = std::move(tables);
    read_metadata(src);
    b_.begin_source(std::move(src));
    // Rows are slices, but for a few NVTX marks; a damaged file's rowids must not size the reservation.
    b_.reserve_slices(b_.slice_count() + std::min(total_rows_, file_size_ / 16));

    read_strings();
    read_names();
    for (const auto& [t, n] : b_.source().by_cat)
      if (n > 0)
        b_.log().info("nsys.table_skipped", file_,
                      fmt::format("{}: {} rows not imported (unsupported table)", t, n));
    scan.stop();
    PhaseTimer events(&progress_, "events");
    read_kernels();
    read_memcpy();
    read_memset();
    read_sync();
    read_runtime();
    read_nvtx();
    read_osrt();
    read_diagnostics();
    for (const auto& t : kImported)  // present but not read (a column missing): counted here
      if (tables_.count(t) && !b_.source().by_cat.count(t)) counted(t, count_rows(t));
    if (b_.source().events == 0)
      b_.log().warn("nsys.no_activity", file_, LogEntry::kNoOffset,
                    "the export holds no CUDA, NVTX or OS runtime rows (see its diagnostics)");
    name_tracks();
    progress_.done += file_size_ - std::min(file_size_, reported_);
  }

 private:
  using Cols = std::set<std::string>;
  static inline const std::set<std::string> kImported = {"CUPTI_ACTIVITY_KIND_KERNEL",
                                                         "CUPTI_ACTIVITY_KIND_MEMCPY",
                                                         "CUPTI_ACTIVITY_KIND_MEMSET",
                                                         "CUPTI_ACTIVITY_KIND_RUNTIME",
                                                         "CUPTI_ACTIVITY_KIND_SYNCHRONIZATION",
                                                         "NVTX_EVENTS",
                                                         "OSRT_API"};

  // The largest rowid: a b-tree lookup, where count(*) reads the table (count(*) when it has no rowid).
  uint64_t row_estimate(const std::string& table) {
    try {
      return static_cast<uint64_t>(
          std::max<int64_t>(0, db_.query_int("SELECT max(rowid) FROM " + sql_ident(table)).value_or(0)));
    } catch (const SqliteError&) {
      return count_rows(table);
    }
  }
  uint64_t count_rows(const std::string& table) {
    return static_cast<uint64_t>(db_.query_int("SELECT count(*) FROM " + sql_ident(table)).value_or(0));
  }
  // A table's row count, into the source's by_cat and events (every row, imported or not).
  void counted(const std::string& table, uint64_t rows) {
    b_.source().by_cat[table] = rows;
    b_.source().events += rows;
  }

  Cols columns(const std::string& table) {
    Cols c;
    for (auto& n : db_.columns(table)) c.insert(n);
    return c;
  }
  // The column's quoted name when the table has it, else the SQL default expression.
  static std::string col(const Cols& c, const char* name, const char* dflt = "NULL") {
    return c.count(name) ? sql_ident(name) : dflt;
  }
  // Checks the columns every activity table needs; logs and returns false when one is missing.
  bool usable(const std::string& table, const Cols& c, std::initializer_list<const char*> required) {
    for (const char* r : required)
      if (!c.count(r)) {
        b_.log().warn(
            "nsys.schema", file_, 0,
            fmt::format("{}: column {} missing; {} rows not imported", table, r, b_.source().by_cat[table]));
        return false;
      }
    return true;
  }
  bool present(const std::string& table) {
    if (tables_.count(table)) return true;
    b_.log().info("nsys.table_missing", file_, fmt::format("{} not in this export", table));
    return false;
  }

  void row_done() {
    if ((++rows_ & 0xFFFF) != 0) return;
    if (progress_.cancel) throw ImportError(file_, 0, "import cancelled");
    uint64_t now = total_rows_ ? file_size_ * rows_ / total_rows_ : 0;
    if (now > reported_) {
      progress_.done += now - reported_;
      reported_ = now;
    }
  }

  // StringIds entries are interned on first use, so unused ones stay out of the pool.
  StrId str(int64_t id) {
    auto it = strings_.find(id);
    if (it == strings_.end()) return 0;
    if (!it->second.id) it->second.id = b_.intern(it->second.text);
    return it->second.id;
  }
  std::string_view text(int64_t id) const {
    auto it = strings_.find(id);
    return it == strings_.end() ? std::string_view() : std::string_view(it->second.text);
  }

  void read_strings() {
    if (!present("StringIds")) return;
    auto st = db_.prepare("SELECT id, value FROM StringIds");
    while (st.step()) strings_[st.int64(0)].text = st.text(1);
  }

  void read_names() {
    if (tables_.count("PROCESSES")) {
      auto c = columns("PROCESSES");
      auto st = db_.prepare(fmt::format("SELECT {}, {}, {} FROM PROCESSES", col(c, "globalPid"),
                                        col(c, "pid"), col(c, "name")));
      while (st.step()) {
        int64_t pid = st.is_null(1) ? pid_of(st.int64(0)) : st.int64(1);
        if (!st.is_null(2)) process_names_[pid] = st.text(2);
      }
    }
    if (tables_.count("ThreadNames")) {
      auto c = columns("ThreadNames");
      if (c.count("globalTid") && c.count("nameId")) {
        auto st = db_.prepare("SELECT globalTid, nameId FROM ThreadNames");
        while (st.step()) thread_names_[{pid_of(st.int64(0)), tid_of(st.int64(0))}] = st.int64(1);
      }
    }
  }

  void read_metadata(TraceSource& src) {
    nlohmann::json meta = nlohmann::json::object();
    // nsys up to about 2023.2 names the table EXPORT_META_DATA; later ones META_DATA_EXPORT.
    const char* export_table = tables_.count("META_DATA_EXPORT")   ? "META_DATA_EXPORT"
                               : tables_.count("EXPORT_META_DATA") ? "EXPORT_META_DATA"
                                                                   : nullptr;
    if (export_table) {
      auto st = db_.prepare(fmt::format("SELECT name, value FROM {}", export_table));
      nlohmann::json exp = nlohmann::json::object();
      while (st.step()) {
        std::string k(st.text(0)), v(st.text(1));
        if (credential_like(k, v)) {
          b_.note_redaction(file_, k);
          v = "<redacted>";
        }
        exp[k] = v;
      }
      if (exp.contains("EXPORT_PRODUCT_VERSION"))
        b_.log().info(
            "nsys.version", file_,
            fmt::format("exported by nsys {} (schema {})", exp["EXPORT_PRODUCT_VERSION"].get<std::string>(),
                        exp.value("EXPORT_SCHEMA_VERSION", std::string("unknown"))));
      meta["nsys_export"] = exp;
    }
    if (tables_.count("TARGET_INFO_SESSION_START_TIME")) {
      if (auto t = db_.query_int("SELECT utcEpochNs FROM TARGET_INFO_SESSION_START_TIME"))
        src.base_time_ns = *t;
    }
    if (tables_.count("TARGET_INFO_CUDA_DEVICE")) meta["cuda_devices"] = rows_json("TARGET_INFO_CUDA_DEVICE");
    src.metadata_json = meta.dump();
    if (tables_.count("TARGET_INFO_GPU")) {
      // Kineto's deviceProperties names for the common fields; every other column as exported.
      static const std::map<std::string, std::string> kRename = {
          {"totalMemory", "totalGlobalMem"},
          {"smCount", "numSms"},
          {"maxThreadsPerBlock", "maxThreadsPerBlock"}};
      nlohmann::json gpus = rows_json("TARGET_INFO_GPU");
      for (auto& g : gpus) {
        nlohmann::json out = nlohmann::json::object();
        for (auto& [k, v] : g.items()) {
          auto it = kRename.find(k);
          out[it == kRename.end() ? k : it->second] = v;
        }
        g = std::move(out);
      }
      src.device_properties_json = gpus.dump();
    }
  }

  nlohmann::json rows_json(const std::string& table) {
    nlohmann::json rows = nlohmann::json::array();
    auto st = db_.prepare("SELECT * FROM " + sql_ident(table));
    while (st.step()) {
      nlohmann::json r = nlohmann::json::object();
      for (int i = 0; i < st.column_count(); ++i) {
        std::string k(st.column_name(i));
        if (st.is_null(i)) continue;
        if (st.is_int(i))
          r[k] = st.int64(i);
        else if (st.is_real(i))
          r[k] = st.real(i);
        else
          r[k] = std::string(st.text(i));
      }
      rows.push_back(std::move(r));
    }
    return rows;
  }

  // `sync`: synchronization rows get a row of their own beside the stream's, so that a wait that
  // spans kernels of its stream does not collide with them (no overflow lanes, no overlap warnings).
  uint32_t gpu_track(int64_t pid, int64_t device, int64_t stream_id, bool sync = false) {
    int64_t stream = stream_id == kNoStream ? -1 : stream_id;
    // A tid outside the OS tid range keeps GPU tracks apart from the process's thread tracks.
    int64_t tid = (int64_t{1} << 56) | (int64_t{sync} << 55) | (device << 32) | static_cast<uint32_t>(stream);
    auto [it, added] = gpu_track_of_.try_emplace({pid, tid}, 0);
    if (!added) return it->second;
    uint32_t t = b_.track(pid, tid, TrackKind::GpuStream);
    Track& tr = b_.track_at(t);
    tr.device = static_cast<int32_t>(device);
    tr.stream = stream;
    (sync ? sync_tracks_ : gpu_tracks_).insert(t);
    return it->second = t;
  }
  uint32_t cpu_track(int64_t global_tid) {
    auto [it, added] = cpu_track_of_.try_emplace(global_tid, 0);
    if (!added) return it->second;
    uint32_t t = b_.track(pid_of(global_tid), tid_of(global_tid), TrackKind::CpuThread);
    cpu_tracks_.insert(t);
    return it->second = t;
  }

  // Appends one GPU activity row; the common columns come first in every activity query:
  // Columns 0 and 1 of a row as (start, end); an end before its start is kept as a zero-length
  // slice and counted.
  std::pair<Ns, Ns> start_end(SqliteRowStream& st, std::string_view table) {
    Ns start = st.int64(0), end = st.int64(1);
    if (end < start) {
      b_.log().warn("nsys.negative_duration", file_, LogEntry::kNoOffset,
                    fmt::format("{}: row with end {} < start {}; duration set to 0", table, end, start));
      end = start;
    }
    return {start, end};
  }

  // start, end, deviceId, streamId, correlationId, globalPid.
  uint32_t add_gpu_slice(SqliteRowStream& st, const std::string& table, StrId name, StrId cat, SliceKind kind,
                         ArgsRef args, GpuIn& g, int64_t device_override = -1) {
    auto [start, end] = start_end(st, table);
    g.device = static_cast<int32_t>(device_override >= 0 ? device_override : st.int64(2));
    int64_t stream = st.is_null(3) ? kNoStream : st.int64(3);
    g.stream = stream == kNoStream ? -1 : stream;
    g.correlation = st.int64(4);
    g.process = pid_of(st.int64(5));  // correlation ids repeat across processes: link within one
    SliceIn s;
    s.start = start;
    s.dur = end - start;
    s.name = name;
    s.cat = cat;
    s.kind = kind;
    s.track = gpu_track(pid_of(st.int64(5)), g.device, stream, kind == SliceKind::Sync);
    s.args = args;
    uint32_t i = b_.add_slice(s);
    b_.add_gpu(i, g);
    row_done();
    return i;
  }

  // The contextId column of a kernel, memcpy or memset query (NULL when the table cannot say).
  static std::string context_col(const Cols& c) { return c.count("deviceId") ? col(c, "contextId") : "NULL"; }
  // (pid, contextId) -> deviceId of a kernel, memcpy or memset row, for the sync rows read after them.
  void note_context(const SqliteRowStream& st, int context_col) {
    if (st.is_null(context_col)) return;
    std::pair<int64_t, int64_t> key{pid_of(st.int64(5)), st.int64(context_col)};
    if (key == last_context_) return;
    last_context_ = key;
    context_device_.emplace(key, st.int64(2));
  }

  // "<start>, <end>, deviceId, streamId, correlationId, globalPid" for an activity table.
  std::string gpu_common(const Cols& c) {
    return fmt::format("start, end, {}, {}, {}, {}", col(c, "deviceId", "0"), col(c, "streamId"),
                       col(c, "correlationId", "0"),
                       c.count("globalPid") ? "globalPid" : col(c, "globalTid", "0"));
  }

  void read_kernels() {
    const std::string t = "CUPTI_ACTIVITY_KIND_KERNEL";
    if (!present(t)) return;
    Cols c = columns(t);
    if (!usable(t, c, {"start", "end"})) return;
    SqliteRowStream st(
        file_,
        fmt::format("SELECT {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {} FROM {}", gpu_common(c),
                    col(c, "demangledName"), col(c, "shortName"), col(c, "gridX", "0"), col(c, "gridY", "0"),
                    col(c, "gridZ", "0"), col(c, "blockX", "0"), col(c, "blockY", "0"), col(c, "blockZ", "0"),
                    col(c, "registersPerThread", "0"), col(c, "staticSharedMemory", "0"),
                    col(c, "dynamicSharedMemory", "0"), context_col(c), sql_ident(t)),
        t);
    StrId cat = b_.intern("kernel");
    std::unordered_map<int64_t, ArgsRef> args_by_short;
    while (st.step()) {
      StrId demangled = st.is_null(6) ? 0 : str(st.int64(6));
      int64_t short_id = st.is_null(7) ? -1 : st.int64(7);
      StrId short_name = short_id >= 0 ? str(short_id) : 0;
      StrId name = demangled ? demangled : short_name;
      if (!name) {
        name = b_.intern("(unnamed kernel)");
        b_.log().warn("nsys.kernel_unnamed", file_, LogEntry::kNoOffset,
                      fmt::format("{}: kernel without a name id", t));
      }
      ArgsRef args;
      if (short_name) {
        auto [it, added] = args_by_short.try_emplace(short_id);
        if (added) {
          nlohmann::json a = {{"shortName", std::string(text(short_id))}};
          it->second = b_.add_args(a.dump());
        }
        args = it->second;
      }
      GpuIn g;
      g.launch.grid = {static_cast<uint32_t>(st.int64(8)), static_cast<uint32_t>(st.int64(9)),
                       static_cast<uint32_t>(st.int64(10))};
      g.launch.block = {static_cast<uint32_t>(st.int64(11)), static_cast<uint32_t>(st.int64(12)),
                        static_cast<uint32_t>(st.int64(13))};
      g.launch.registers_per_thread = static_cast<uint16_t>(st.int64(14));
      g.launch.shared_memory = static_cast<uint32_t>(st.int64(15) + st.int64(16));
      add_gpu_slice(st, t, name, cat, SliceKind::Kernel, args, g);
      note_context(st, 17);
    }
    counted(t, st.rows_read());
  }

  void read_memcpy() {
    const std::string t = "CUPTI_ACTIVITY_KIND_MEMCPY";
    if (!present(t)) return;
    Cols c = columns(t);
    if (!usable(t, c, {"start", "end"})) return;
    SqliteRowStream st(file_,
                       fmt::format("SELECT {}, {}, {}, {}, {}, {} FROM {}", gpu_common(c),
                                   col(c, "bytes", "0"), col(c, "copyKind", "0"), col(c, "srcKind"),
                                   col(c, "dstKind"), context_col(c), sql_ident(t)),
                       t);
    StrId cat = b_.intern("gpu_memcpy");
    std::map<std::array<int64_t, 3>, StrId> names;  // by (copyKind, srcKind, dstKind); -1 when NULL
    while (st.step()) {
      const std::array<int64_t, 3> kind{st.int64(7), st.is_null(8) ? -1 : st.int64(8),
                                        st.is_null(9) ? -1 : st.int64(9)};
      auto [it, added] = names.try_emplace(kind, 0);
      if (added) {
        std::string name = fmt::format("Memcpy {}", cuda_names::copy_kind(st.int64(7)));
        if (!st.is_null(8) && !st.is_null(9))
          name += fmt::format(" ({} -> {})", cuda_names::memory_kind(cupti_memory_kind(st.int64(8))),
                              cuda_names::memory_kind(cupti_memory_kind(st.int64(9))));
        it->second = b_.intern(name);
      }
      GpuIn g;
      g.launch.bytes = static_cast<uint64_t>(st.int64(6));
      add_gpu_slice(st, t, it->second, cat, SliceKind::Memcpy, {}, g);
      note_context(st, 10);
    }
    counted(t, st.rows_read());
  }

  void read_memset() {
    const std::string t = "CUPTI_ACTIVITY_KIND_MEMSET";
    if (!present(t)) return;
    Cols c = columns(t);
    if (!usable(t, c, {"start", "end"})) return;
    SqliteRowStream st(file_,
                       fmt::format("SELECT {}, {}, {}, {} FROM {}", gpu_common(c), col(c, "bytes", "0"),
                                   col(c, "memKind"), context_col(c), sql_ident(t)),
                       t);
    StrId cat = b_.intern("gpu_memset");
    std::map<int64_t, StrId> names;  // by memKind; -1 when NULL
    while (st.step()) {
      auto [it, added] = names.try_emplace(st.is_null(7) ? -1 : st.int64(7), 0);
      if (added)
        it->second =
            b_.intern(st.is_null(7) ? "Memset"
                                    : fmt::format("Memset ({})",
                                                  cuda_names::memory_kind(cupti_memory_kind(st.int64(7)))));
      GpuIn g;
      g.launch.bytes = static_cast<uint64_t>(st.int64(6));
      add_gpu_slice(st, t, it->second, cat, SliceKind::Memset, {}, g);
      note_context(st, 8);
    }
    counted(t, st.rows_read());
  }

  void read_sync() {
    const std::string t = "CUPTI_ACTIVITY_KIND_SYNCHRONIZATION";
    if (!present(t)) return;
    Cols c = columns(t);
    if (!usable(t, c, {"start", "end"})) return;
    const char* type_col = c.count("syncType")             ? "syncType"
                           : c.count("deprecatedSyncType") ? "deprecatedSyncType"
                                                           : "0";
    SqliteRowStream st(file_,
                       fmt::format("SELECT {}, {}, {} FROM {}", gpu_common(c), type_col,
                                   col(c, "contextId", "-1"), sql_ident(t)),
                       t);
    StrId cat = b_.intern("cuda_sync");
    uint64_t moved = 0;
    std::map<int64_t, StrId> names;  // by sync type
    while (st.step()) {
      GpuIn g;
      // nsys writes deviceId 0 on every SYNCHRONIZATION row: the device is its context's.
      int64_t device = -1;
      if (auto it = context_device_.find({pid_of(st.int64(5)), st.int64(7)}); it != context_device_.end())
        device = it->second;
      moved += device >= 0 && device != st.int64(2);
      auto [name, added] = names.try_emplace(st.int64(6), 0);
      if (added) name->second = b_.intern(cuda_names::sync_type(st.int64(6)));
      add_gpu_slice(st, t, name->second, cat, SliceKind::Sync, {}, g, device);
    }
    counted(t, st.rows_read());
    if (moved)
      b_.log().info(
          "nsys.sync_device", file_,
          fmt::format("{}: {} rows placed on their context's device (the table says deviceId 0)", t, moved));
  }

  void read_runtime() {
    const std::string t = "CUPTI_ACTIVITY_KIND_RUNTIME";
    if (!present(t)) return;
    Cols c = columns(t);
    if (!usable(t, c, {"start", "end", "globalTid"})) return;
    SqliteRowStream st(
        file_,
        fmt::format("SELECT start, end, globalTid, {}, {}, {} FROM {}", col(c, "correlationId", "0"),
                    col(c, "nameId"), col(c, "eventClass"), sql_ident(t)),
        t);
    StrId rt_cat = b_.intern("cuda_runtime"), drv_cat = b_.intern("cuda_driver");
    // nsys names carry the API version ("cudaLaunchKernel_v7000"); Kineto's names do not.
    std::unordered_map<int64_t, StrId> names;
    while (st.step()) {
      auto [start, end] = start_end(st, t);
      int64_t name_id = st.is_null(4) ? -1 : st.int64(4);
      auto [it, added] = names.try_emplace(name_id, 0);
      if (added) {
        std::string n(name_id >= 0 && strings_.count(name_id) ? text(name_id)
                                                              : std::string_view("(unknown API)"));
        if (auto v = n.rfind("_v"); v != std::string::npos && v + 2 < n.size() &&
                                    n.find_first_not_of("0123456789", v + 2) == std::string::npos)
          n.resize(v);
        it->second = b_.intern(n);
        if (n.starts_with("cu") && !n.starts_with("cuda")) driver_api_.insert(it->second);
      }
      bool driver = st.is_null(5) ? driver_api_.count(it->second) > 0 : st.int64(5) == 1;
      SliceIn s;
      s.start = start;
      s.dur = end - start;
      s.name = it->second;
      s.cat = driver ? drv_cat : rt_cat;
      s.kind = driver ? SliceKind::Driver : SliceKind::Runtime;
      s.track = cpu_track(st.int64(2));
      uint32_t i = b_.add_slice(s);
      if (!st.is_null(3)) b_.add_api(i, st.int64(3), pid_of(st.int64(2)));
      row_done();
    }
    counted(t, st.rows_read());
  }

  void read_nvtx() {
    const std::string t = "NVTX_EVENTS";
    if (!present(t)) return;
    Cols c = columns(t);
    if (!usable(t, c, {"start", "globalTid"})) return;
    bool typed = c.count("eventType");
    SqliteRowStream st(
        file_,
        fmt::format("SELECT start, {}, globalTid, {}, {}, {}, {} FROM NVTX_EVENTS", col(c, "end"),
                    col(c, "eventType"), col(c, "text"), col(c, "textId"), col(c, "domainId")),
        "NVTX_EVENTS", {4});
    StrId cat = b_.intern("nvtx");
    NvtxDomains domains(b_);
    while (st.step()) {
      int64_t type = st.is_null(3) ? -1 : st.int64(3);
      if (typed && type == kNvtxDomainCreate && !st.is_null(4) && !st.is_null(6))
        domains.name(st.int64(6), st.text(4));
      bool range = typed ? (type == kNvtxPushPop || type == kNvtxStartEnd || type == kNvtxtPushPop ||
                            type == kNvtxtStartEnd)
                         : !st.is_null(1);
      bool mark = typed ? (type == kNvtxMark || type == kNvtxtMark) : st.is_null(1);
      if (!range && !mark) {  // domain/category/thread naming rows: metadata, not events
        row_done();
        continue;
      }
      std::string_view name_text = !st.is_null(4) ? st.text(4) : !st.is_null(5) ? text(st.int64(5)) : "";
      StrId name = b_.intern(name_text);
      const int64_t dom = st.is_null(6) ? 0 : st.int64(6);
      const ArgsRef args = domains.args(dom);
      uint32_t track = cpu_track(st.int64(2));
      if (range && st.is_null(1)) {
        b_.log().warn(
            "nsys.nvtx_unterminated", file_, 0,
            fmt::format("NVTX range \"{}\" at {} ns has no end; kept as an instant", name_text, st.int64(0)));
        mark = true;
      }
      if (mark) {
        domains.used(
            dom, args, false,
            b_.add_instant(
                {.ts = st.int64(0), .track = track, .name = name, .cat = cat, .scope = 't', .args = args}));
      } else {
        auto [start, end] = start_end(st, "NVTX_EVENTS");
        SliceIn s;
        s.start = start;
        s.dur = end - start;
        s.name = name;
        s.cat = cat;
        s.kind = SliceKind::Nvtx;
        s.track = track;
        s.args = args;
        domains.used(dom, args, true, b_.add_slice(s));
      }
      row_done();
    }
    domains.finish();
    counted(t, st.rows_read());
  }

  // OS runtime calls (pthread, poll, ioctl, ...): what a CPU-only capture holds.
  void read_osrt() {
    const std::string t = "OSRT_API";
    if (!tables_.count(t)) return;
    Cols c = columns(t);
    if (!usable(t, c, {"start", "end", "globalTid"})) return;
    SqliteRowStream st(
        file_, fmt::format("SELECT start, end, globalTid, {} FROM {}", col(c, "nameId"), sql_ident(t)), t);
    StrId cat = b_.intern("osrt");
    while (st.step()) {
      auto [start, end] = start_end(st, t);
      SliceIn s;
      s.start = start;
      s.dur = end - start;
      s.name = st.is_null(3) ? b_.intern("(unknown call)") : str(st.int64(3));
      s.cat = cat;
      s.kind = SliceKind::Other;
      s.track = cpu_track(st.int64(2));
      b_.add_slice(s);
      row_done();
    }
    counted(t, st.rows_read());
  }

  // nsys's own diagnostics ("No CUDA events collected. Does the process use CUDA?") go to the log:
  // warnings and errors as warnings, the rest as info.
  void read_diagnostics() {
    if (!tables_.count("DIAGNOSTIC_EVENT")) return;
    Cols c = columns("DIAGNOSTIC_EVENT");
    if (!c.count("text")) return;
    auto st = db_.prepare(fmt::format("SELECT {}, text FROM DIAGNOSTIC_EVENT ORDER BY {}",
                                      col(c, "severity", "1"), col(c, "timestamp", "rowid")));
    while (st.step()) {
      int64_t sev = st.int64(0);
      std::string msg = fmt::format("nsys diagnostic: {}", st.text(1));
      if (sev == 2 || sev == 3)
        b_.log().warn("nsys.diagnostic", file_, LogEntry::kNoOffset, std::move(msg));
      else
        b_.log().info("nsys.diagnostic_info", file_, std::move(msg));
    }
  }

  // A torchrun capture: the launched command is torchrun, and each of its workers drives one GPU of
  // its own. Those workers are the ranks, numbered by their GPU (torchrun's LOCAL_RANK picks the
  // device). Anything else stays one rank.
  std::map<int64_t, uint32_t> torchrun_ranks() {
    std::map<int64_t, uint32_t> ranks;
    if (!tables_.count("META_DATA_CAPTURE")) return ranks;
    auto st = db_.prepare("SELECT value FROM META_DATA_CAPTURE WHERE name GLOB 'PROCESS_*:COMMAND'");
    bool torchrun = false;
    while (st.step()) {
      std::string_view cmd = st.text(0);
      torchrun = torchrun || cmd.find("torchrun") != std::string_view::npos ||
                 cmd.find("torch.distributed.run") != std::string_view::npos;
    }
    if (!torchrun) return ranks;
    std::map<int64_t, std::set<int32_t>> devices;  // pid -> devices of its GPU rows
    for (uint32_t t : gpu_tracks_) devices[b_.track_at(t).pid].insert(b_.track_at(t).device);
    std::map<int32_t, int64_t> by_device;
    for (const auto& [pid, d] : devices) {
      if (d.size() != 1 || !by_device.emplace(*d.begin(), pid).second) return {};
    }
    if (by_device.size() < 2) return {};
    uint32_t r = 0;
    for (const auto& [device, pid] : by_device) {
      b_.log().info("nsys.torchrun_rank", file_,
                    fmt::format("torchrun capture: process {} (GPU {}) is rank {}", pid, device, r));
      ranks[pid] = r++;
    }
    return ranks;
  }

  // "python3 (pid 144)": several processes of one export often share a name.
  StrId process_label(int64_t pid) {
    auto it = process_names_.find(pid);
    return b_.intern(it == process_names_.end() ? fmt::format("pid {}", pid)
                                                : fmt::format("{} (pid {})", it->second, pid));
  }

  void name_tracks() {
    auto ranks = torchrun_ranks();
    auto set_rank = [&](Track& tr) {
      if (auto it = ranks.find(tr.pid); it != ranks.end()) tr.rank = b_.source().rank + it->second;
    };
    for (uint32_t t : cpu_tracks_) {
      Track& tr = b_.track_at(t);
      set_rank(tr);
      tr.process_name = process_label(tr.pid);
      if (auto it = thread_names_.find({tr.pid, tr.tid}); it != thread_names_.end())
        tr.thread_name = str(it->second);
    }
    for (const auto* tracks : {&gpu_tracks_, &sync_tracks_})
      for (uint32_t t : *tracks) {
        Track& tr = b_.track_at(t);
        set_rank(tr);
        tr.process_name = process_label(tr.pid);
        std::string name =
            tr.stream < 0 ? fmt::format("GPU {} context", tr.device) : fmt::format("stream {}", tr.stream);
        tr.thread_name = b_.intern(tracks == &sync_tracks_ ? name + " sync" : name);
      }
  }

  std::string file_;
  SqliteDb db_;
  RunBuilder& b_;
  LoadProgress& progress_;
  std::set<std::string> tables_;
  struct IdString {
    std::string text;
    StrId id = 0;
  };
  std::unordered_map<int64_t, IdString> strings_;
  std::set<StrId> driver_api_;
  std::map<int64_t, std::string> process_names_;
  std::map<std::pair<int64_t, int64_t>, int64_t> thread_names_;  // (pid, tid) -> StringIds id
  std::set<uint32_t> cpu_tracks_, gpu_tracks_, sync_tracks_;
  struct PairHash {
    size_t operator()(const std::pair<int64_t, int64_t>& p) const {
      return std::hash<int64_t>()(p.first * 0x9E3779B97F4A7C15LL ^ p.second);
    }
  };
  std::unordered_map<int64_t, uint32_t> cpu_track_of_;                                // by globalTid
  std::unordered_map<std::pair<int64_t, int64_t>, uint32_t, PairHash> gpu_track_of_;  // by (pid, tid)
  std::map<std::pair<int64_t, int64_t>, int64_t> context_device_;  // (pid, contextId) -> deviceId
  std::pair<int64_t, int64_t> last_context_{-1, -1};
  uint64_t file_size_ = 0, total_rows_ = 0, rows_ = 0, reported_ = 0;
};

}  // namespace

bool sniff_nsys_sqlite(const std::filesystem::path& path, std::string_view head) {
  if (!has_sqlite_header(head)) return false;
  try {
    SqliteDb db(path, SqliteDb::Mode::Immutable);
    return db.query_int(
                 "SELECT 1 FROM sqlite_master WHERE type='table' AND "
                 "(name GLOB 'CUPTI_ACTIVITY_KIND_*' OR name = 'NVTX_EVENTS' OR name = 'OSRT_API') LIMIT 1")
               .has_value() ||
           has_nsys_metadata([&] {
             std::set<std::string> t;
             for (auto& n : db.tables()) t.insert(n);
             return t;
           }());
  } catch (const SqliteError&) {
    return false;
  }
}

void import_nsys_sqlite(const std::filesystem::path& path, RunBuilder& builder, LoadProgress& progress) {
  try {
    NsysReader(path, builder, progress).run();
  } catch (const SqliteError& e) {
    // SQLite reports no byte offset; a truncated export usually reads as "malformed" or "not a database".
    throw ImportError(path.string(), 0,
                      fmt::format("cannot read as an Nsight Systems SQLite export: {}", e.detail()));
  }
}

void register_nsys_importer() {
  ImporterRegistry::instance().add(
      Importer{.name = "nsys-sqlite",
               .sniff = sniff_nsys_sqlite,
               .by_name = [](const std::filesystem::path& p) { return p.extension() == ".sqlite"; },
               .load = import_nsys_sqlite,
               .open = nullptr});
}

}  // namespace hp
