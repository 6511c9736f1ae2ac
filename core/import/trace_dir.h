#pragma once
// Trace directories: which files in a directory are traces, and the rank / stage that a file's
// name and parent directories carry (vLLM "...rank0...", SGLang "-TP-3", HTA "rank-0.",
// "prefill/" or "-decode" for disaggregated stages).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hp {

struct TraceFileInfo {
  std::optional<uint32_t> rank;
  std::string stage;    // "", "prefill", "decode" or "extend"
  bool merged = false;  // a "merged-*" file (all ranks in one)
};

TraceFileInfo trace_file_info(const std::filesystem::path& path);
// *.json, *.json.gz, *.json.zst, *.zst, *.pt.trace.json(.gz)...
bool is_trace_file_name(const std::filesystem::path& path);
// The trace files under `dir` (recursive), sorted by (stage, rank, path); merged-* files are
// dropped when per-rank files are present.
std::vector<std::filesystem::path> expand_trace_dir(const std::filesystem::path& dir);
// For a file found in a directory: empty when its first bytes look like a trace (a "traceEvents"
// key, or an array whose first event has a "ph"), else why it is not one (a sidecar such as
// SGLang's execution_details.json). Undecidable heads (a long preamble) count as traces.
std::string not_a_trace_reason(const std::filesystem::path& file);

}  // namespace hp
