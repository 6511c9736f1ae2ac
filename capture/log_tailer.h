#pragma once
// Follows a server log while a capture runs: starts at the file's size when start() is called (only
// what the server writes during the run is read), reads complete lines every 250 ms, parses them
// as vLLM log lines (core/serving/vllm_log.h) and stores
//   - stats lines and iteration lines as log series (ServingWriter::add_samples(from_log = true)),
//     named vllm_log:<field> with an "engine" label when the line names one;
//   - Received / Added / Finished / Aborted request lines as server events (table server_events),
//     with the client id (our X-Request-Id) recovered from vLLM's request id, for correlation.
// A file that shrinks (rotated or truncated) is read again from its start.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>

namespace hp {
class ServingWriter;
}

namespace hp::capture {

struct TailStats {
  std::atomic<uint64_t> bytes{0}, lines{0}, stats_lines{0}, iterations{0}, request_events{0}, unparsed{0};
};

class LogTailer {
 public:
  LogTailer(std::filesystem::path path, ServingWriter* writer);
  ~LogTailer();  // stops
  void start();
  void stop();  // reads what is left, then stops
  const TailStats& stats() const { return stats_; }

 private:
  void poll();
  void process(std::string_view text);
  std::filesystem::path path_;
  ServingWriter* writer_;
  uint64_t offset_ = 0;
  std::string partial_;
  int year_ = 1970;
  TailStats stats_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace hp::capture
