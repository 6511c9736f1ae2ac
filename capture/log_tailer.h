#pragma once
// Follows a server log while a capture runs: starts at the file's size when start() is called (only
// what the server writes during the run is read), reads complete lines every 250 ms and converts
// them with the same LogConverter as `hotpath import LOG` (core/serving/log_run.h), for vLLM, SGLang
// or TensorRT-LLM logs:
//   - stats, batch and iteration lines become log series under their canonical concept names
//     (requests_running, kv_cache_usage, iteration.ctx_tokens, ...; ServingSink::add_samples with
//     from_log = true), so the reports read them as they read an imported log;
//   - vLLM Received / Added / Finished / Aborted request lines become server events (table
//     server_events), with the client id (our X-Request-Id) recovered from vLLM's request id.
// Engine "auto" picks the parser from the lines written during the run, else from the file's
// existing head (the server's start-up lines), else from `hint` (e.g. what /metrics said); lines
// read before the choice are kept and parsed once it is made. A file that shrinks (rotated or
// truncated) is read again from its start.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace hp {
class ServingSink;
namespace serving {
class LogConverter;
}
}  // namespace hp

namespace hp::capture {

struct TailStats {
  std::atomic<uint64_t> bytes{0}, lines{0};
  std::atomic<uint64_t> records{0};         // stats lines, iterations, batches that became samples
  std::atomic<uint64_t> request_events{0};  // vLLM request lines stored as server events
  std::atomic<uint64_t> unparsed{0};        // lines that looked like a record but did not parse
  std::atomic<int64_t> last_line_ns{0};     // epoch ns when a line was last read; 0 never
  std::atomic<uint64_t> restarts{0};        // the file was truncated or replaced: read from its start
};

struct LogTailerOptions {
  std::string engine = "auto";  // "vllm", "sglang", "trtllm" or "auto"
  std::string hint;             // for "auto" when neither the new lines nor the head tell
  int year = 0;                 // vLLM logs carry no year; 0: the current year (UTC)
};

class LogTailer {
 public:
  // Throws std::invalid_argument for an unknown engine.
  LogTailer(std::filesystem::path path, ServingSink* writer, LogTailerOptions opt = {});
  ~LogTailer();  // stops
  void start();
  void stop();  // reads what is left, then stops
  const TailStats& stats() const { return stats_; }
  // The parser in use ("" while "auto" has not decided) and what decided it: "--engine", "log lines",
  // "log head", "hint" or "default (vllm)".
  std::string engine() const;
  std::string engine_source() const;

 private:
  void poll();
  void process(std::string_view text, bool last);
  bool choose(std::string_view text, bool last);
  std::filesystem::path path_;
  ServingSink* writer_;
  LogTailerOptions opt_;
  uint64_t offset_ = 0;
  uint64_t inode_ = 0;  // of the file being read; another one under the name means it was rotated
  std::string partial_;
  std::string undecided_;  // complete lines read while "auto" has not chosen a parser
  std::string head_engine_;
  std::unique_ptr<serving::LogConverter> conv_;
  mutable std::mutex mu_;  // guards engine_/source_ for the accessors
  std::string engine_, source_;
  TailStats stats_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace hp::capture
