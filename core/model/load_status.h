#pragma once
// What every loader shares: the error that stops a load (file, byte offset, problem) and the
// progress the UI thread polls.
#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace hp {

// A failure that stops a whole load. The message names the file, the byte offset and the problem.
class ImportError : public std::runtime_error {
 public:
  ImportError(const std::string& file, uint64_t offset, const std::string& what);
  const std::string& file() const { return file_; }
  uint64_t offset() const { return offset_; }

 private:
  std::string file_;
  uint64_t offset_;
};

// Progress shared with the UI thread: bytes done of total, and a cancel flag.
struct LoadProgress {
  std::atomic<uint64_t> done{0};
  std::atomic<uint64_t> total{0};
  std::atomic<bool> cancel{false};
  double fraction() const {
    uint64_t t = total.load();
    return t ? static_cast<double>(done.load()) / static_cast<double>(t) : 0.0;
  }
};

}  // namespace hp
