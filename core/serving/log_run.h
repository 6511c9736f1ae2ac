#pragma once
// `hotpath import LOG -o RUN`: a server log alone becomes a serving run. The engine is recognised from the
// text (vLLM, SGLang scheduler, TensorRT-LLM iteration log); its periodic stats and per-iteration lines
// become log series named by their canonical concept, in the concept's unit (see metric_map.json), so the
// same analyses read them as scraped metrics:
//   requests_running, requests_waiting, requests_swapped, kv_cache_usage and cpu_kv_cache_usage (fraction),
//   kv_cache_usage_swa (SGLang hybrid models' sliding-window pool, fraction; kv_cache_usage is the full
//   pool), prefix_cache_hit_rate (fraction, the engine's rolling rate), prompt_throughput, gen_throughput
//   (tok/s), preemptions (cumulative: vLLM V1 prints the count per interval, summed here),
//   spec_accept_length, prefix_cache_hits / prefix_cache_queries (SGLang: cumulative cached / cached+new
//   prefill tokens), iteration.ctx_reqs, iteration.ctx_tokens, iteration.gen_reqs, iteration.gen_tokens,
//   iteration.elapsed_ms (vLLM and TensorRT-LLM per iteration; SGLang per prefill / decode batch line,
//   without a duration).
// Label `engine` (vLLM DP engine index) or `dp`/`tp` (SGLang ranks) when the line has one.
// vLLM logs carry no year and whole-second times: the caller gives the year. A vLLM log's per-request
// lines also become requests with server times only (log_requests.h; meta "requests.from_log").
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/serving/serving_data.h"

namespace hp::serving {

struct LogRunOptions {
  int year = 1970;           // for vLLM's year-less timestamps
  int64_t utc_offset_s = 0;  // the log clock's offset from UTC
  std::string source_name;   // recorded in meta["log.file"]
};

struct LogRun {
  ServingData data;
  std::string engine;  // "vllm", "sglang", "trtllm"
  std::vector<std::string> warnings;
};

// "vllm", "sglang", "trtllm" or "" from the text.
std::string detect_log_engine(std::string_view text);

// The conversion itself, incremental: `hotpath import LOG` feeds it a whole log, and the log tailer of
// serve-profile (capture/log_tailer.h) feeds it complete lines as the server writes them. Both get the
// same series. Running totals (vLLM V1 preemptions, SGLang prefix-cache tokens) carry across feeds.
class LogConverter {
 public:
  // engine: "vllm", "sglang" or "trtllm"; anything else throws std::invalid_argument.
  explicit LogConverter(std::string engine, const LogRunOptions& opt = {});
  struct Piece {
    std::vector<MetricSeries> series;  // the samples this text added, per series, sorted by time
    std::vector<ServerEvent> events;   // vLLM request events (Received, Added, Finished, Aborted)
    uint32_t lines = 0;                // lines in the text
    uint32_t records = 0;              // stats lines, iterations and batches that became samples
    uint32_t malformed = 0;            // lines that looked like a record but did not parse
  };
  Piece feed(std::string_view text);  // complete lines ('\n'-terminated), in file order
  const std::string& engine() const { return engine_; }
  // After the last feed: the meta keys `hotpath import LOG` records (engine, log.*) and warnings.
  void finish(std::map<std::string, std::string>& meta, std::vector<std::string>& warnings) const;

 private:
  std::string engine_;
  LogRunOptions opt_;
  std::map<Labels, double> preempt_;  // vLLM V1 / SGLang retractions: cumulative per engine label set
  uint64_t retractions_ = 0;          // SGLang retraction lines
  std::map<Labels, std::pair<double, double>> cache_;  // SGLang: cumulative (cached, cached + new)
  std::set<SeriesKey> totals_started_;                 // running totals that have their leading 0
  uint64_t lines_ = 0, malformed_ = 0, stats_ = 0, iterations_ = 0, batches_ = 0, untimed_ = 0;
  uint64_t received_ = 0, finished_ = 0, access_ = 0;
  bool v0_ = false;
  int64_t kv_cache_tokens_ = -1;
  int64_t tp_ = -1, pp_ = -1, dp_ = -1;  // the engine's parallel sizes from its startup lines
  std::string model_;                    // the model its startup lines name
  double max_concurrency_ = -1;
};
LogRun log_run_from_text(std::string_view text, const LogRunOptions& opt = {});
// Reads the file (gzip/zstd by content). Year defaults to the file's modification year (UTC) when
// opt.year is 1970. Throws ImportError when unreadable or when no engine's lines are found.
LogRun log_run_from_file(const std::filesystem::path& path, LogRunOptions opt = {});
// True for *.log, *.log.gz, *.log.zst, *.txt(.gz) names.
bool looks_like_log_path(const std::filesystem::path& path);

}  // namespace hp::serving
