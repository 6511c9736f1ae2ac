#pragma once
// TensorRT-LLM iteration statistics: `trtllm-serve` answers GET /metrics (with enable_iter_perf_stats) with
// a JSON array of IterationStats, one object per engine iteration; saved to a file, or written one object
// per line. Read here into series named by concept, per `attentionDpRank` (label "rank") when present:
//   kv_cache_usage        kvCacheStats.usedNumBlocks / maxNumBlocks (max - free when used is absent)
//   prefix_cache_hits     kvCacheStats.reusedBlocks (cumulative since the engine started)
//   prefix_cache_queries  reusedBlocks + missedBlocks (so hits/queries = the engine's cacheHitRate)
//   requests_running      numActiveRequests;  requests_waiting  numQueuedRequests
// and the KV capacity maxNumBlocks x tokensPerBlock. Times come from `timestamp`, which the C++ executor
// writes as local "MM-DD-YYYY HH:MM:SS.uuuuuu" (ISO "YYYY-MM-DD[T ]HH:MM:SS" is accepted too); taken as UTC
// unless utc_offset_s gives the server clock's offset. Items without a usable timestamp are skipped and
// counted. Pure.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/serving/metric_sample.h"

namespace hp::serving {

struct TrtllmStats {
  std::vector<MetricSeries> series;
  int64_t kv_cache_tokens = -1;  // maxNumBlocks x tokensPerBlock, the largest seen; -1 when unknown
  uint64_t items = 0;            // iteration objects read
  uint64_t skipped = 0;          // objects without a timestamp or any known field
  std::string first_issue;       // "item 3: no timestamp", for the import log
};

// What is wrong with the text and where (byte offset into it).
struct TrtllmStatsError : std::runtime_error {
  TrtllmStatsError(uint64_t at, const std::string& what) : std::runtime_error(what), offset(at) {}
  uint64_t offset = 0;
};

// Throws TrtllmStatsError when the text is neither a JSON array of objects nor one object per line.
TrtllmStats parse_trtllm_iteration_stats(std::string_view text, int64_t utc_offset_s = 0);

// A JSON text whose head holds IterationStats fields ("kvCacheStats" or "iterLatencyMS").
bool looks_like_trtllm_stats(std::string_view head);

}  // namespace hp::serving
