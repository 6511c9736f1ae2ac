// SqliteRowStream: two readers taking rowid ranges in turn give exactly a plain scan's rows, in its
// order, whatever the gaps in the rowids; a table without rowids is read by one reader.
#include "core/import/sqlite_row_stream.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/store/sqlite_db.h"
#include "support/temp_dir.h"

using namespace hp;

namespace {

struct Row {
  bool null;
  int64_t value;
  std::string text;
  bool operator==(const Row&) const = default;
};

std::vector<Row> plain_scan(const std::filesystem::path& db, const std::string& sql) {
  SqliteDb conn(db, SqliteDb::Mode::Immutable);
  SqliteStmt st = conn.prepare(sql);
  std::vector<Row> out;
  while (st.step()) out.push_back({st.is_null(1), st.int64(1), std::string(st.text(2))});
  return out;
}

std::vector<Row> streamed(const std::filesystem::path& db, const std::string& sql, const std::string& table,
                          size_t batch, size_t* readers) {
  SqliteRowStream st(db, sql, table, {2}, batch);
  *readers = st.readers();
  std::vector<Row> out;
  while (st.step()) out.push_back({st.is_null(1), st.int64(1), std::string(st.text(2))});
  return out;
}

}  // namespace

TEST_CASE("row stream: two readers give a plain scan's rows in its order", "[import][nsys][row_stream]") {
  const auto db = test::fresh_temp_dir("row_stream", "gaps") / "t.sqlite";
  {
    SqliteDb w(db, SqliteDb::Mode::Create);
    w.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER, s TEXT)");
    w.exec("CREATE TABLE norow(k INTEGER PRIMARY KEY, v INTEGER, s TEXT) WITHOUT ROWID");
    w.exec("CREATE TABLE empty(v INTEGER, w INTEGER, s TEXT)");
    w.exec("BEGIN");
    SqliteStmt ins = w.prepare("INSERT INTO t(id, v, s) VALUES(?, ?, ?)");
    SqliteStmt ins2 = w.prepare("INSERT INTO norow(k, v, s) VALUES(?, ?, ?)");
    // Rowids from -50 with gaps: whole empty ranges, a lone row, and a run past the last full range.
    for (int64_t id = -50; id < 5000; ++id) {
      if ((id >= 300 && id < 1700) || (id > 1800 && id < 2500 && id != 2222)) continue;
      for (SqliteStmt* s : {&ins, &ins2}) {
        s->bind(1, id);
        if (id % 7 == 0)
          s->bind_null(2);
        else
          s->bind(2, id * 3);
        s->bind(3, "row " + std::to_string(id));
        s->step();
        s->reset();
      }
    }
    w.exec("COMMIT");
  }
  for (size_t batch : {size_t{1}, size_t{7}, size_t{100}, size_t{8192}}) {
    INFO("rows per batch " << batch);
    size_t readers = 0;
    const std::string sql = "SELECT id, v, s FROM t";
    auto want = plain_scan(db, sql);
    REQUIRE(want.size() == 5050 - 1400 - 698);
    CHECK(streamed(db, sql, "t", batch, &readers) == want);
    CHECK(readers == (batch == 8192 ? 1u : 2u));  // one range holds every rowid: one reader
    const std::string sql2 = "SELECT k, v, s FROM norow";
    CHECK(streamed(db, sql2, "norow", batch, &readers) == plain_scan(db, sql2));
    CHECK(readers == 1);
    CHECK(streamed(db, "SELECT v, w, s FROM empty", "empty", batch, &readers).empty());
  }
}

TEST_CASE("row stream: a bad query throws before any reader starts", "[import][nsys][row_stream]") {
  const auto db = test::fresh_temp_dir("row_stream", "error") / "t.sqlite";
  {
    SqliteDb w(db, SqliteDb::Mode::Create);
    w.exec("CREATE TABLE t(a INTEGER, b INTEGER, c TEXT)");
  }
  CHECK_THROWS_AS(SqliteRowStream(db, "SELECT a, b, nope FROM t", "t"), SqliteError);
}
