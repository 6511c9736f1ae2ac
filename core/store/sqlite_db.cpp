#include "core/store/sqlite_db.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cstring>

namespace hp {

bool has_sqlite_header(std::string_view head) {
  static constexpr char kMagic[] = "SQLite format 3";  // followed by a NUL byte in the file
  return head.size() >= sizeof(kMagic) && std::memcmp(head.data(), kMagic, sizeof(kMagic)) == 0;
}

// SQLite URIs need '%', '?' and '#' escaped in the path part.
static std::string file_uri(const std::string& path, bool immutable) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#')
      uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    else
      uri += c;
  }
  uri += immutable ? "?mode=ro&immutable=1" : "?mode=ro";
  return uri;
}

SqliteDb::SqliteDb(const std::filesystem::path& path, Mode mode) : path_(path.string()) {
  int rc;
  // A connection is used by one thread at a time (ServingWriter locks its own): no per-call mutex
  // (17% of reading, and of writing, a million request rows went to locking it).
  if (mode == Mode::Create) {
    rc = sqlite3_open_v2(path_.c_str(), &db_,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  } else {
    rc = sqlite3_open_v2(file_uri(path_, mode == Mode::Immutable).c_str(), &db_,
                         SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
  }
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError(rc, path_, fmt::format("cannot open as SQLite: {}", msg));
  }
  sqlite3_extended_result_codes(db_, 1);
}

std::unique_ptr<SqliteDb> open_for_reading(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path.string() + "-wal", ec))
    return std::make_unique<SqliteDb>(path, SqliteDb::Mode::Immutable);
  try {
    auto db = std::make_unique<SqliteDb>(path, SqliteDb::Mode::ReadOnly);
    db->query_int("SELECT count(*) FROM sqlite_master");
    return db;
  } catch (const SqliteError&) {
    return std::make_unique<SqliteDb>(path, SqliteDb::Mode::Immutable);
  }
}

SqliteDb::~SqliteDb() {
  sqlite3_close(db_);
}

void SqliteDb::fail(int rc, const std::string& context) {
  throw SqliteError(rc, path_, fmt::format("SQLite error in {}: {}", context, sqlite3_errmsg(db_)));
}

void SqliteDb::exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw SqliteError(rc, path_, fmt::format("SQLite error in \"{}\": {}", sql.substr(0, 80), msg));
  }
}

SqliteStmt SqliteDb::prepare(const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &st, nullptr);
  if (rc != SQLITE_OK) fail(rc, "\"" + sql.substr(0, 80) + "\"");
  return SqliteStmt(*this, st);
}

bool SqliteDb::has_table(const std::string& name) {
  auto st = prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?");
  st.bind(1, name);
  return st.step();
}

std::vector<std::string> SqliteDb::tables() {
  std::vector<std::string> out;
  auto st = prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name");
  while (st.step()) out.emplace_back(st.text(0));
  return out;
}

std::vector<std::string> SqliteDb::columns(const std::string& table) {
  std::vector<std::string> out;
  auto st = prepare("PRAGMA table_info(" + sql_ident(table) + ")");
  while (st.step()) out.emplace_back(st.text(1));
  return out;
}

std::optional<int64_t> SqliteDb::query_int(const std::string& sql) {
  auto st = prepare(sql);
  if (!st.step() || st.is_null(0)) return std::nullopt;
  return st.int64(0);
}

std::optional<std::string> SqliteDb::query_text(const std::string& sql) {
  auto st = prepare(sql);
  if (!st.step() || st.is_null(0)) return std::nullopt;
  return std::string(st.text(0));
}

SqliteStmt::~SqliteStmt() {
  sqlite3_finalize(st_);
}

bool SqliteStmt::step() {
  int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const char* sql = sqlite3_sql(st_);
  db_->fail(rc, "\"" + std::string(sql ? sql : "").substr(0, 80) + "\"");
}

void SqliteStmt::reset() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}

void SqliteStmt::bind(int i, int64_t v) {
  sqlite3_bind_int64(st_, i, v);
}
void SqliteStmt::bind(int i, double v) {
  sqlite3_bind_double(st_, i, v);
}
void SqliteStmt::bind(int i, std::string_view t) {
  sqlite3_bind_text64(st_, i, t.data(), t.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
void SqliteStmt::bind_blob(int i, const void* data, size_t n) {
  sqlite3_bind_blob64(st_, i, n ? data : "", n, SQLITE_TRANSIENT);
}
void SqliteStmt::bind_null(int i) {
  sqlite3_bind_null(st_, i);
}

int SqliteStmt::column_count() const {
  return sqlite3_column_count(st_);
}
std::string_view SqliteStmt::column_name(int col) const {
  const char* n = sqlite3_column_name(st_, col);
  return n ? n : "";
}
bool SqliteStmt::is_int(int col) const {
  return sqlite3_column_type(st_, col) == SQLITE_INTEGER;
}
bool SqliteStmt::is_real(int col) const {
  return sqlite3_column_type(st_, col) == SQLITE_FLOAT;
}
bool SqliteStmt::is_null(int col) const {
  return sqlite3_column_type(st_, col) == SQLITE_NULL;
}
int64_t SqliteStmt::int64(int col) const {
  return sqlite3_column_int64(st_, col);
}
double SqliteStmt::real(int col) const {
  return sqlite3_column_double(st_, col);
}
std::string_view SqliteStmt::text(int col) const {
  const unsigned char* p = sqlite3_column_text(st_, col);
  int n = sqlite3_column_bytes(st_, col);
  return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string_view();
}
std::string_view SqliteStmt::blob(int col) const {
  const void* p = sqlite3_column_blob(st_, col);
  int n = sqlite3_column_bytes(st_, col);
  return p ? std::string_view(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string_view();
}

std::string sql_ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace hp
