#include "core/disagg/parallelism.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include <fmt/format.h>

namespace hp::disagg {

namespace {

int meta_int(const Session& s, const char* key) {
  auto it = s.meta.find(key);
  return it == s.meta.end() ? 0 : std::max(0, std::atoi(it->second.c_str()));
}

}  // namespace

Parallelism detect_parallelism(const Session& s) {
  Parallelism p;
  if (int tp = meta_int(s, "parallel.tp"); tp > 0) {
    p.found = true;
    p.tp = tp;
    p.pp = std::max(1, meta_int(s, "parallel.pp"));
    p.dp = std::max(1, meta_int(s, "parallel.dp"));
    p.source = fmt::format("server log startup line (tp {}, pp {}, dp {})", p.tp, p.pp, p.dp);
    return p;
  }
  int world = 0;
  if (s.run)
    for (const auto& src : s.run->sources) world = std::max(world, static_cast<int>(src.world_size));
  if (world > 0) {
    p.found = true;
    p.tp = world;
    p.source = fmt::format("trace distributedInfo world_size {} (taken as one instance's tp)", world);
    return p;
  }
  std::set<std::string> ranks;  // tp="N" labels of the per-rank log lines
  for (const auto& in : s.series.info) {
    std::string_view l = s.str(in.labels);
    if (size_t at = l.find("tp=\""); at != std::string_view::npos && (at == 0 || l[at - 1] == ','))
      ranks.insert(std::string(l.substr(at + 4, l.find('"', at + 4) - at - 4)));
  }
  if (ranks.size() > 1) {
    p.found = true;
    p.tp = static_cast<int>(ranks.size());
    p.source = fmt::format("{} TP ranks in the log lines", ranks.size());
  }
  return p;
}

}  // namespace hp::disagg
