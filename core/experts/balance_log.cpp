#include "core/experts/balance_log.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <optional>

#include "core/model/load_status.h"

namespace hp::experts {
namespace {

constexpr std::string_view kVllm = "EPLB step:", kSglang = "[Expert Balancedness]";

// The number after `key` in `line`, or nullopt when `key` is absent; `bad` set when it does not parse.
std::optional<double> field(std::string_view line, std::string_view key, bool& bad) {
  size_t p = line.find(key);
  if (p == std::string_view::npos) return std::nullopt;
  p += key.size();
  double v = 0;
  auto [q, ec] = std::from_chars(line.data() + p, line.data() + line.size(), v);
  if (ec != std::errc()) bad = true;
  return v;
}

// "[YYYY-MM-DD HH:MM:SS" at the start of an SGLang line -> epoch ns (UTC as written).
int64_t line_time(std::string_view line) {
  int y, mo, d, h, mi, s;
  if (line.size() < 20 || line[0] != '[' ||
      std::sscanf(std::string(line.substr(1, 19)).c_str(), "%4d-%2d-%2d %2d:%2d:%2d", &y, &mo, &d, &h, &mi,
                  &s) != 6)
    return BalancePoint{}.ts_ns;
  if (y < 1970 || y > 2200) return BalancePoint{}.ts_ns;
  std::tm tm{};
  tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d, tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = s;
  return static_cast<int64_t>(timegm(&tm)) * 1000000000;
}

}  // namespace

bool has_balance_lines(std::string_view text) {
  return text.find(kVllm) != std::string_view::npos || text.find(kSglang) != std::string_view::npos;
}

ExpertLoad read_balance_log(std::string_view text, const std::string& file) {
  ExpertLoad out;
  out.source = std::filesystem::path(file).filename().string();
  int64_t index = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    const size_t at = pos;
    pos = nl + 1;
    const bool vllm = line.find(kVllm) != std::string_view::npos;
    const bool sglang = !vllm && line.find(kSglang) != std::string_view::npos;
    if (!vllm && !sglang) continue;
    bool bad = false;
    BalancePoint b;
    b.ts_ns = line_time(line);
    std::optional<double> bal;
    if (vllm) {
      out.format = "vllm-eplb-log";
      bal = field(line, "balancedness=", bad);
      if (auto a = field(line, "avg_tokens=", bad)) b.avg_tokens = *a;
      if (auto m = field(line, "max_tokens=", bad)) b.max_tokens = *m;
      b.step = index;
    } else {
      out.format = "sglang-balancedness-log";
      bal = field(line, "current_pass_balancedness=", bad);
      auto id = field(line, "forward_pass_id=", bad);
      if (id && !(*id >= 0 && *id < 9e15)) bad = true;
      b.step = id && !bad ? static_cast<int64_t>(*id) : index;
    }
    if (bad || !bal)
      throw ImportError(
          file, at,
          fmt::format("expert-balance line without a readable balancedness: '{}'", line.substr(0, 120)));
    b.balancedness = *bal;
    out.balance.push_back(b);
    ++index;
  }
  if (out.balance.empty()) throw ImportError(file, 0, "no 'EPLB step:' or '[Expert Balancedness]' lines");
  return out;
}

}  // namespace hp::experts
