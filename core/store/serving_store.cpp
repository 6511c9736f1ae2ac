#include "core/store/serving_store.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <tuple>

#include "core/model/load_status.h"
#include "core/store/request_column_codec.h"
#include "core/store/run_file.h"
#include "core/store/sqlite_db.h"
#include "core/util/redact.h"

namespace hp {
namespace {

using serving::RequestRecord;
using serving::RequestStatus;

// Serving tables, schema version 2 (see README.md, "The run file").
constexpr char kServingSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS serving_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS requests(idx INTEGER PRIMARY KEY, request_id TEXT, endpoint TEXT, warmup INTEGER,
  scheduled_ns INTEGER, sent_ns INTEGER, first_chunk_ns INTEGER, first_token_ns INTEGER, end_ns INTEGER,
  token_chunks BLOB, prompt_tokens INTEGER, output_tokens INTEGER, tokens_from_usage INTEGER,
  max_tokens INTEGER, status TEXT, http_status INTEGER, error TEXT, srv_received_ns INTEGER,
  srv_queued_ns INTEGER, srv_scheduled_ns INTEGER, srv_first_token_ns INTEGER, srv_finished_ns INTEGER,
  srv_method INTEGER, srv_clock_offset_ns INTEGER, srv_offset_uncertainty_ns INTEGER,
  purpose TEXT NOT NULL DEFAULT '', cached_tokens INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS metric_series(id INTEGER PRIMARY KEY, name TEXT NOT NULL, labels_json TEXT NOT NULL,
  from_log INTEGER NOT NULL, source TEXT NOT NULL DEFAULT '', UNIQUE(name, labels_json, from_log, source));
CREATE TABLE IF NOT EXISTS metric_samples(series_id INTEGER NOT NULL, ts_ns INTEGER NOT NULL, value REAL);
CREATE TABLE IF NOT EXISTS server_events(ts_ns INTEGER, kind TEXT, request_id TEXT, raw_id TEXT, value INTEGER);
CREATE TABLE IF NOT EXISTS kv_block_events(ts_ns INTEGER NOT NULL, hash INTEGER NOT NULL, kind INTEGER NOT NULL,
  dp_rank INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS requests_columns(name TEXT PRIMARY KEY, rows INTEGER NOT NULL, codec TEXT NOT NULL,
  raw_bytes INTEGER NOT NULL, data BLOB NOT NULL);
)sql";

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

// Zigzag varints of successive differences: compact for sorted chunk times (a few bytes each).
std::string encode_times(const std::vector<int64_t>& v) {
  std::string out;
  int64_t prev = 0;
  for (int64_t x : v) {
    uint64_t d = static_cast<uint64_t>(x) - static_cast<uint64_t>(prev);
    uint64_t z = (d << 1) ^ static_cast<uint64_t>(static_cast<int64_t>(d) >> 63);
    while (z >= 0x80) {
      out += static_cast<char>((z & 0x7f) | 0x80);
      z >>= 7;
    }
    out += static_cast<char>(z);
    prev = x;
  }
  return out;
}

bool decode_times(std::string_view b, std::vector<int64_t>& v) {
  uint64_t prev = 0;
  size_t i = 0;
  while (i < b.size()) {
    uint64_t z = 0;
    int shift = 0;
    for (;;) {
      if (i >= b.size() || shift > 63) return false;
      uint8_t c = static_cast<uint8_t>(b[i++]);
      z |= static_cast<uint64_t>(c & 0x7f) << shift;
      if (!(c & 0x80)) break;
      shift += 7;
    }
    uint64_t d = (z >> 1) ^ (~(z & 1) + 1);
    prev += d;
    v.push_back(static_cast<int64_t>(prev));
  }
  return true;
}

std::string labels_json(const serving::Labels& labels) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& l : labels) j[l.name] = l.value;
  return j.dump();
}

std::string now_utc() {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(t));
}

RequestStatus status_from(std::string_view s) {
  for (auto st :
       {RequestStatus::Ok, RequestStatus::HttpError, RequestStatus::Timeout, RequestStatus::Disconnect,
        RequestStatus::Malformed, RequestStatus::ConnectError, RequestStatus::Cancelled})
    if (s == serving::to_string(st)) return st;
  return RequestStatus::Malformed;
}

