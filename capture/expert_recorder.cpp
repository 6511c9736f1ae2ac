#include "capture/expert_recorder.h"

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "capture/profiler_control.h"
#include "capture/replay_client.h"
#include "core/store/sqlite_db.h"

namespace hp::capture {
namespace {

bool post(const ExpertRecorderOptions& o, const std::string& path, std::string* error) {
  std::string resp, err;
  const int code = http_request("POST", o.base_url + path, "", &resp, &err, 120, o.api_key);
  if (code >= 200 && code < 300) return true;
  if (error) {
    *error = code ? "POST " + path + ": HTTP " + std::to_string(code) + " " + resp.substr(0, 200)
                  : "POST " + path + ": " + err;
    if (code == 404) *error += " (not an SGLang server with the expert-distribution recorder?)";
  }
  return false;
}

bool is_dump(const std::filesystem::path& p) {
  const std::string n = p.filename().string();
  return (n.starts_with("expert_distribution_recorder_") && n.ends_with(".pt")) ||
         (n.starts_with("expert_distribution_rank") && n.ends_with(".csv"));
}

}  // namespace

std::set<std::filesystem::path> list_expert_dumps(const std::filesystem::path& dir) {
  std::set<std::filesystem::path> out;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec) && is_dump(it->path())) out.insert(it->path());
  return out;
}

bool start_expert_record(const ExpertRecorderOptions& o, std::string* error) {
  return post(o, "/start_expert_distribution_record", error);
}

std::vector<std::filesystem::path> stop_and_dump_expert_record(const ExpertRecorderOptions& o,
                                                               const std::set<std::filesystem::path>& before,
                                                               std::string* error) {
  if (!post(o, "/stop_expert_distribution_record", error)) return {};
  if (!post(o, "/dump_expert_distribution_record", error)) return {};
  auto dumps = wait_for_new_files(o.dir, before, list_expert_dumps, o.settle_s, o.timeout_s, nullptr);
  if (!dumps.empty()) return dumps;
  if (error)
    *error = "no new expert_distribution_* dump appeared in " + o.dir.string() +
             " (is it the server's SGLANG_EXPERT_DISTRIBUTION_RECORDER_DIR, on this machine?)";
  return {};
}

size_t save_expert_dumps(const std::filesystem::path& run_file,
                         const std::vector<std::filesystem::path>& dumps) {
  SqliteDb db(run_file, SqliteDb::Mode::Create);
  db.exec("CREATE TABLE IF NOT EXISTS expert_dumps (name TEXT NOT NULL, bytes BLOB NOT NULL)");
  SqliteStmt st = db.prepare("INSERT INTO expert_dumps (name, bytes) VALUES (?, ?)");
  size_t n = 0;
  for (const auto& p : dumps) {
    std::ifstream in(p, std::ios::binary);
    if (!in) continue;
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    st.bind(1, p.filename().string());
    st.bind_blob(2, bytes.data(), bytes.size());
    st.step();
    st.reset();
    ++n;
  }
  return n;
}

}  // namespace hp::capture
