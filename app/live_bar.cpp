#include "app/live_bar.h"

#include <fmt/format.h>

#include <cmath>

namespace hp {

std::vector<LiveBarItem> live_bar_items(const capture::ServeStatus& s, int64_t now_ns, double scrape_hz) {
  std::vector<LiveBarItem> out;
  if (s.watching)
    out.push_back({"watching (no traffic)", LiveLevel::Ok});
  else
    out.push_back({fmt::format("traffic {}: {} sent, {} ok, {} failed, {} in flight",
                               !s.traffic_running ? "stopped"
                               : s.paused         ? "paused"
                                                  : "running",
                               s.sent, s.ok, s.failed, s.in_flight),
                   s.failed > 0 ? LiveLevel::Warn : LiveLevel::Ok});
  const double period_s = 1.0 / std::max(0.1, scrape_hz);
  if (s.last_scrape_ok_ns == 0 && s.scrapes == 0 && s.scrape_failures == 0) {
    out.push_back({"/metrics: not scraped yet", LiveLevel::Ok});
  } else if (s.last_scrape_ok_ns == 0) {
    out.push_back(
        {fmt::format("/metrics: down ({} failed: {})", s.scrape_failures, s.scrape_error), LiveLevel::Bad});
  } else {
    const double age = static_cast<double>(now_ns - s.last_scrape_ok_ns) / 1e9;
    LiveLevel l = age > 10 ? LiveLevel::Bad : age > 3 * period_s ? LiveLevel::Warn : LiveLevel::Ok;
    std::string t = fmt::format("/metrics: {:.1f} s ago", std::max(0.0, age));
    if (s.scrape_failures) t += fmt::format(", {} failed", s.scrape_failures);
    out.push_back({t, l});
  }
  if (std::isfinite(s.running) || std::isfinite(s.waiting))
    out.push_back({fmt::format("running {:g}, waiting {:g}", std::isfinite(s.running) ? s.running : 0.0,
                               std::isfinite(s.waiting) ? s.waiting : 0.0),
                   LiveLevel::Ok});
  if (s.log_last_line_ns)
    out.push_back({fmt::format("log: {} lines, last {:.1f} s ago{}", s.log_lines,
                               static_cast<double>(now_ns - s.log_last_line_ns) / 1e9,
                               s.log_unparsed ? fmt::format(", {} unparsed", s.log_unparsed) : std::string()),
                   s.log_unparsed ? LiveLevel::Warn : LiveLevel::Ok});
  if (s.kv_events)
    out.push_back({fmt::format("KV events: {} blocks{}", s.kv_block_events,
                               s.kv_missed > s.kv_refilled
                                   ? fmt::format(", {} messages lost", s.kv_missed - s.kv_refilled)
                                   : std::string()),
                   s.kv_missed > s.kv_refilled ? LiveLevel::Warn : LiveLevel::Ok});
  if (!s.profiler.empty())
    out.push_back(
        {"profiler: " + s.profiler, s.profiler.rfind("error", 0) == 0 ? LiveLevel::Bad : LiveLevel::Ok});
  return out;
}

}  // namespace hp
