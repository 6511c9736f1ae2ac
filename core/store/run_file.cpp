#include "core/store/run_file.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/store/column_codec.h"
#include "core/store/sqlite_db.h"

namespace hp {
namespace {

static_assert(std::endian::native == std::endian::little, "run files store little-endian column bytes");

constexpr char kFormat[] = "hotpath-run";
constexpr size_t kChunkBytes = 8 << 20;  // raw bytes per chunk (1M rows of 8-byte values)
constexpr int kZstdLevel = 3;

// One stored column: where its bytes come from when saving and where they go when opening.
struct Column {
  std::string store;  // SQL table holding its chunks: "columns", "strings" or "raw_args"
  std::string table, name;
  size_t elem = 1;
  Codec codec = Codec::Zstd;
  int since = 1;  // the schema version that added it; older files lack it (an upgrade step fills it)
  std::function<std::pair<const void*, size_t>()> view;  // save: the bytes and the row count
  std::function<void*(size_t)> resize;                   // open: sizes the destination, returns its bytes
  std::string key() const { return table + "." + name; }
};

// A column of a struct-of-fields vector (Track, CounterSeries): gathered into a flat
// vector to save, scattered back after opening.
struct FieldColumn {
  virtual ~FieldColumn() = default;
  virtual void gather() = 0;
  virtual void scatter() = 0;
  virtual size_t rows() const = 0;
};
template <class S, class T>
struct FieldColumnOf : FieldColumn {
  FieldColumnOf(std::vector<S>& r, T S::*m) : rows_(r), member(m) {}
  void gather() override {
    flat.resize(rows_.size());
    for (size_t i = 0; i < rows_.size(); ++i) flat[i] = rows_[i].*member;
  }
  void scatter() override {
    rows_.resize(flat.size());
    for (size_t i = 0; i < flat.size(); ++i) rows_[i].*member = flat[i];
  }
  size_t rows() const override { return flat.size(); }
  std::vector<S>& rows_;
  T S::*member;
  std::vector<T> flat;
};

// A column converted on the way: saved from `to_flat`, restored through `from_flat` (narrow
// columns are stored wide, so the file format does not depend on the in-memory packing).
template <class T>
struct ConvertedColumn : FieldColumn {
  std::function<void(std::vector<T>&)> to_flat;
  std::function<void(const std::vector<T>&)> from_flat;
  void gather() override { to_flat(flat); }
  void scatter() override { from_flat(flat); }
  size_t rows() const override { return flat.size(); }
  std::vector<T> flat;
};

struct ArgsFields : FieldColumn {
  explicit ArgsFields(ArgsColumn& r) : rows_(r) {}
  void gather() override {
    offset.resize(rows_.size()), length.resize(rows_.size());
    for (size_t i = 0; i < rows_.size(); ++i) offset[i] = rows_[i].offset, length[i] = rows_[i].length;
  }
  void scatter() override {
    rows_.clear();
    rows_.reserve(offset.size());
    for (size_t i = 0; i < offset.size() && i < length.size(); ++i) {
      ArgsRef a;
      a.offset = offset[i], a.length = std::min(length[i], ArgsRef::kLongArgs);
      rows_.push_back(a);
    }
  }
  size_t rows() const override { return offset.size(); }
  ArgsColumn& rows_;
  std::vector<uint64_t> offset;
  std::vector<uint32_t> length;
};

struct LaunchFields : FieldColumn {
  explicit LaunchFields(DictColumn<GpuLaunch>& r) : rows_(r) {}
  void gather() override {
    const size_t n = rows_.size();
    grid.resize(n), block.resize(n), registers.resize(n), shared_memory.resize(n), bytes.resize(n);
    occupancy.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const GpuLaunch& l = rows_[i];
      grid[i] = l.grid, block[i] = l.block, registers[i] = l.registers_per_thread;
      shared_memory[i] = l.shared_memory, bytes[i] = l.bytes, occupancy[i] = l.occupancy_pct;
    }
  }
  void scatter() override {
    rows_.clear();
    const size_t n = std::min({grid.size(), block.size(), registers.size(), shared_memory.size(),
                               bytes.size(), occupancy.size()});  // all one length (checked on open)
    rows_.reserve(n);
    for (size_t i = 0; i < n; ++i)
      rows_.push_back({.bytes = bytes[i],
                       .grid = grid[i],
                       .block = block[i],
                       .shared_memory = shared_memory[i],
                       .occupancy_pct = occupancy[i],
                       .registers_per_thread = registers[i]});
  }
  size_t rows() const override { return grid.size(); }
  DictColumn<GpuLaunch>& rows_;
  std::vector<std::array<uint32_t, 3>> grid, block;
  std::vector<uint16_t> registers;
  std::vector<uint32_t> shared_memory;
  std::vector<uint64_t> bytes;
  std::vector<float> occupancy;
};

template <class V>
Column column_of(const char* store, const char* table, const char* name, V& v, Codec codec = Codec::Zstd) {
  using T = typename V::value_type;
  static_assert(std::is_trivially_copyable_v<T>);
  Column c{store, table, name, sizeof(T), codec, 1, nullptr, nullptr};
  c.view = [&v]() { return std::pair<const void*, size_t>(v.data(), v.size()); };
  c.resize = [&v](size_t n) -> void* {
    v.resize(n);
    return v.data();
  };
  return c;
}

// Every column of a run file, bound to `run` (and to flat vectors for the struct fields).
struct Layout {
  std::vector<Column> columns;
  std::vector<std::unique_ptr<FieldColumn>> fields;
  std::vector<uint32_t> string_lengths;  // strings 1..n-1 (id 0 is always "")
  std::string string_chars;

