#include "core/import/sqlite_row_stream.h"

#include "core/store/sqlite_db.h"

namespace hp {

SqliteRowStream::SqliteRowStream(const std::filesystem::path& db, std::string select,
                                 const std::string& table, std::vector<int> text_cols, size_t rows_per_batch)
    : db_(db), select_(std::move(select)), text_cols_(std::move(text_cols)), rows_per_batch_(rows_per_batch) {
  SqliteDb conn(db_, SqliteDb::Mode::Immutable);
  cols_ = static_cast<size_t>(conn.prepare(select_).column_count());
  try {  // a WITHOUT ROWID table (or a view) has no rowid: one reader scans it
    // Two queries: SQLite finds a lone min() or max() of the rowid in the b-tree, but scans the whole
    // table for both in one.
    SqliteStmt lo = conn.prepare("SELECT min(rowid) FROM " + sql_ident(table));
    SqliteStmt hi = conn.prepare("SELECT max(rowid) FROM " + sql_ident(table));
    lo.step(), hi.step();
    ranged_ = true;
    if (!lo.is_null(0)) {
      lo_ = lo.int64(0);
      const uint64_t span = static_cast<uint64_t>(hi.int64(0)) - static_cast<uint64_t>(lo_);
      batches_ = static_cast<size_t>(span / rows_per_batch_) + 1;
    }
  } catch (const SqliteError&) {
    ranged_ = false;
  }
  n_readers_ = ranged_ && batches_ > 1 ? 2 : 1;
  for (size_t r = 0; r < n_readers_; ++r) readers_.emplace_back([this, r] { read(r); });
}

SqliteRowStream::~SqliteRowStream() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : readers_) t.join();
}

std::string_view SqliteRowStream::text(int c) const {
  for (size_t k = 0; k < text_cols_.size(); ++k)
    if (text_cols_[k] == c) {
      auto [at, len] = cur_->texts[row_ * text_cols_.size() + k];
      return std::string_view(cur_->chars).substr(at, len);
    }
  return {};
}

bool SqliteRowStream::step() {
  if (cur_ && ++row_ < cur_->rows) return ++rows_read_, true;
  std::unique_lock<std::mutex> lock(mu_);
  if (cur_) cur_->rows = 0, cur_->ready = false, cur_ = nullptr, ++next_, cv_.notify_all();
  for (;;) {
    if (ranged_ && next_ >= batches_) break;
    Batch& b = slot(next_);
    cv_.wait(lock, [&] { return b.ready || error_ || done_; });
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    if (!b.ready) break;  // one reader, and it read every row
    if (b.rows == 0) {    // a rowid range with no rows left in it
      b.ready = false, ++next_, cv_.notify_all();
      continue;
    }
    cur_ = &b, row_ = 0, ++rows_read_;
    return true;
  }
  return false;
}

// Reader r fills batches r, r + n, r + 2n, ... (n readers), each into its next free slot.
void SqliteRowStream::read(size_t r) {
  try {
    SqliteDb conn(db_, SqliteDb::Mode::Immutable);
    // Pages read through a mapping, not copied out of the page cache by read() (a tenth of the import).
    conn.exec("PRAGMA mmap_size = 2147418112");
    SqliteStmt st = conn.prepare(ranged_ ? select_ + " WHERE rowid >= ?1 AND rowid < ?2" : select_);
    for (size_t j = 0;; ++j) {
      const size_t k = j * n_readers_ + r;
      if (ranged_ && k >= batches_) return;
      Batch& b = slots_[r][j % kSlots];
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return !b.ready || stop_; });
        if (stop_) return;
      }
      b.ints.resize(rows_per_batch_ * cols_), b.nulls.resize(rows_per_batch_ * cols_), b.chars.clear();
      b.texts.resize(rows_per_batch_ * text_cols_.size());
      if (ranged_) {
        st.reset();
        st.bind(1, lo_ + static_cast<int64_t>(k * rows_per_batch_));
        st.bind(2, lo_ + static_cast<int64_t>((k + 1) * rows_per_batch_));
      }
      bool more = true;
      size_t row = 0;
      for (; row < rows_per_batch_ && (more = st.step()); ++row) {
        for (size_t c = 0; c < cols_; ++c) {
          b.nulls[row * cols_ + c] = st.is_null(static_cast<int>(c));
          b.ints[row * cols_ + c] = st.int64(static_cast<int>(c));
        }
        for (size_t t = 0; t < text_cols_.size(); ++t) {
          std::string_view s = st.text(text_cols_[t]);
          b.texts[row * text_cols_.size() + t] = {static_cast<uint32_t>(b.chars.size()),
                                                  static_cast<uint32_t>(s.size())};
          b.chars += s;
        }
      }
      std::lock_guard<std::mutex> lock(mu_);
      b.rows = row;
      b.ready = ranged_ || row > 0;  // ranged: an empty range is still handed over, in its turn
      if (!ranged_ && !more) done_ = true;
      cv_.notify_all();
      if (!ranged_ && !more) return;
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mu_);
    error_ = std::current_exception(), done_ = true;
    cv_.notify_all();
  }
}

}  // namespace hp
