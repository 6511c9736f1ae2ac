#include "core/model/import_log.h"

namespace hp {

void ImportLog::add(Severity sev, std::string code, std::string file, uint64_t offset, std::string message) {
  uint64_t& n = counts_[code];
  ++n;
  ++by_severity_[static_cast<int>(sev)];
  if (n <= kKeepPerCode)
    entries_.push_back({sev, std::move(code), std::move(file), offset, std::move(message)});
}

void ImportLog::merge(const ImportLog& other) {
  for (const auto& e : other.entries_) {
    if (++counts_[e.code] <= kKeepPerCode) entries_.push_back(e);
    ++by_severity_[static_cast<int>(e.severity)];
  }
  // Counts beyond the kept entries carry over as counts only.
  for (const auto& [code, n] : other.counts_) {
    uint64_t kept = 0;
    for (const auto& e : other.entries_) kept += e.code == code;
    counts_[code] += n - kept;
  }
}

ImportLog ImportLog::restore(std::vector<LogEntry> entries, std::map<std::string, uint64_t> counts,
                             const uint64_t (&by_severity)[3]) {
  ImportLog log;
  log.entries_ = std::move(entries);
  log.counts_ = std::move(counts);
  for (int i = 0; i < 3; ++i) log.by_severity_[i] = by_severity[i];
  return log;
}

uint64_t ImportLog::count(const std::string& code) const {
  auto it = counts_.find(code);
  return it == counts_.end() ? 0 : it->second;
}

}  // namespace hp