  template <class V>
  void add(const char* table, const char* name, V& v, Codec codec = Codec::Zstd) {
    columns.push_back(column_of("columns", table, name, v, codec));
  }
  template <class S, class T>
  void field(const char* table, const char* name, std::vector<S>& rows, T S::*m) {
    auto f = std::make_unique<FieldColumnOf<S, T>>(rows, m);
    add(table, name, f->flat);
    fields.push_back(std::move(f));
  }

  template <class T>
  void converted(const char* table, const char* name, std::function<void(std::vector<T>&)> to,
                 std::function<void(const std::vector<T>&)> from, Codec codec = Codec::Zstd) {
    auto f = std::make_unique<ConvertedColumn<T>>();
    f->to_flat = std::move(to);
    f->from_flat = std::move(from);
    add(table, name, f->flat, codec);
    fields.push_back(std::move(f));
  }
  // Narrow and time columns are stored wide, so the format does not depend on the packing.
  template <class C>
  requires(!requires(C c) { c.data(); }) void add(const char* table, const char* name, C& c,
                                                  Codec codec = Codec::Zstd) {
    using W = typename C::value_type;
    converted<W>(
        table, name,
        [&c](std::vector<W>& flat) {
          flat.resize(c.size());
          for (size_t i = 0; i < c.size(); ++i) flat[i] = c[i];
        },
        [&c](const std::vector<W>& flat) {
          c.clear();
          c.reserve(flat.size());
          for (W w : flat) c.push_back(w);
        },
        codec);
  }
  // Columns saved apart and rebuilt together: the args' offsets and lengths, a GPU op's launch fields.
  void args(const char* table, ArgsColumn& rows) {
    auto f = std::make_unique<ArgsFields>(rows);
    add(table, "args_offset", f->offset);
    add(table, "args_length", f->length);
    fields.push_back(std::move(f));
  }
  void launches(const char* table, DictColumn<GpuLaunch>& rows) {
    auto f = std::make_unique<LaunchFields>(rows);
    add(table, "grid", f->grid);
    add(table, "block", f->block);
    add(table, "registers_per_thread", f->registers);
    add(table, "shared_memory", f->shared_memory);
    add(table, "bytes", f->bytes);
    add(table, "occupancy_pct", f->occupancy);
    fields.push_back(std::move(f));
  }

