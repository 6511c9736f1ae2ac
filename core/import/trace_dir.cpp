#include "core/import/trace_dir.h"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace hp {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Digits right after `marker` (optionally after one '-' or '_'), searched left to right.
std::optional<uint32_t> number_after(const std::string& s, const std::string& marker) {
  for (size_t p = s.find(marker); p != std::string::npos; p = s.find(marker, p + 1)) {
    size_t d = p + marker.size();
    if (d < s.size() && (s[d] == '-' || s[d] == '_')) ++d;
    size_t e = d;
    while (e < s.size() && e - d < 6 && std::isdigit(static_cast<unsigned char>(s[e]))) ++e;
    if (e > d) return static_cast<uint32_t>(std::stoul(s.substr(d, e - d)));
  }
  return std::nullopt;
}

}  // namespace

TraceFileInfo trace_file_info(const std::filesystem::path& path) {
  TraceFileInfo info;
  std::string name = lower(path.filename().string());
  info.merged = name.rfind("merged", 0) == 0;
  info.rank = number_after(name, "rank");
  if (!info.rank) info.rank = number_after(name, "-tp");
  for (const char* stage : {"prefill", "decode", "extend"}) {
    if (name.find(std::string("-") + stage) != std::string::npos) info.stage = stage;
  }
  if (info.stage.empty()) {
    for (auto p = path.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path()) {
      std::string dir = lower(p.filename().string());
      if (dir == "prefill" || dir == "decode" || dir == "extend") {
        info.stage = dir;
        break;
      }
      if (p == p.parent_path()) break;
    }
  }
  return info;
}

bool is_trace_file_name(const std::filesystem::path& path) {
  std::string name = lower(path.filename().string());
  return ends_with(name, ".json") || ends_with(name, ".json.gz") || ends_with(name, ".json.zst") ||
         ends_with(name, ".zst") || ends_with(name, ".trace.gz");
}

std::vector<std::filesystem::path> expand_trace_dir(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files, merged;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec) || !is_trace_file_name(it->path())) continue;
    (trace_file_info(it->path()).merged ? merged : files).push_back(it->path());
  }
  bool per_rank =
      std::any_of(files.begin(), files.end(), [](const auto& p) { return trace_file_info(p).rank; });
  if (!per_rank) files.insert(files.end(), merged.begin(), merged.end());
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
    TraceFileInfo ia = trace_file_info(a), ib = trace_file_info(b);
    return std::make_tuple(ia.stage, ia.rank.value_or(0), a) <
           std::make_tuple(ib.stage, ib.rank.value_or(0), b);
  });
  return files;
}

}  // namespace hp
