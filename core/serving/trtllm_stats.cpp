#include "core/serving/trtllm_stats.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/serving/log_lines.h"

namespace hp::serving {
namespace {

using nlohmann::json;

// "MM-DD-YYYY HH:MM:SS[.frac]" or "YYYY-MM-DD[T ]HH:MM:SS[.frac]"; 0 when neither.
int64_t parse_timestamp(const std::string& t, int64_t utc_offset_s) {
  int a = 0, b = 0, c = 0, h = 0, mi = 0, s = 0, n = 0;
  const bool us = std::sscanf(t.c_str(), "%2d-%2d-%4d %2d:%2d:%2d%n", &a, &b, &c, &h, &mi, &s, &n) == 6;
  int year = c, month = a, day = b;
  if (!us) {
    char sep = 0;
    if (std::sscanf(t.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &year, &month, &day, &sep, &h, &mi, &s, &n) !=
            7 ||
        (sep != 'T' && sep != ' '))
      return 0;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || h > 23 || mi > 59 || s > 60 || year < 1970) return 0;
  std::string_view rest = std::string_view(t).substr(static_cast<size_t>(n));
  int64_t frac = 0;
  if (!rest.empty() && rest[0] == '.') {
    size_t k = 1;
    while (k < rest.size() && rest[k] >= '0' && rest[k] <= '9') ++k;
    frac = fraction_to_ns(rest.substr(1, k - 1));
  }
  return civil_to_epoch_ns(year, month, day, h, mi, s, frac) - utc_offset_s * 1'000'000'000;
}

double num(const json& o, const char* key, double missing = -1) {
  auto it = o.find(key);
  return it != o.end() && it->is_number() ? it->get<double>() : missing;
}

}  // namespace

bool looks_like_trtllm_stats(std::string_view head) {
  const size_t first = head.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || (head[first] != '[' && head[first] != '{')) return false;
  return head.find("\"kvCacheStats\"") != std::string_view::npos ||
         head.find("\"iterLatencyMS\"") != std::string_view::npos;
}

TrtllmStats parse_trtllm_iteration_stats(std::string_view text, int64_t utc_offset_s) {
  std::vector<json> items;
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    throw TrtllmStatsError(0, "empty file (expected a JSON array of IterationStats)");
  try {
    if (text[first] == '[') {
      json all = json::parse(text);
      for (auto& v : all) items.push_back(std::move(v));
    } else {
      size_t at = 0;
      while (at < text.size()) {
        size_t end = text.find('\n', at);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(at, end - at);
        if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
          try {
            items.push_back(json::parse(line));
          } catch (const json::parse_error& e) {
            throw TrtllmStatsError(at + (e.byte ? e.byte - 1 : 0), e.what());
          } catch (const json::exception& e) {  // a number too large for a double
            throw TrtllmStatsError(at, e.what());
          }
        }
        at = end + 1;
      }
    }
  } catch (const json::parse_error& e) {
    throw TrtllmStatsError(e.byte ? e.byte - 1 : 0, e.what());
  } catch (const json::exception& e) {
    throw TrtllmStatsError(first, e.what());
  }
  TrtllmStats out;
  std::map<SeriesKey, std::vector<Sample>> series;
  auto add = [&](const char* name, const Labels& l, int64_t ts, double v) {
    series[SeriesKey{name, l}].push_back({ts, v});
  };
  for (size_t i = 0; i < items.size(); ++i) {
    const json& o = items[i];
    if (!o.is_object()) {
      throw TrtllmStatsError(
          first, fmt::format("item {}: a {} where an IterationStats object belongs", i, o.type_name()));
    }
    ++out.items;
    auto skip = [&](const std::string& why) {
      ++out.skipped;
      if (out.first_issue.empty()) out.first_issue = fmt::format("item {}: {}", i, why);
    };
    const auto ts_it = o.find("timestamp");
    const int64_t ts =
        ts_it != o.end() && ts_it->is_string() ? parse_timestamp(ts_it->get<std::string>(), utc_offset_s) : 0;
    if (!ts) {
      skip("no timestamp in MM-DD-YYYY HH:MM:SS form");
      continue;
    }
    Labels l;
    if (const double r = num(o, "attentionDpRank"); r >= 0) l.push_back({"rank", fmt::format("{:.0f}", r)});
    bool any = false;
    if (const double v = num(o, "numActiveRequests"); v >= 0) add("requests_running", l, ts, v), any = true;
    if (const double v = num(o, "numQueuedRequests"); v >= 0) add("requests_waiting", l, ts, v), any = true;
    const auto kv = o.find("kvCacheStats");
    if (kv != o.end() && kv->is_object()) {
      const double max = num(*kv, "maxNumBlocks"), free = num(*kv, "freeNumBlocks"),
                   used = num(*kv, "usedNumBlocks"), per = num(*kv, "tokensPerBlock");
      const double u = used >= 0 ? used : (free >= 0 && max >= 0 ? max - free : -1);
      if (max > 0 && u >= 0) add("kv_cache_usage", l, ts, u / max), any = true;
      if (max > 0 && per > 0)
        out.kv_cache_tokens = std::max(out.kv_cache_tokens, static_cast<int64_t>(max * per));
      const double reused = num(*kv, "reusedBlocks"), missed = num(*kv, "missedBlocks");
      if (reused >= 0 && missed >= 0) {
        add("prefix_cache_hits", l, ts, reused);
        add("prefix_cache_queries", l, ts, reused + missed);
        any = true;
      }
    }
    if (!any) skip("no numActiveRequests, numQueuedRequests or kvCacheStats");
  }
  for (auto& [k, s] : series) {
    std::stable_sort(s.begin(), s.end(), [](const Sample& a, const Sample& b) { return a.ts_ns < b.ts_ns; });
    out.series.push_back({k, std::move(s)});
  }
  return out;
}

}  // namespace hp::serving