  // Saving reads through the same bindings; nothing is written to `run` unless resize() is called.
  explicit Layout(Run& run) {
    Slices& s = run.slices;
    add("slices", "start", s.start, Codec::ZstdDelta64);
    add("slices", "dur", s.dur);
    add("slices", "name", s.name);
    add("slices", "track", s.track);
    add("slices", "cat", s.cat);
    add("slices", "kind", s.kind);
    add("slices", "depth", s.depth);
    add("slices", "lane", s.lane);
    add("slices", "external_id", s.external_id);
    args("slices", s.args);

    GpuOps& g = run.gpu;
    add("gpu_ops", "slice", g.slice);
    add("gpu_ops", "correlation", g.correlation);
    add("gpu_ops", "device", g.device);
    add("gpu_ops", "stream", g.stream);
    launches("gpu_ops", g.launch);
    add("gpu_ops", "launch_slice", g.launch_slice);

    add("api_calls", "slice", run.api.slice);
    add("api_calls", "correlation", run.api.correlation);

    add("python_frames", "slice", run.python.slice);
    add("python_frames", "python_id", run.python.python_id);
    add("python_frames", "parent_id", run.python.parent_id);

    Flows& f = run.flows;
    add("flows", "id", f.id);
    add("flows", "cat", f.cat);
    add("flows", "kind", f.kind);
    add("flows", "from_slice", f.from_slice);
    add("flows", "to_slice", f.to_slice);

    Instants& in = run.instants;
    add("instants", "ts", in.ts, Codec::ZstdDelta64);
    add("instants", "track", in.track);
    add("instants", "name", in.name);
    add("instants", "cat", in.cat);
    add("instants", "scope", in.scope);
    args("instants", in.args);

    auto& cs = run.counters.series;
    field("counter_series", "rank", cs, &CounterSeries::rank);
    field("counter_series", "pid", cs, &CounterSeries::pid);
    field("counter_series", "name", cs, &CounterSeries::name);
    field("counter_series", "unit", cs, &CounterSeries::unit);
    field("counter_series", "sample_begin", cs, &CounterSeries::sample_begin);
    field("counter_series", "sample_end", cs, &CounterSeries::sample_end);
    add("counter_samples", "ts", run.counters.ts, Codec::ZstdDelta64);
    add("counter_samples", "value", run.counters.value);

    auto& t = run.tracks;
    field("tracks", "rank", t, &Track::rank);
    field("tracks", "kind", t, &Track::kind);
    field("tracks", "pid", t, &Track::pid);
    field("tracks", "tid", t, &Track::tid);
    field("tracks", "pid_name", t, &Track::pid_name);
    field("tracks", "tid_name", t, &Track::tid_name);
    field("tracks", "process_name", t, &Track::process_name);
    field("tracks", "thread_name", t, &Track::thread_name);
    field("tracks", "process_sort", t, &Track::process_sort);
    field("tracks", "thread_sort", t, &Track::thread_sort);
    field("tracks", "device", t, &Track::device);
    field("tracks", "stream", t, &Track::stream);
    field("tracks", "slice_begin", t, &Track::slice_begin);
    field("tracks", "slice_end", t, &Track::slice_end);
    field("tracks", "lanes", t, &Track::lanes);
    field("tracks", "overflow_slices", t, &Track::overflow_slices);
    field("tracks", "max_depth", t, &Track::max_depth);

    columns.push_back(column_of("strings", "strings", "length", string_lengths));
    columns.push_back(column_of("strings", "strings", "chars", string_chars));
    // Saved like any byte column; opened lazily (read_run hands its chunks to ArgsText).
    Column args{"raw_args", "raw_args", "text", 1, Codec::Zstd, 1, nullptr, nullptr};
    args.view = [&run]() {
      std::string_view all = run.raw_args.all();
      return std::pair<const void*, size_t>(all.data(), all.size());
    };
    columns.push_back(std::move(args));
  }
};

std::string now_utc() {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(t));
}

nlohmann::json counts_json(const std::map<std::string, uint64_t>& m) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j;
}

constexpr char kSchemaSql[] = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources(idx INTEGER PRIMARY KEY, path TEXT, format TEXT, rank INTEGER, world_size INTEGER,
  stage TEXT, base_time_ns INTEGER, display_time_unit TEXT, schema_version INTEGER,
  device_properties_json TEXT, distributed_info_json TEXT, metadata_json TEXT, by_cat TEXT, by_ph TEXT,
  events INTEGER);
CREATE TABLE import_log(seq INTEGER PRIMARY KEY, severity INTEGER, code TEXT, file TEXT, offset INTEGER,
  message TEXT);
