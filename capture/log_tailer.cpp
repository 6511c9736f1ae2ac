#include "capture/log_tailer.h"

#include <time.h>

#include <chrono>
#include <cmath>
#include <fstream>

#include "core/serving/vllm_log.h"
#include "core/store/serving_store.h"

namespace hp::capture {

LogTailer::LogTailer(std::filesystem::path path, ServingWriter* writer)
    : path_(std::move(path)), writer_(writer) {}

LogTailer::~LogTailer() {
  stop();
}

void LogTailer::start() {
  std::error_code ec;
  auto size = std::filesystem::file_size(path_, ec);
  offset_ = ec ? 0 : size;
  time_t now = time(nullptr);
  tm t;
  gmtime_r(&now, &t);
  year_ = t.tm_year + 1900;
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
  if (!partial_.empty()) process(partial_ + "\n");  // a last line without its newline
  partial_.clear();
}

void LogTailer::poll() {
  std::error_code ec;
  auto size = std::filesystem::file_size(path_, ec);
  if (ec) return;
  if (size < offset_) offset_ = 0, partial_.clear();  // rotated or truncated
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
  process(text);
}

void LogTailer::process(std::string_view text) {
  serving::VllmLogOptions opt;
  opt.year = year_;
  serving::VllmLog log = serving::parse_vllm_log(text, opt);
  stats_.lines += log.lines;
  stats_.unparsed += log.malformed;
  stats_.stats_lines += log.stats.size();
  stats_.iterations += log.iterations.size();
  stats_.request_events += log.requests.size();
  if (!writer_) return;
  auto put = [&](const char* name, int engine, int64_t ts, double v) {
    serving::SeriesKey k{std::string("vllm_log:") + name, {}};
    if (engine >= 0) k.labels.push_back({"engine", std::to_string(engine)});
    writer_->add_samples(k, {{ts, v}}, true);
  };
  for (const auto& s : log.stats) {
    put("prompt_tps", s.engine, s.ts_ns, s.prompt_tps);
    put("gen_tps", s.engine, s.ts_ns, s.gen_tps);
    put("running", s.engine, s.ts_ns, static_cast<double>(s.running));
    put("waiting", s.engine, s.ts_ns, static_cast<double>(s.waiting));
    put("gpu_kv_usage_pct", s.engine, s.ts_ns, s.gpu_kv_usage_pct);
    if (s.prefix_hit_pct >= 0) put("prefix_hit_pct", s.engine, s.ts_ns, s.prefix_hit_pct);
    if (s.preemptions >= 0) put("preemptions", s.engine, s.ts_ns, static_cast<double>(s.preemptions));
  }
  for (const auto& it : log.iterations) {
    put("iteration_ctx_reqs", -1, it.ts_ns, static_cast<double>(it.ctx_reqs));
    put("iteration_ctx_tokens", -1, it.ts_ns, static_cast<double>(it.ctx_tokens));
    put("iteration_gen_reqs", -1, it.ts_ns, static_cast<double>(it.gen_reqs));
    put("iteration_gen_tokens", -1, it.ts_ns, static_cast<double>(it.gen_tokens));
    put("iteration_elapsed_ms", -1, it.ts_ns, it.elapsed_ms);
  }
  for (const auto& r : log.requests) {
    static const char* kKinds[] = {"received", "added", "finished", "aborted"};
    serving::ServerEvent e;
    e.ts_ns = r.ts_ns;
    e.kind = kKinds[static_cast<int>(r.kind)];
    e.request_id = r.client_id.empty() ? r.raw_id : r.client_id;
    e.raw_id = r.raw_id;
    e.value = r.max_tokens;
    writer_->add_server_event(e);
  }
}

}  // namespace hp::capture