std::vector<RequestRecord> read_request_rows(SqliteDb& db, const std::string& file);

bool has_column(SqliteDb& db, const char* table, std::string_view column) {
  for (const auto& c : db.columns(table))
    if (c == column) return true;
  return false;
}

}  // namespace

std::string redact_meta_value(std::string_view key, std::string_view value) {
  std::string k = upper(key);
  for (const char* bad : {"TOKEN", "API_KEY", "APIKEY", "SECRET", "PASSWORD", "AUTHORIZATION"})
    for (size_t at = k.find(bad); at != std::string::npos; at = k.find(bad, at + 1))
      if (std::string_view(bad) != "TOKEN" || k.compare(at, 6, "TOKENS") != 0)  // kv_cache_tokens is a count
        return std::string(kRedacted);
  if (is_sensitive_key(key)) return std::string(kRedacted);
  std::string v(value);
  redact_hf_tokens(v);
  // sk-... (OpenAI-style keys) and "Bearer <token>".
  for (std::string_view prefix : {std::string_view("sk-"), std::string_view("Bearer ")}) {
    size_t pos = 0;
    while ((pos = v.find(prefix, pos)) != std::string::npos) {
      bool word_start = pos == 0 || !std::isalnum(static_cast<unsigned char>(v[pos - 1]));
      size_t end = pos + prefix.size();
      while (end < v.size() && !std::isspace(static_cast<unsigned char>(v[end])) && v[end] != '"' &&
             v[end] != ',' && v[end] != '\'')
        ++end;
      if (word_start && end - pos - prefix.size() >= 8) {
        v.replace(pos, end - pos, kRedacted);
        pos += kRedacted.size();
      } else {
        pos = end;
      }
    }
  }
  return v;
}

struct ServingWriter::Impl {
  std::mutex mu;
  std::string file;
  std::unique_ptr<SqliteDb> db;
  std::optional<SqliteStmt> meta, req, series, sample, event, kv_event;
  std::map<std::tuple<serving::SeriesKey, bool, std::string>, int64_t> series_ids;
  int64_t next_series = 1;
  int64_t next_request = 0;
  bool in_tx = false;

  void begin() {
    if (!in_tx) db->exec("BEGIN");
    in_tx = true;
  }
  void commit() {
    if (in_tx) db->exec("COMMIT");
    in_tx = false;
  }
};

ServingWriter::ServingWriter(const std::filesystem::path& path) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.file = path.string();
  m.db = std::make_unique<SqliteDb>(path, SqliteDb::Mode::Create);
  SqliteDb& db = *m.db;
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=NORMAL");
  db.exec("PRAGMA busy_timeout=5000");
  db.exec("BEGIN IMMEDIATE");
  bool fresh = !db.has_table("meta");
  if (!fresh) {
    auto fmt_v = db.query_text("SELECT value FROM meta WHERE key = 'format'");
    if (fmt_v != "hotpath-run") {
      db.exec("ROLLBACK");
      throw std::runtime_error(path.string() + ": exists and is not a hotpath run file");
    }
  } else {
    db.exec("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    db.exec(fmt::format(
        "INSERT INTO meta VALUES('format','hotpath-run'),('hotpath_version','{}'),('created_utc','{}')",
        HOTPATH_VERSION, now_utc()));
  }
  // Version 1 files gain the serving tables in place (the in-place upgrade described in README.md).
  db.exec(kServingSchema);
  // Files written before metric_series.source existed gain it (every old series was scraped or logged).
  if (!has_column(db, "metric_series", "source"))
    db.exec("ALTER TABLE metric_series ADD COLUMN source TEXT NOT NULL DEFAULT ''");
  // Likewise requests.purpose (probe traffic) and requests.cached_tokens.
  if (!has_column(db, "requests", "purpose")) {
    db.exec("ALTER TABLE requests ADD COLUMN purpose TEXT NOT NULL DEFAULT ''");
    db.exec("ALTER TABLE requests ADD COLUMN cached_tokens INTEGER NOT NULL DEFAULT 0");
  }
  db.exec(fmt::format("INSERT OR REPLACE INTO meta VALUES('schema_version','{}')", kRunFileSchemaVersion));
  db.exec("COMMIT");
  m.next_series = db.query_int("SELECT coalesce(max(id), 0) + 1 FROM metric_series").value_or(1);
  m.next_request = db.query_int("SELECT coalesce(max(idx), -1) + 1 FROM requests").value_or(0);
  {
    auto st = db.prepare("SELECT id, name, labels_json, from_log, source FROM metric_series");
    while (st.step()) {
      serving::SeriesKey k;
      k.name = st.text(1);
      auto j = nlohmann::json::parse(st.text(2), nullptr, false);
      if (j.is_object())
        for (auto& [n, v] : j.items())
          k.labels.push_back({n, v.is_string() ? v.get<std::string>() : v.dump()});
      m.series_ids[{k, st.int64(3) != 0, std::string(st.text(4))}] = st.int64(0);
    }
  }
  m.meta.emplace(db.prepare("INSERT OR REPLACE INTO serving_meta VALUES(?, ?)"));
  m.req.emplace(
      db.prepare("INSERT INTO requests VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  m.series.emplace(
      db.prepare("INSERT INTO metric_series(id, name, labels_json, from_log, source) VALUES(?,?,?,?,?)"));
  m.sample.emplace(db.prepare("INSERT INTO metric_samples VALUES(?,?,?)"));
  m.event.emplace(db.prepare("INSERT INTO server_events VALUES(?,?,?,?,?)"));
  m.kv_event.emplace(db.prepare("INSERT INTO kv_block_events VALUES(?,?,?,?)"));
}

