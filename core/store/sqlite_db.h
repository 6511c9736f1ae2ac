#pragma once
// A thin RAII layer over the SQLite C API for hotpath's readers and writers: a connection, a
// prepared statement, and errors as exceptions that name the file and the failing statement.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace hp {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& file, const std::string& detail)
      : std::runtime_error(file + ": " + detail), code_(code), detail_(detail) {}
  int code() const { return code_; }
  const std::string& detail() const { return detail_; }  // the message without the file name

 private:
  int code_;
  std::string detail_;
};

// True when the first bytes are the SQLite 3 file header.
bool has_sqlite_header(std::string_view head);

class SqliteStmt;
class SqliteDb;

// Opens a file to read it without writing beside it. A finished file (no "-wal" beside it) opens
// immutable, so reading it leaves no "-wal" or "-shm" behind and works in a directory the reader
// cannot write. One still being written (a live capture's WAL) opens read-only, which sees the
// WAL's frames but needs a writable directory for the WAL index; immutable is the fallback.
std::unique_ptr<SqliteDb> open_for_reading(const std::filesystem::path& path);

// One connection, used by one thread at a time (opened without SQLite's per-call mutex).
class SqliteDb {
 public:
  enum class Mode { ReadOnly, Immutable, Create };
  SqliteDb(const std::filesystem::path& path, Mode mode);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  void exec(const std::string& sql);
  SqliteStmt prepare(const std::string& sql);
  bool has_table(const std::string& name);
  std::vector<std::string> tables();
  std::vector<std::string> columns(const std::string& table);  // PRAGMA table_info
  // The single value of a one-row query, or nullopt when it returns no row or NULL.
  std::optional<int64_t> query_int(const std::string& sql);
  std::optional<std::string> query_text(const std::string& sql);

  sqlite3* handle() { return db_; }
  const std::string& path() const { return path_; }
  [[noreturn]] void fail(int rc, const std::string& context);

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class SqliteStmt {
 public:
  SqliteStmt(SqliteDb& db, sqlite3_stmt* st) : db_(&db), st_(st) {}
  ~SqliteStmt();
  SqliteStmt(SqliteStmt&& o) noexcept : db_(o.db_), st_(o.st_) { o.st_ = nullptr; }
  SqliteStmt(const SqliteStmt&) = delete;
  SqliteStmt& operator=(const SqliteStmt&) = delete;

  bool step();  // true while a row is available; throws on error
  void reset();
  void bind(int i, int64_t v);
  void bind(int i, double v);
  void bind(int i, std::string_view text);
  void bind_blob(int i, const void* data, size_t n);
  void bind_null(int i);

  int column_count() const;
  std::string_view column_name(int col) const;
  bool is_null(int col) const;
  bool is_int(int col) const;
  bool is_real(int col) const;
  int64_t int64(int col) const;
  double real(int col) const;
  std::string_view text(int col) const;  // valid until the next step()
  std::string_view blob(int col) const;  // valid until the next step()

 private:
  SqliteDb* db_;
  sqlite3_stmt* st_;
};

// Quotes an identifier for SQL ("name" with inner quotes doubled).
std::string sql_ident(std::string_view name);

}  // namespace hp