CREATE TABLE import_log_counts(code TEXT PRIMARY KEY, count INTEGER NOT NULL);
CREATE TABLE columns(table_name TEXT, column_name TEXT, chunk_index INTEGER, row_begin INTEGER,
  row_count INTEGER, codec TEXT, raw_bytes INTEGER, data BLOB, PRIMARY KEY(table_name, column_name, chunk_index));
CREATE TABLE strings(table_name TEXT, column_name TEXT, chunk_index INTEGER, row_begin INTEGER,
  row_count INTEGER, codec TEXT, raw_bytes INTEGER, data BLOB, PRIMARY KEY(table_name, column_name, chunk_index));
CREATE TABLE raw_args(table_name TEXT, column_name TEXT, chunk_index INTEGER, row_begin INTEGER,
  row_count INTEGER, codec TEXT, raw_bytes INTEGER, data BLOB, PRIMARY KEY(table_name, column_name, chunk_index));
)sql";

void write_run(SqliteDb& db, const Run& run) {
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=NORMAL");
  db.exec("BEGIN");
  db.exec(kSchemaSql);

  auto meta = db.prepare("INSERT INTO meta(key, value) VALUES(?, ?)");
  auto put = [&](const char* k, const std::string& v) {
    meta.bind(1, k);
    meta.bind(2, v);
    meta.step();
    meta.reset();
  };
  put("format", kFormat);
  put("schema_version", std::to_string(kRunFileSchemaVersion));
  put("hotpath_version", HOTPATH_VERSION);
  put("created_utc", now_utc());
  put("redactions", std::to_string(run.redactions));
  put("string_count", std::to_string(run.strings.size()));
  put("log_info", std::to_string(run.log.count(Severity::Info)));
  put("log_warning", std::to_string(run.log.count(Severity::Warning)));
  put("log_error", std::to_string(run.log.count(Severity::Error)));

  auto src = db.prepare("INSERT INTO sources VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  for (size_t i = 0; i < run.sources.size(); ++i) {
    const TraceSource& s = run.sources[i];
    src.bind(1, static_cast<int64_t>(i));
    src.bind(2, s.path);
    src.bind(3, s.format);
    src.bind(4, static_cast<int64_t>(s.rank));
    src.bind(5, static_cast<int64_t>(s.world_size));
    src.bind(6, s.stage);
    src.bind(7, s.base_time_ns);
    src.bind(8, s.display_time_unit);
    src.bind(9, s.schema_version);
    src.bind(10, s.device_properties_json);
    src.bind(11, s.distributed_info_json);
    src.bind(12, s.metadata_json);
    src.bind(13, counts_json(s.by_cat).dump());
    src.bind(14, counts_json(s.by_ph).dump());
    src.bind(15, static_cast<int64_t>(s.events));
    src.step();
    src.reset();
  }

  auto log = db.prepare("INSERT INTO import_log VALUES(?,?,?,?,?,?)");
  int64_t seq = 0;
  for (const LogEntry& e : run.log.entries()) {
    log.bind(1, seq++);
    log.bind(2, static_cast<int64_t>(e.severity));
    log.bind(3, e.code);
    log.bind(4, e.file);
    log.bind(5, static_cast<int64_t>(e.offset));
    log.bind(6, e.message);
    log.step();
    log.reset();
  }
  auto counts = db.prepare("INSERT INTO import_log_counts VALUES(?,?)");
  for (const auto& [code, n] : run.log.counts()) {
    counts.bind(1, code);
    counts.bind(2, static_cast<int64_t>(n));
    counts.step();
    counts.reset();
  }

  // Binding a layout needs a mutable Run; saving only reads through it.
  Layout layout(const_cast<Run&>(run));
  for (auto& f : layout.fields) f->gather();
  for (size_t id = 1; id < run.strings.size(); ++id) {
    std::string_view v = run.strings.view(static_cast<StrId>(id));
    layout.string_lengths.push_back(static_cast<uint32_t>(v.size()));
    layout.string_chars.append(v);
  }
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, kZstdLevel);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  try {
    std::map<std::string, SqliteStmt> inserts;
    for (const Column& c : layout.columns) {
      auto it = inserts.find(c.store);
      if (it == inserts.end())
        it =
            inserts.emplace(c.store, db.prepare("INSERT INTO " + c.store + " VALUES(?,?,?,?,?,?,?,?)")).first;
      SqliteStmt& ins = it->second;
      auto [data, rows] = c.view();
      size_t per_chunk = std::max<size_t>(1, kChunkBytes / c.elem);
      size_t chunk = 0, begin = 0;
      do {  // an empty column still gets one empty chunk, so a missing column reads as corrupt
        size_t n = std::min(per_chunk, rows - begin);
        std::string z = zstd_pack(static_cast<const char*>(data) + begin * c.elem, n * c.elem, c.codec, cctx);
        ins.bind(1, c.table);
        ins.bind(2, c.name);
        ins.bind(3, static_cast<int64_t>(chunk++));
        ins.bind(4, static_cast<int64_t>(begin));
        ins.bind(5, static_cast<int64_t>(n));
        ins.bind(6, codec_name(c.codec));
        ins.bind(7, static_cast<int64_t>(n * c.elem));
        ins.bind_blob(8, z.data(), z.size());
        ins.step();
        ins.reset();
        begin += n;
      } while (begin < rows);
    }
  } catch (...) {
    ZSTD_freeCCtx(cctx);
    throw;
  }
  ZSTD_freeCCtx(cctx);
  db.exec("COMMIT");
}

}  // namespace