ServingWriter::~ServingWriter() {
  try {
    impl_->commit();
  } catch (const std::exception&) {
    // A destructor must not throw; what was committed before stays in the file.
  }
}

void ServingWriter::set_meta(const std::string& key, const std::string& value) {
  std::lock_guard lock(impl_->mu);
  impl_->begin();
  SqliteStmt& st = *impl_->meta;
  st.bind(1, key);
  st.bind(2, redact_meta_value(key, value));
  st.step();
  st.reset();
}

void ServingWriter::add_request(const RequestRecord& r) {
  std::lock_guard lock(impl_->mu);
  impl_->begin();
  SqliteStmt& st = *impl_->req;
  std::string chunks = encode_times(r.token_chunk_ns);
  int i = 1;
  st.bind(i++, impl_->next_request++);
  st.bind(i++, r.request_id);
  st.bind(i++, r.endpoint);
  st.bind(i++, int64_t{r.warmup});
  st.bind(i++, r.scheduled_ns);
  st.bind(i++, r.sent_ns);
  st.bind(i++, r.first_chunk_ns);
  st.bind(i++, r.first_token_ns);
  st.bind(i++, r.end_ns);
  st.bind_blob(i++, chunks.data(), chunks.size());
  st.bind(i++, int64_t{r.prompt_tokens});
  st.bind(i++, int64_t{r.output_tokens});
  st.bind(i++, int64_t{r.tokens_from_usage});
  st.bind(i++, int64_t{r.max_tokens});
  st.bind(i++, serving::to_string(r.status));
  st.bind(i++, int64_t{r.http_status});
  st.bind(i++, redact_meta_value("error", r.error));
  st.bind(i++, r.server.received_ns);
  st.bind(i++, r.server.queued_ns);
  st.bind(i++, r.server.scheduled_ns);
  st.bind(i++, r.server.first_token_ns);
  st.bind(i++, r.server.finished_ns);
  st.bind(i++, static_cast<int64_t>(r.server.method));
  st.bind(i++, r.server.clock_offset_ns);
  st.bind(i++, r.server.offset_uncertainty_ns);
  st.bind(i++, r.purpose);
  st.bind(i++, int64_t{r.cached_tokens});
  st.step();
  st.reset();
}

