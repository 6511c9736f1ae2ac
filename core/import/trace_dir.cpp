#include "core/import/trace_dir.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <tuple>

#include "core/util/input_file.h"

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

std::string not_a_trace_reason(const std::filesystem::path& file) {
  constexpr size_t kHead = 1 << 16;
  std::ifstream in(file, std::ios::binary);
  std::string raw(kHead, '\0');
  in.read(raw.data(), static_cast<std::streamsize>(raw.size()));
  raw.resize(static_cast<size_t>(in.gcount()));
  const bool whole_file = raw.size() < kHead;
  std::string head = detect_compression(raw) == Compression::None ? raw : decompress_head(raw, kHead);
  size_t p = head.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (p == std::string::npos) return "empty file";
  if (head[p] != '{' && head[p] != '[') return "not JSON";
  if (head[p] == '{') {
    if (head.find("\"traceEvents\"") != std::string::npos) return {};
    // Compressed: the head is what inflates from the first 64 KiB, so a short one is the whole file.
    bool complete =
        detect_compression(raw) == Compression::None ? whole_file : whole_file && head.size() < kHead;
    return complete ? "a JSON object without \"traceEvents\"" : "";
  }
  size_t q = head.find_first_not_of(" \t\r\n", p + 1);
  if (q == std::string::npos || head[q] == ']') return {};  // an empty trace is still a trace
  if (head[q] != '{') return "a JSON array whose first element is not an event object";
  size_t close = head.find('}', q);
  std::string_view first(head.data() + q, (close == std::string::npos ? head.size() : close) - q);
  return first.find("\"ph\"") != std::string_view::npos ? ""
                                                        : "a JSON array whose first object has no \"ph\"";
}

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
