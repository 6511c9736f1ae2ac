#include "capture/log_tailer.h"

#include <sys/stat.h>
#include <time.h>

#include <chrono>
#include <fstream>
#include <stdexcept>

#include "capture/replay_client.h"
#include "core/serving/log_run.h"
#include "core/serving/serving_sink.h"

namespace hp::capture {

namespace {
constexpr size_t kHeadBytes = 1 << 20;       // start-up lines read for "auto"
constexpr size_t kMaxUndecided = 16u << 20;  // lines kept while "auto" waits for a telling line
}  // namespace

LogTailer::LogTailer(std::filesystem::path path, ServingSink* writer, LogTailerOptions opt)
    : path_(std::move(path)), writer_(writer), opt_(std::move(opt)) {
  if (opt_.engine != "auto" && opt_.engine != "vllm" && opt_.engine != "sglang" && opt_.engine != "trtllm")
    throw std::invalid_argument("--server-log: unknown engine '" + opt_.engine +
                                "' (vllm, sglang, trtllm or auto)");
}

LogTailer::~LogTailer() {
  stop();
}

std::string LogTailer::engine() const {
  std::lock_guard lock(mu_);
  return engine_;
}

std::string LogTailer::engine_source() const {
  std::lock_guard lock(mu_);
  return source_;
}

void LogTailer::start() {
  std::error_code ec;
  auto size = std::filesystem::file_size(path_, ec);
  offset_ = ec ? 0 : size;
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0) inode_ = st.st_ino;
  if (opt_.year <= 0) {
    time_t now = time(nullptr);
    tm t;
    gmtime_r(&now, &t);
    opt_.year = t.tm_year + 1900;
  }
  if (opt_.engine == "auto" && offset_ > 0) {  // the server's start-up lines name the engine
    std::ifstream in(path_, std::ios::binary);
    std::string head(std::min<uint64_t>(offset_, kHeadBytes), '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    head_engine_ = serving::detect_log_engine(head);
  }
  if (opt_.engine != "auto") choose({}, false);
  stop_ = false;
  thread_ = std::thread([this] {
    while (!stop_) {
      poll();
      for (int i = 0; i < 25 && !stop_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
}

void LogTailer::stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  thread_.join();
  poll();
  std::string rest = partial_.empty() ? std::string() : partial_ + "\n";  // a last line without '\n'
  partial_.clear();
  process(rest, true);
}

void LogTailer::poll() {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) return;  // rotated away: the new file comes back later
  const auto size = static_cast<uint64_t>(st.st_size);
  // Truncated, or rotated (a new file under the same name): read the new one from its start.
  if (size < offset_ || (inode_ && st.st_ino != inode_)) {
    offset_ = 0, partial_.clear();
    stats_.restarts++;
  }
  inode_ = st.st_ino;
  if (size == offset_) return;
  std::ifstream in(path_, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset_));
  std::string buf(size - offset_, '\0');
  in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
  buf.resize(static_cast<size_t>(in.gcount()));
  offset_ += buf.size();
  stats_.bytes += buf.size();
  partial_ += buf;
  size_t last = partial_.rfind('\n');
  if (last == std::string::npos) return;
  std::string text = partial_.substr(0, last + 1);
  partial_.erase(0, last + 1);
  process(text, false);
}

// Picks the parser once: --engine, else the lines of this run, else the head, else the hint; at the
// end of the run (or when too much text waits) an undecided log is read as vLLM's.
bool LogTailer::choose(std::string_view text, bool last) {
  std::string engine, source;
  if (opt_.engine != "auto") {
    engine = opt_.engine, source = "--engine";
  } else if (std::string e = serving::detect_log_engine(text); !e.empty()) {
    engine = e, source = "log lines";
  } else if (!head_engine_.empty()) {
    engine = head_engine_, source = "log head";
  } else if (!opt_.hint.empty() && (opt_.hint == "vllm" || opt_.hint == "sglang" || opt_.hint == "trtllm")) {
    engine = opt_.hint, source = "hint";
  } else if (last || text.size() > kMaxUndecided) {
    engine = "vllm", source = "default (vllm)";
  } else {
    return false;
  }
  serving::LogRunOptions lo;
  lo.year = opt_.year;
  conv_ = std::make_unique<serving::LogConverter>(engine, lo);
  std::lock_guard lock(mu_);
  engine_ = engine, source_ = source;
  return true;
}

void LogTailer::process(std::string_view text, bool last) {
  if (!conv_) {
    undecided_.append(text);
    if (undecided_.empty() || !choose(undecided_, last)) return;
    std::string pending = std::move(undecided_);
    undecided_.clear();
    process(pending, last);
    return;
  }
  if (text.empty()) return;
  serving::LogConverter::Piece piece = conv_->feed(text);
  stats_.lines += piece.lines;
  if (piece.lines) stats_.last_line_ns = epoch_now_ns();
  stats_.unparsed += piece.malformed;
  stats_.records += piece.records;
  stats_.request_events += piece.events.size();
  if (!writer_) return;
  for (const auto& s : piece.series) writer_->add_samples(s.key, s.samples, /*from_log=*/true);
  for (const auto& e : piece.events) writer_->add_server_event(e);
}

}  // namespace hp::capture