void ServingWriter::add_samples(const serving::SeriesKey& key, const std::vector<serving::Sample>& samples,
                                bool from_log, const std::string& source) {
  std::lock_guard lock(impl_->mu);
  Impl& m = *impl_;
  m.begin();
  auto [it, added] = m.series_ids.try_emplace({key, from_log, source}, m.next_series);
  if (added) {
    ++m.next_series;
    SqliteStmt& st = *m.series;
    st.bind(1, it->second);
    st.bind(2, key.name);
    st.bind(3, labels_json(key.labels));
    st.bind(4, int64_t{from_log});
    st.bind(5, source);
    st.step();
    st.reset();
  }
  SqliteStmt& st = *m.sample;
  for (const auto& s : samples) {
    st.bind(1, it->second);
    st.bind(2, s.ts_ns);
    if (std::isnan(s.value))
      st.bind_null(3);  // SQLite stores NaN as NULL anyway; read back as NaN
    else
      st.bind(3, s.value);
    st.step();
    st.reset();
  }
}

void ServingWriter::add_server_event(const serving::ServerEvent& e) {
  std::lock_guard lock(impl_->mu);
  impl_->begin();
  SqliteStmt& st = *impl_->event;
  st.bind(1, e.ts_ns);
  st.bind(2, e.kind);
  st.bind(3, e.request_id);
  st.bind(4, e.raw_id);
  st.bind(5, e.value);
  st.step();
  st.reset();
}

void ServingWriter::add_kv_events(const std::vector<kv::KvBlockEvent>& events) {
  std::lock_guard lock(impl_->mu);
  impl_->begin();
  SqliteStmt& st = *impl_->kv_event;
  for (const auto& e : events) {
    st.bind(1, e.ts);
    st.bind(2, static_cast<int64_t>(e.hash));  // the hash's 64 bits, read back as uint64
    st.bind(3, int64_t{static_cast<uint8_t>(e.kind)});
    st.bind(4, int64_t{e.dp_rank});
    st.step();
    st.reset();
  }
}

void ServingWriter::commit() {
  std::lock_guard lock(impl_->mu);
  impl_->commit();
}

void ServingWriter::finish() {
  std::lock_guard lock(impl_->mu);
  Impl& m = *impl_;
  m.commit();
  std::vector<EncodedColumn> cols =
      encode_request_columns(serving::to_columns(read_request_rows(*m.db, m.file)));
  m.begin();
  m.db->exec("DELETE FROM requests_columns");
  auto ins = m.db->prepare("INSERT INTO requests_columns VALUES(?,?,?,?,?)");
  for (const auto& c : cols) {
    ins.bind(1, c.name);
    ins.bind(2, static_cast<int64_t>(m.next_request));
    ins.bind(3, c.codec);
    ins.bind(4, static_cast<int64_t>(c.raw_bytes));
    ins.bind_blob(5, c.data.data(), c.data.size());
    ins.step();
    ins.reset();
  }
  m.commit();
}

