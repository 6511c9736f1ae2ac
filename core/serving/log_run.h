#pragma once
// `hotpath import LOG -o RUN`: a server log alone becomes a serving run. The engine is recognised from the
// text (vLLM, SGLang scheduler, TensorRT-LLM iteration log); its periodic stats and per-iteration lines
// become log series named by their canonical concept, in the concept's unit (see metric_map.json), so the
// same analyses read them as scraped metrics:
//   requests_running, requests_waiting, requests_swapped, kv_cache_usage and cpu_kv_cache_usage (fraction),
//   prefix_cache_hit_rate (fraction, the engine's rolling rate), prompt_throughput, gen_throughput (tok/s),
//   preemptions (cumulative: vLLM V1 prints the count per interval, summed here), spec_accept_length,
//   prefix_cache_hits / prefix_cache_queries (SGLang: cumulative cached / cached+new prefill tokens),
//   iteration.ctx_reqs, iteration.ctx_tokens, iteration.gen_reqs, iteration.gen_tokens, iteration.elapsed_ms.
// Label `engine` (vLLM DP engine index) or `dp`/`tp` (SGLang ranks) when the line has one.
// vLLM logs carry no year and whole-second times: the caller gives the year.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/serving_store.h"

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
LogRun log_run_from_text(std::string_view text, const LogRunOptions& opt = {});
// Reads the file (gzip/zstd by content). Year defaults to the file's modification year (UTC) when
// opt.year is 1970. Throws ImportError when unreadable or when no engine's lines are found.
LogRun log_run_from_file(const std::filesystem::path& path, LogRunOptions opt = {});
// True for *.log, *.log.gz, *.log.zst, *.txt(.gz) names.
bool looks_like_log_path(const std::filesystem::path& path);

}  // namespace hp::serving