void save_run(const Run& run, const std::filesystem::path& path) {
  // Written beside the target and renamed, so a failed save never leaves half a run file.
  std::filesystem::path tmp = path;
  tmp += fmt::format(".tmp-{}", ::getpid());
  std::error_code ec;
  std::filesystem::remove(tmp, ec);
  try {
    {
      SqliteDb db(tmp, SqliteDb::Mode::Create);
      write_run(db, run);
    }
    std::filesystem::rename(tmp, path);
  } catch (const std::exception& e) {
    std::filesystem::remove(tmp, ec);
    throw std::runtime_error(fmt::format("{}: cannot save run: {}", path.string(), e.what()));
  }
}

namespace {

// Reading runs against an ImportError that names the file; offset 0: SQLite reports no byte offset.
[[noreturn]] void bad(const std::string& file, const std::string& what) {
  throw ImportError(file, 0, what);
}

// Upgrades of older schema versions, applied in order after the tables of that version are read.
// Version N+1 adds tables (e.g. requests, metric_samples, analyses) and registers here a step
// {N, fn} that fills what version N lacks (usually nothing: new tables simply read as empty).
struct Upgrade {
  int from;
  void (*apply)(SqliteDb& db, Run& run);
};
const std::vector<Upgrade>& upgrades() {
  static const std::vector<Upgrade> steps = {
      // 1 -> 2 added the serving tables, which live beside the trace and read as empty when
      // absent (read_serving); the trace columns did not change.
      {1, [](SqliteDb&, Run&) {}},
  };
  return steps;
}

struct Chunk {
  Column* column = nullptr;
  uint64_t row_begin = 0, row_count = 0, raw_bytes = 0;
  Codec codec = Codec::Zstd;
  std::string data;
  char* dest = nullptr;
};

void decompress(const std::string& file, Chunk& c, ZSTD_DCtx* dctx) {
  if (!zstd_unpack(c.data, c.dest, c.raw_bytes, c.codec, dctx))
    bad(file, fmt::format("column {} rows {}+{}: corrupt chunk", c.column->key(), c.row_begin, c.row_count));
  std::string().swap(c.data);
}

template <class V>
void check_ids(const std::string& file, const char* what, const V& v, uint64_t limit,
               bool allow_none = false) {
  for (size_t i = 0; i < v.size(); ++i) {
    uint64_t x = static_cast<uint64_t>(v[i]);
    if (x >= limit && !(allow_none && x == kNone))
      bad(file, fmt::format("{} row {}: index {} out of range (limit {})", what, i, x, limit));
  }
}

// Cross-checks every index column, so that a damaged file is refused instead of crashing a view.
void validate(const std::string& file, const Run& r) {
  uint64_t ns = r.strings.size(), nt = r.tracks.size(), nsl = r.slices.size();
  check_ids(file, "slices.name", r.slices.name, ns);
  check_ids(file, "slices.cat", r.slices.cat, ns);
  check_ids(file, "slices.track", r.slices.track, nt);
  check_ids(file, "gpu_ops.slice", r.gpu.slice, nsl);
  check_ids(file, "gpu_ops.launch_slice", r.gpu.launch_slice, nsl, true);
  check_ids(file, "api_calls.slice", r.api.slice, nsl);
  check_ids(file, "python_frames.slice", r.python.slice, nsl);
  check_ids(file, "flows.cat", r.flows.cat, ns);
  check_ids(file, "flows.from_slice", r.flows.from_slice, nsl, true);
  check_ids(file, "flows.to_slice", r.flows.to_slice, nsl, true);
  check_ids(file, "instants.name", r.instants.name, ns);
  check_ids(file, "instants.cat", r.instants.cat, ns);
  check_ids(file, "instants.track", r.instants.track, nt);
  for (size_t i = 0; i < r.slices.size(); ++i)
    if (static_cast<uint8_t>(r.slices.kind[i]) >= static_cast<uint8_t>(SliceKind::Count))
      bad(file, fmt::format("slices.kind row {}: unknown kind {}", i, static_cast<int>(r.slices.kind[i])));
  auto args_ok = [&](const ArgsColumn& v, const char* what) {
    for (size_t i = 0; i < v.size(); ++i)
      if (v[i].offset > r.raw_args.size() || v[i].length > r.raw_args.size() - v[i].offset ||
          (v[i].length == ArgsRef::kLongArgs && r.args_text(v[i]).empty()))
        bad(file, fmt::format("{} row {}: args outside raw_args", what, i));
  };
  args_ok(r.slices.args, "slices.args");
  args_ok(r.instants.args, "instants.args");
  for (size_t i = 0; i < r.tracks.size(); ++i) {
    const Track& t = r.tracks[i];
    if (t.slice_begin > t.slice_end || t.slice_end > nsl || t.pid_name >= ns || t.tid_name >= ns ||
        t.process_name >= ns || t.thread_name >= ns || static_cast<uint8_t>(t.kind) > 2)
      bad(file, fmt::format("tracks row {}: out-of-range field", i));
  }
  for (size_t i = 0; i < r.counters.series.size(); ++i) {
    const CounterSeries& c = r.counters.series[i];
    if (c.sample_begin > c.sample_end || c.sample_end > r.counters.ts.size() || c.name >= ns || c.unit >= ns)
      bad(file, fmt::format("counter_series row {}: out-of-range field", i));
  }
}

std::map<std::string, uint64_t> parse_counts(const std::string& file, std::string_view text) {
  std::map<std::string, uint64_t> m;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) bad(file, "sources: by_cat/by_ph is not a JSON object");
  for (auto& [k, v] : j.items()) {
    if (!v.is_number_unsigned()) bad(file, "sources: by_cat/by_ph count is not a number");
    m[k] = v.get<uint64_t>();
  }
  return m;
}