namespace {

[[noreturn]] void bad(const std::string& file, const std::string& what) {
  throw ImportError(file, 0, what);
}

// The requests from requests_columns, when those cover every row of the requests table.
std::optional<serving::RequestColumns> read_request_columns(SqliteDb& db, const std::string& file) {
  if (!db.has_table("requests_columns")) return std::nullopt;
  const int64_t rows = db.query_int("SELECT coalesce(max(idx), -1) + 1 FROM requests").value_or(0);
  std::map<std::string, EncodedColumn> cols;
  auto st = db.prepare("SELECT name, rows, codec, raw_bytes, data FROM requests_columns");
  while (st.step()) {
    if (st.int64(1) != rows) return std::nullopt;  // rows were added after finish()
    std::string name(st.text(0));
    cols[name] = {name, std::string(st.text(2)), static_cast<size_t>(st.int64(3)), std::string(st.blob(4))};
  }
  if (cols.empty()) return std::nullopt;
  return decode_request_columns(cols, static_cast<size_t>(rows), file);
}

// The requests table row by row, in row order.
std::vector<RequestRecord> read_request_rows(SqliteDb& db, const std::string& file) {
  std::vector<RequestRecord> out;
  const bool v3 = has_column(db, "requests", "purpose");
  auto st = db.prepare(std::string("SELECT request_id, endpoint, warmup, scheduled_ns, sent_ns, "
                                   "first_chunk_ns, first_token_ns, end_ns,"
                                   " token_chunks, prompt_tokens, output_tokens, tokens_from_usage, "
                                   "max_tokens, status, http_status, "
                                   "error,"
                                   " srv_received_ns, srv_queued_ns, srv_scheduled_ns, srv_first_token_ns, "
                                   "srv_finished_ns, srv_method,"
                                   " srv_clock_offset_ns, srv_offset_uncertainty_ns, idx") +
                       (v3 ? ", purpose, cached_tokens" : "") + " FROM requests ORDER BY idx");
  while (st.step()) {
    RequestRecord r;
    r.request_id = st.text(0);
    r.endpoint = st.text(1);
    r.warmup = st.int64(2) != 0;
    r.scheduled_ns = st.int64(3);
    r.sent_ns = st.int64(4);
    r.first_chunk_ns = st.int64(5);
    r.first_token_ns = st.int64(6);
    r.end_ns = st.int64(7);
    if (!decode_times(st.blob(8), r.token_chunk_ns))
      bad(file, fmt::format("requests row {}: corrupt token_chunks blob", st.int64(24)));
    r.prompt_tokens = static_cast<uint32_t>(st.int64(9));
    r.output_tokens = static_cast<uint32_t>(st.int64(10));
    r.tokens_from_usage = st.int64(11) != 0;
    r.max_tokens = static_cast<uint32_t>(st.int64(12));
    r.status = status_from(st.text(13));
    r.http_status = static_cast<int>(st.int64(14));
    r.error = st.text(15);
    r.server.received_ns = st.int64(16);
    r.server.queued_ns = st.int64(17);
    r.server.scheduled_ns = st.int64(18);
    r.server.first_token_ns = st.int64(19);
    r.server.finished_ns = st.int64(20);
    int64_t method = st.int64(21);
    r.server.method = method >= 0 && method <= 2 ? static_cast<serving::CorrelationMethod>(method)
                                                 : serving::CorrelationMethod::None;
    r.server.clock_offset_ns = st.int64(22);
    r.server.offset_uncertainty_ns = st.int64(23);
    if (v3) {
      r.purpose = st.text(25);
      r.cached_tokens = static_cast<uint32_t>(st.int64(26));
    }
    r.index = out.size();
    out.push_back(std::move(r));
  }
  return out;
}

void read_hotpath_tables(SqliteDb& db, const std::string& file, ServingData& out, RequestForm form) {
  {
    auto st = db.prepare("SELECT key, value FROM serving_meta");
    while (st.step()) out.meta[std::string(st.text(0))] = st.text(1);
  }
  auto cols = read_request_columns(db, file);
  if (form == RequestForm::Columns)
    out.request_columns = cols ? std::move(*cols) : serving::to_columns(read_request_rows(db, file));
  else
    out.requests = cols ? serving::to_records(*cols) : read_request_rows(db, file);
  std::map<int64_t, std::pair<serving::MetricSeries*, bool>> by_id;
  std::vector<std::pair<serving::MetricSeries, bool>> all;
  {
    auto st = db.prepare(has_column(db, "metric_series", "source")
                             ? "SELECT id, name, labels_json, from_log, source FROM metric_series ORDER BY id"
                             : "SELECT id, name, labels_json, from_log, '' FROM metric_series ORDER BY id");
    std::vector<int64_t> ids;
    while (st.step()) {
      serving::MetricSeries s;
      s.key.name = st.text(1);
      auto j = nlohmann::json::parse(st.text(2), nullptr, false);
      if (!j.is_object())
        bad(file, fmt::format("metric_series id {}: labels_json is not an object", st.int64(0)));
      for (auto& [n, v] : j.items())
        s.key.labels.push_back({n, v.is_string() ? v.get<std::string>() : v.dump()});
      serving::sort_labels(s.key.labels);
      s.source = st.text(4);
      ids.push_back(st.int64(0));
      all.emplace_back(std::move(s), st.int64(3) != 0);
    }
    for (size_t i = 0; i < ids.size(); ++i) by_id[ids[i]] = {&all[i].first, all[i].second};
  }
  {
    auto st =
        db.prepare("SELECT series_id, ts_ns, value FROM metric_samples ORDER BY series_id, ts_ns, rowid");
    while (st.step()) {
      auto it = by_id.find(st.int64(0));
      if (it == by_id.end()) bad(file, fmt::format("metric_samples: unknown series id {}", st.int64(0)));
      it->second.first->samples.push_back({st.int64(1), st.is_null(2) ? NAN : st.real(2)});
    }
  }
  for (auto& [s, from_log] : all) (from_log ? out.log_series : out.metrics).push_back(std::move(s));
  if (db.has_table("server_events")) {
    auto st =
        db.prepare("SELECT ts_ns, kind, request_id, raw_id, value FROM server_events ORDER BY ts_ns, rowid");
    while (st.step())
      out.server_events.push_back({st.int64(0), std::string(st.text(1)), std::string(st.text(2)),
                                   std::string(st.text(3)), st.int64(4)});
  }
  if (db.has_table("kv_block_events")) {
    auto st = db.prepare("SELECT ts_ns, hash, kind, dp_rank FROM kv_block_events ORDER BY rowid");
    while (st.step()) {
      const int64_t kind = st.int64(2);
      if (kind < 0 || kind > 2) bad(file, fmt::format("kv_block_events: kind {} is not 0, 1 or 2", kind));
      out.kv_events.push_back({st.int64(0), static_cast<uint64_t>(st.int64(1)),
                               static_cast<kv::KvEventKind>(kind), static_cast<int16_t>(st.int64(3))});
    }
  }
}

// The predecessor (alityb/hotpath) serve_profile.db: request_traces in steady_clock microseconds
// (origin unknown), vllm_metrics in Unix seconds. Client times are placed on the epoch by aligning
// the first request's arrival with the first metric sample (both taken when the run started; the
// poller ran at 1 Hz, so +-1 s); without metric samples they stay relative (meta says so). Server
// times came from log time-of-day with no date and cannot be placed: they are dropped. Chunk times
// were never stored.
void read_predecessor(SqliteDb& db, ServingData& out) {
  out.meta["source_format"] = "predecessor serve_profile.db (alityb/hotpath)";
  for (const char* t : {"meta", "serve_analysis", "traffic_stats"}) {
    if (!db.has_table(t)) continue;
    auto st = db.prepare(fmt::format("SELECT key, value FROM {}", t));
    while (st.step())
      out.meta[fmt::format("predecessor.{}.{}", t, st.text(0))] = redact_meta_value(st.text(0), st.text(1));
  }
  double first_sample_s = NAN;
  if (db.has_table("vllm_metrics")) {
    bool has_source = false;
    for (const auto& c : db.columns("vllm_metrics")) has_source |= c == "source";
    auto st =
        db.prepare(has_source ? "SELECT sample_time, metric, value, source FROM vllm_metrics ORDER BY rowid"
                              : "SELECT sample_time, metric, value FROM vllm_metrics ORDER BY rowid");
    std::map<serving::SeriesKey, size_t> idx;
    while (st.step()) {
      serving::SeriesKey k;
      k.name = st.text(1);
      if (has_source && !st.text(3).empty()) k.labels.push_back({"source", std::string(st.text(3))});
      auto [it, added] = idx.try_emplace(k, out.metrics.size());
      if (added) out.metrics.push_back({k, {}});
      double t = st.real(0);
      if (std::isnan(first_sample_s) || t < first_sample_s) first_sample_s = t;
      out.metrics[it->second].samples.push_back({static_cast<int64_t>(std::llround(t * 1e9)), st.real(2)});
    }
    for (auto& s : out.metrics)
      std::stable_sort(s.samples.begin(), s.samples.end(),
                       [](const auto& a, const auto& b) { return a.ts_ns < b.ts_ns; });
  }
  if (!db.has_table("request_traces")) return;
  auto cols = db.columns("request_traces");
  auto has = [&](const char* c) { return std::find(cols.begin(), cols.end(), c) != cols.end(); };
  std::string sql = fmt::format(
      "SELECT request_id, arrival_us, first_token_us, last_token_us, completion_us, prompt_tokens, "
      "output_tokens, "
      "status, {} FROM request_traces ORDER BY id",
      has("prompt_tokens_estimated") ? "prompt_tokens_estimated" : "1");
  auto st = db.prepare(sql);
  int64_t min_arrival = INT64_MAX;
  std::vector<RequestRecord> reqs;
  while (st.step()) {
    RequestRecord r;
    r.request_id = st.text(0);
    r.endpoint = "";
    r.sent_ns = r.scheduled_ns = st.int64(1) * 1000;
    r.first_chunk_ns = r.first_token_ns = st.int64(2) * 1000;
    r.end_ns = (st.int64(4) ? st.int64(4) : st.int64(3)) * 1000;
    r.prompt_tokens = static_cast<uint32_t>(std::max<int64_t>(0, st.int64(5)));
    r.output_tokens = static_cast<uint32_t>(std::max<int64_t>(0, st.int64(6)));
    r.tokens_from_usage = st.int64(8) == 0;
    std::string_view status = st.text(7);
    if (status == "error") {
      r.status = RequestStatus::HttpError;
      r.error = "predecessor recorded an error (no detail kept)";
    }
    if (r.sent_ns > 0) min_arrival = std::min(min_arrival, r.sent_ns);
    r.index = reqs.size();
    reqs.push_back(std::move(r));
  }
  // Epoch microseconds are after 2001 (1e15 us); steady_clock values are far smaller.
  bool epoch = min_arrival != INT64_MAX && min_arrival > 1'000'000'000'000'000'000;
  int64_t shift = 0;
  if (epoch) {
    out.meta["predecessor.clock"] = "epoch";
  } else if (!std::isnan(first_sample_s) && min_arrival != INT64_MAX) {
    shift = static_cast<int64_t>(std::llround(first_sample_s * 1e9)) - min_arrival;
    out.meta["predecessor.clock"] = "steady_clock aligned to the first metric sample (+-1 s)";
  } else {
    out.meta["predecessor.clock"] = "steady_clock, origin unknown (times are relative)";
  }
  out.meta["predecessor.lost"] =
      "server-side times (log time-of-day without a date), per-chunk times, error details, endpoint";
  for (auto& r : reqs) {
    for (int64_t* t : {&r.scheduled_ns, &r.sent_ns, &r.first_chunk_ns, &r.first_token_ns, &r.end_ns})
      if (*t) *t += shift;
    out.requests.push_back(std::move(r));
  }
}

}  // namespace

