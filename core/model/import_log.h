#pragma once
// The import log: every warning and error an importer raises, with file and byte offset.
// Entries are counted by code; the first kKeepPerCode of each code keep their full text.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hp {

enum class Severity : uint8_t { Info, Warning, Error };

struct LogEntry {
  static constexpr uint64_t kNoOffset = UINT64_MAX;  // the entry has no byte offset (say so, never "0")
  Severity severity = Severity::Warning;
  std::string code;  // short stable key, e.g. "json.truncated", "slice.overlap", "redacted"
  std::string file;
  uint64_t offset = kNoOffset;  // byte offset in the (decompressed) input, or kNoOffset
  std::string message;
};

class ImportLog {
 public:
  static constexpr size_t kKeepPerCode = 50;

  void add(Severity sev, std::string code, std::string file, uint64_t offset, std::string message);
  void info(std::string code, std::string file, std::string message) {
    add(Severity::Info, std::move(code), std::move(file), LogEntry::kNoOffset, std::move(message));
  }
  void warn(std::string code, std::string file, uint64_t offset, std::string message) {
    add(Severity::Warning, std::move(code), std::move(file), offset, std::move(message));
  }
  void error(std::string code, std::string file, uint64_t offset, std::string message) {
    add(Severity::Error, std::move(code), std::move(file), offset, std::move(message));
  }
  void merge(const ImportLog& other);
  // Rebuilds a saved log (run files): the kept entries, the count per code and per severity.
  static ImportLog restore(std::vector<LogEntry> entries, std::map<std::string, uint64_t> counts,
                           const uint64_t (&by_severity)[3]);

  const std::vector<LogEntry>& entries() const { return entries_; }
  // Count of every add() per code, including entries beyond kKeepPerCode.
  const std::map<std::string, uint64_t>& counts() const { return counts_; }
  uint64_t count(Severity sev) const { return by_severity_[static_cast<int>(sev)]; }
  uint64_t count(const std::string& code) const;
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<LogEntry> entries_;
  std::map<std::string, uint64_t> counts_;
  uint64_t by_severity_[3] = {0, 0, 0};
};

}  // namespace hp
