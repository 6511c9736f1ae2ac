#pragma once
// SGLang's expert-distribution recorder driven over HTTP (shared/reference/kv-and-experts.md §3.2):
// POST /start_expert_distribution_record when a capture starts; POST
// /stop_expert_distribution_record and /dump_expert_distribution_record when it ends. The server
// writes the dump on its own disk (SGLANG_EXPERT_DISTRIBUTION_RECORDER_DIR); the user names that
// directory, and the new expert_distribution_* files in it are read back and stored in the run
// (table expert_dumps: name, bytes) so that opening the run shows them. A missing endpoint or no
// dump is a warning, never fatal to the capture.
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace hp::capture {

struct ExpertRecorderOptions {
  std::string base_url, api_key;
  std::filesystem::path dir;  // where the server writes its dumps
  std::string mode = "stat";  // what the server was started with: stat | per_pass (recorded, checked)
  double settle_s = 0.5, timeout_s = 30;
};

// The dump files (expert_distribution_recorder_*.pt, expert_distribution_rank*.csv) in `dir`.
std::set<std::filesystem::path> list_expert_dumps(const std::filesystem::path& dir);

// POST /start_expert_distribution_record. False with *error (naming the endpoint) on failure.
bool start_expert_record(const ExpertRecorderOptions& o, std::string* error);
// POST /stop_... then /dump_..., then waits for dump files not in `before` to appear and settle.
// Returns them sorted; empty with *error when a call failed or nothing appeared in time.
std::vector<std::filesystem::path> stop_and_dump_expert_record(const ExpertRecorderOptions& o,
                                                               const std::set<std::filesystem::path>& before,
                                                               std::string* error);

// Stores `dumps` in the run file's expert_dumps table (name, bytes); returns how many.
size_t save_expert_dumps(const std::filesystem::path& run_file,
                         const std::vector<std::filesystem::path>& dumps);

}  // namespace hp::capture