ServingData read_serving(const std::filesystem::path& path, RequestForm form) {
  ServingData out;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw ImportError(path.string(), 0, "no such run file");
  try {
    auto db = open_for_reading(path);
    if (db->has_table("requests") && db->has_table("serving_meta"))
      read_hotpath_tables(*db, path.string(), out, form);
    else if (db->has_table("request_traces") || db->has_table("vllm_metrics"))
      read_predecessor(*db, out);
    if (form == RequestForm::Columns && !out.requests.empty()) {
      out.request_columns = serving::to_columns(out.requests);
      out.requests.clear();
    }
  } catch (const SqliteError& e) {
    throw ImportError(path.string(), 0,
                      fmt::format("cannot read serving data (corrupt or truncated?): {}", e.detail()));
  }
  return out;
}

void copy_serving_tables(const std::filesystem::path& from, const std::filesystem::path& to) {
  { ServingWriter w(to); }  // creates the serving tables in `to` and bumps its schema version
  SqliteDb db(to, SqliteDb::Mode::Create);
  db.exec("PRAGMA busy_timeout=5000");
  auto attach = db.prepare("ATTACH DATABASE ? AS src");
  attach.bind(1, from.string());
  attach.step();
  db.exec("BEGIN");
  for (const char* t : {"serving_meta", "requests", "metric_series", "metric_samples", "server_events",
                        "requests_columns", "kv_block_events"}) {
    db.exec(fmt::format("DELETE FROM main.{}", t));
    if (db.query_int(fmt::format("SELECT count(*) FROM src.sqlite_master WHERE name = '{}'", t)).value_or(0))
      db.exec(fmt::format("INSERT INTO main.{0} SELECT * FROM src.{0}", t));
  }
  db.exec("COMMIT");
  db.exec("DETACH DATABASE src");
}

}  // namespace hp
