#include "capture/profiler_control.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "capture/replay_client.h"

namespace hp::capture {
namespace {

bool post(const ProfilerOptions& opt, const std::string& path, const std::string& body, std::string* error) {
  std::string resp, err;
  int code = http_request("POST", opt.base_url + path, body, &resp, &err, 600, opt.api_key);
  if (code >= 200 && code < 300) return true;
  if (error) {
    *error = code ? "POST " + path + ": HTTP " + std::to_string(code) + " " + resp.substr(0, 200)
                  : "POST " + path + ": " + err;
    if (code == 404)
      *error +=
          " (vLLM registers the profiler routes only when started with VLLM_TORCH_PROFILER_DIR or "
          "--profiler-config)";
  }
  return false;
}

bool is_trace(const std::filesystem::path& p) {
  std::string n = p.filename().string();
  auto ends = [&](const std::string& s) {
    return n.size() >= s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0;
  };
  return ends(".json") || ends(".json.gz");
}

}  // namespace

bool start_profile(const ProfilerOptions& opt, std::string* error) {
  std::string body;
  if (opt.engine == "sglang") {
    nlohmann::json j = {{"activities", {"CPU", "GPU"}}};
    if (!opt.profile_dir.empty()) j["output_dir"] = opt.profile_dir.string();
    if (opt.num_steps > 0) j["num_steps"] = opt.num_steps;
    if (opt.by_stage) j["profile_by_stage"] = true;
    body = j.dump();
  }
  return post(opt, "/start_profile", body, error);
}

bool stop_profile(const ProfilerOptions& opt, std::string* error) {
  return post(opt, "/stop_profile", "", error);
}

std::set<std::filesystem::path> list_traces(const std::filesystem::path& dir) {
  std::set<std::filesystem::path> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec) && is_trace(it->path())) out.insert(it->path());
  return out;
}

std::vector<std::filesystem::path> wait_for_new_files(
    const std::filesystem::path& dir, const std::set<std::filesystem::path>& before,
    const std::function<std::set<std::filesystem::path>(const std::filesystem::path&)>& list, double settle_s,
    double timeout_s, bool* seen_any) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  const auto settle = std::chrono::milliseconds(static_cast<int64_t>(settle_s * 1000));
  std::map<std::filesystem::path, std::pair<uintmax_t, Clock::time_point>> seen;  // size, since when
  while (Clock::now() < deadline) {
    const auto now = Clock::now();
    bool all_settled = true;
    std::vector<std::filesystem::path> fresh;
    for (const auto& p : list(dir)) {
      if (before.count(p)) continue;
      std::error_code ec;
      const uintmax_t size = std::filesystem::file_size(p, ec);
      if (ec) continue;
      auto [it, added] = seen.try_emplace(p, size, now);
      if (!added && it->second.first != size) it->second = {size, now};
      if (size == 0 || now - it->second.second < settle) all_settled = false;
      fresh.push_back(p);
    }
    if (!fresh.empty() && all_settled) return fresh;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (seen_any) *seen_any = !seen.empty();
  return {};
}

std::vector<std::filesystem::path> wait_for_traces(const std::filesystem::path& dir,
                                                   const std::set<std::filesystem::path>& before,
                                                   double settle_s, double timeout_s, std::string* error) {
  bool any = false;
  auto out = wait_for_new_files(dir, before, list_traces, settle_s, timeout_s, &any);
  if (out.empty() && error)
    *error = !any ? "no new trace file appeared in " + dir.string()
                  : "trace files in " + dir.string() + " were still growing at the timeout";
  return out;
}

}  // namespace hp::capture
