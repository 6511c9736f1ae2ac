#pragma once
// The capture bar's text under a live capture (`attach`): traffic, endpoint health, scrape age, log
// lag and the profiler, each with a severity, from one ServeStatus. Pure, so it is tested as text.
#include <cstdint>
#include <string>
#include <vector>

#include "capture/serve_session.h"

namespace hp {

enum class LiveLevel { Ok, Warn, Bad };

struct LiveBarItem {
  std::string text;
  LiveLevel level = LiveLevel::Ok;
};

// now_ns: epoch ns. A scrape older than 3 periods is stale (warn), older than 10 s or failing is down.
std::vector<LiveBarItem> live_bar_items(const capture::ServeStatus& s, int64_t now_ns, double scrape_hz = 2);

}  // namespace hp
