#pragma once
// The rows of a table scan, read ahead a batch at a time while the caller builds from the batch before.
// Stepping and decoding SQLite rows is most of an nsys import, so two readers share it: batches are
// rowid ranges handed to them in turn, each reader on a connection of its own, and the caller gets the
// rows in rowid order, a plain scan's order. A table without rowids is read by one reader. A cell keeps
// what the importers read: NULL or not, the integer value, and the text of the columns in text_cols.
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace hp {

class SqliteRowStream {
 public:
  // `select` is "SELECT <columns> FROM <table>" with nothing after; `table` is the table it names.
  SqliteRowStream(const std::filesystem::path& db, std::string select, const std::string& table,
                  std::vector<int> text_cols = {}, size_t rows_per_batch = 8192);
  SqliteRowStream(const SqliteRowStream&) = delete;
  SqliteRowStream& operator=(const SqliteRowStream&) = delete;
  ~SqliteRowStream();

  // The next row; false after the last. Rethrows a reader's SqliteError.
  bool step();
  bool is_null(int c) const { return cur_->nulls[row_ * cols_ + static_cast<size_t>(c)] != 0; }
  int64_t int64(int c) const { return cur_->ints[row_ * cols_ + static_cast<size_t>(c)]; }
  std::string_view text(int c) const;
  size_t readers() const { return n_readers_; }
  uint64_t rows_read() const { return rows_read_; }  // rows step() has returned so far

 private:
  struct Batch {
    std::vector<int64_t> ints;
    std::vector<uint8_t> nulls;
    std::string chars;
    std::vector<std::pair<uint32_t, uint32_t>> texts;
    size_t rows = 0;
    bool ready = false;
  };
  void read(size_t reader);
  Batch& slot(size_t k) { return slots_[k % n_readers_][(k / n_readers_) % kSlots]; }

  const std::filesystem::path db_;
  const std::string select_;
  const std::vector<int> text_cols_;
  const size_t rows_per_batch_;
  size_t cols_ = 0;
  bool ranged_ = false;  // batch k is the rowids [lo + k R, lo + (k + 1) R), R = rows_per_batch
  int64_t lo_ = 0;
  size_t batches_ = 0;  // when ranged
  size_t n_readers_ = 1;
  std::vector<std::thread> readers_;
  static constexpr size_t kSlots = 4;  // batches a reader may have read ahead
  Batch slots_[2][kSlots];             // per reader, the batches it fills in turn
  std::mutex mu_;
  std::condition_variable cv_;
  size_t next_ = 0;  // the batch the caller reads next
  bool done_ = false, stop_ = false;
  std::exception_ptr error_;
  Batch* cur_ = nullptr;
  size_t row_ = 0;
  uint64_t rows_read_ = 0;
};

}  // namespace hp
