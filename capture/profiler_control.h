#pragma once
// Torch-profiler control of a serving engine over HTTP, and collection of the traces it writes.
// vLLM: POST /start_profile and /stop_profile with no body (the server was started with
// VLLM_TORCH_PROFILER_DIR or --profiler-config). SGLang: POST /start_profile with a JSON body
// {"output_dir", "activities": ["CPU", "GPU"]} and POST /stop_profile (reference/serving.md 2.1-2.2).
// Traces are the new *.json / *.json.gz files in the profile directory; they are ready once their
// sizes have not changed for `settle_s` (large traces flush for a long time after /stop_profile).
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace hp::capture {

struct ProfilerOptions {
  std::string base_url;
  std::string engine = "vllm";  // "vllm" | "sglang"
  std::filesystem::path profile_dir;
  std::string api_key;
  double settle_s = 1.0;
  double timeout_s = 600;  // for the traces to appear and settle
  // SGLang only: stop on its own after this many engine steps (0: at /stop_profile), and with by_stage,
  // one capture of num_steps for prefill and one for decode (`profile_by_stage`).
  int num_steps = 0;
  bool by_stage = false;
};

bool start_profile(const ProfilerOptions& opt, std::string* error);
bool stop_profile(const ProfilerOptions& opt, std::string* error);

// Trace files (*.json, *.json.gz) directly in `dir` (recursively: SGLang may nest per rank).
std::set<std::filesystem::path> list_traces(const std::filesystem::path& dir);

// Waits for files that `list` finds in `dir`, not in `before`, to appear and stop growing (no size
// change for settle_s). Returns them (sorted); empty when none settled by the timeout, *seen_any
// saying whether any appeared.
std::vector<std::filesystem::path> wait_for_new_files(
    const std::filesystem::path& dir, const std::set<std::filesystem::path>& before,
    const std::function<std::set<std::filesystem::path>(const std::filesystem::path&)>& list, double settle_s,
    double timeout_s, bool* seen_any);

// Waits for trace files not in `before` to appear and stop growing. Returns them (sorted); empty
// with *error on timeout.
std::vector<std::filesystem::path> wait_for_traces(const std::filesystem::path& dir,
                                                   const std::set<std::filesystem::path>& before,
                                                   double settle_s, double timeout_s, std::string* error);

}  // namespace hp::capture