std::unique_ptr<Run> read_run(SqliteDb& db, const std::string& file, LoadProgress& progress) {
  if (!db.has_table("meta")) bad(file, "not a hotpath run file (no meta table)");
  std::map<std::string, std::string> meta;
  {
    auto st = db.prepare("SELECT key, value FROM meta");
    while (st.step()) meta[std::string(st.text(0))] = st.text(1);
  }
  if (meta["format"] != kFormat) bad(file, "not a hotpath run file (meta format is not hotpath-run)");
  int version = 0;
  try {
    version = std::stoi(meta["schema_version"]);
  } catch (const std::exception&) {
    bad(file, "run file has no valid schema_version");
  }
  if (version > kRunFileSchemaVersion)
    bad(file, fmt::format("run file schema {} is newer than this hotpath ({}); upgrade hotpath", version,
                          kRunFileSchemaVersion));
  if (version < 1) bad(file, fmt::format("run file schema {} is not a known version", version));
  // A serve-profile run without a trace (schema 2+) has only the serving tables: an empty Run.
  if (version >= 2 && !db.has_table("columns") && db.has_table("requests")) return std::make_unique<Run>();

  auto run = std::make_unique<Run>();
  auto num = [&](const char* k) -> uint64_t {
    try {
      return std::stoull(meta.at(k));
    } catch (const std::exception&) {
      bad(file, fmt::format("meta {} missing or not a number", k));
    }
  };
  run->redactions = num("redactions");
  uint64_t string_count = num("string_count");

  {
    auto st = db.prepare(
        "SELECT path, format, rank, world_size, stage, base_time_ns, display_time_unit, schema_version,"
        " device_properties_json, distributed_info_json, metadata_json, by_cat, by_ph, events FROM sources "
        "ORDER BY "
        "idx");
    while (st.step()) {
      TraceSource s;
      s.path = st.text(0);
      s.format = st.text(1);
      s.rank = static_cast<uint32_t>(st.int64(2));
      s.claimed_rank = s.rank;  // not stored: a separate capture reads back as its slot
      s.world_size = static_cast<int32_t>(st.int64(3));
      s.stage = st.text(4);
      s.base_time_ns = st.int64(5);
      s.display_time_unit = st.text(6);
      s.schema_version = st.int64(7);
      s.device_properties_json = st.text(8);
      s.distributed_info_json = st.text(9);
      s.metadata_json = st.text(10);
      s.by_cat = parse_counts(file, st.text(11));
      s.by_ph = parse_counts(file, st.text(12));
      s.events = static_cast<uint64_t>(st.int64(13));
      run->sources.push_back(std::move(s));
    }
  }
  {
    std::vector<LogEntry> entries;
    auto st = db.prepare("SELECT severity, code, file, offset, message FROM import_log ORDER BY seq");
    while (st.step()) {
      int64_t sev = st.int64(0);
      if (sev < 0 || sev > 2) bad(file, fmt::format("import_log: unknown severity {}", sev));
      entries.push_back({static_cast<Severity>(sev), std::string(st.text(1)), std::string(st.text(2)),
                         static_cast<uint64_t>(st.int64(3)), std::string(st.text(4))});
    }
    std::map<std::string, uint64_t> counts;
    auto ct = db.prepare("SELECT code, count FROM import_log_counts");
    while (ct.step()) counts[std::string(ct.text(0))] = static_cast<uint64_t>(ct.int64(1));
    const uint64_t by_sev[3] = {num("log_info"), num("log_warning"), num("log_error")};
    run->log = ImportLog::restore(std::move(entries), std::move(counts), by_sev);
  }

  // Read every chunk's bytes on this thread (one SQLite connection), then decompress on two.
  Layout layout(*run);
  std::map<std::string, Column*> by_key;
  for (auto& c : layout.columns) by_key[c.store + ":" + c.key()] = &c;
  std::vector<Chunk> chunks;
  std::vector<ArgsText::Chunk> args_chunks;
  std::map<Column*, uint64_t> rows;
  uint64_t compressed = 0;
  for (const char* store : {"strings", "columns", "raw_args"}) {
    auto st =
        db.prepare(fmt::format("SELECT table_name, column_name, row_begin, row_count, codec, raw_bytes, data "
                               "FROM {} ORDER BY table_name, "
                               "column_name, chunk_index",
                               store));
    while (st.step()) {
      std::string key = fmt::format("{}:{}.{}", store, st.text(0), st.text(1));
      auto it = by_key.find(key);
      if (it == by_key.end())
        bad(file, fmt::format("unknown column {} in table {}", key.substr(key.find(':') + 1), store));
      Chunk c;
      c.column = it->second;
      c.row_begin = static_cast<uint64_t>(st.int64(2));
      c.row_count = static_cast<uint64_t>(st.int64(3));
      c.raw_bytes = static_cast<uint64_t>(st.int64(5));
      std::string_view codec = st.text(4);
      c.codec = codec == "zstd-delta64" ? Codec::ZstdDelta64 : Codec::Zstd;
      if (codec != codec_name(c.codec) || (c.codec == Codec::ZstdDelta64 && c.column->elem != 8))
        bad(file, fmt::format("column {}: unknown codec {}", c.column->key(), codec));
      uint64_t& have = rows[c.column];
      if (c.row_begin != have || c.row_count > (uint64_t{1} << 40) ||
          c.raw_bytes != c.row_count * c.column->elem)
        bad(file, fmt::format("column {}: inconsistent chunk at row {}", c.column->key(), c.row_begin));
      have += c.row_count;
      if (!c.column->resize) {  // raw_args.text: handed to ArgsText, decompressed when first read
        std::string z(st.blob(6));
        if (ZSTD_getFrameContentSize(z.data(), z.size()) != c.raw_bytes)
          bad(file, fmt::format("column {} rows {}+{}: corrupt chunk (frame header)", c.column->key(),
                                c.row_begin, c.row_count));
        args_chunks.push_back({c.row_begin, c.raw_bytes, std::move(z)});
        continue;
      }
      c.data = st.blob(6);
      compressed += c.data.size();
      chunks.push_back(std::move(c));
    }
  }
  // Every column present, and all columns of a table of one length.
  std::map<std::string, uint64_t> table_rows;
  for (auto& c : layout.columns) {
    auto it = rows.find(&c);
    if (it == rows.end() && c.since > version) continue;
    if (it == rows.end()) bad(file, fmt::format("column {} is missing (truncated run file?)", c.key()));
    auto [t, added] = table_rows.try_emplace(c.table, it->second);
    if (!added && t->second != it->second && c.store == "columns")
      bad(file, fmt::format("column {} has {} rows, its table {}", c.key(), it->second, t->second));
  }
  // (a table's first column sets its row count: for "strings" that is "length", one row per string)
  if (table_rows["strings"] + 1 != string_count)
    bad(file, fmt::format("strings: {} stored, meta says {}", table_rows["strings"] + 1, string_count));
  std::map<Column*, char*> base;
  for (auto& [col, n] : rows)
    if (col->resize) base[col] = static_cast<char*>(col->resize(n));
  for (auto& c : chunks) c.dest = base[c.column] + c.row_begin * c.column->elem;

  progress.total += compressed;
  std::atomic<size_t> next{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto work = [&]() {
    ZSTD_DCtx* dctx = ZSTD_createDCtx();
    try {
      for (size_t i; (i = next++) < chunks.size();) {
        if (progress.cancel) bad(file, "open cancelled");
        uint64_t n = chunks[i].data.size();
        decompress(file, chunks[i], dctx);
        progress.done += n;
      }
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      next = chunks.size();
    }
    ZSTD_freeDCtx(dctx);
  };
  std::thread helper(work);
  work();
  helper.join();
  if (error) std::rethrow_exception(error);

  for (auto& f : layout.fields) f->scatter();
  uint64_t args_bytes = args_chunks.empty() ? 0 : args_chunks.back().begin + args_chunks.back().bytes;
  run->raw_args.assign_lazy(args_bytes, std::move(args_chunks), [](const ArgsText::Chunk& c, char* dest) {
    size_t n = ZSTD_decompress(dest, c.bytes, c.compressed.data(), c.compressed.size());
    return !ZSTD_isError(n) && n == c.bytes;
  });
  size_t pos = 0;
  for (uint32_t len : layout.string_lengths) {
    if (len > layout.string_chars.size() - pos) bad(file, "strings: lengths exceed the stored characters");
    run->strings.intern(std::string_view(layout.string_chars).substr(pos, len));
    pos += len;
  }
  if (pos != layout.string_chars.size()) bad(file, "strings: characters left over after the last string");
  if (run->strings.size() != string_count) bad(file, "strings: the pool holds duplicate strings");

  for (const Upgrade& u : upgrades())
    if (u.from >= version) u.apply(db, *run);
  validate(file, *run);
  return run;
}

}  // namespace

std::unique_ptr<Run> open_run(const std::filesystem::path& path, LoadProgress* progress) {
  LoadProgress local;
  LoadProgress& p = progress ? *progress : local;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw ImportError(path.string(), 0, "no such run file");
  try {
    std::unique_ptr<SqliteDb> db = open_for_reading(path);
    return read_run(*db, path.string(), p);
  } catch (const SqliteError& e) {
    throw ImportError(path.string(), 0,
                      fmt::format("cannot read run file (corrupt or truncated?): {}", e.detail()));
  }
}

bool sniff_run_file(const std::filesystem::path& path, std::string_view head) {
  if (!has_sqlite_header(head)) return false;
  try {
    SqliteDb db(path, SqliteDb::Mode::Immutable);
    return db.has_table("meta") && db.query_text("SELECT value FROM meta WHERE key = 'format'") == kFormat;
  } catch (const SqliteError&) {
    return false;
  }
}

}  // namespace hp
