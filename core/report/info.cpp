#include "core/report/info.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace hp {
namespace {

struct Totals {
  std::map<std::string, uint64_t> by_cat, by_ph;
  uint64_t kernels = 0;
  Ns kernel_time = 0;
  Ns span = 0;
  uint64_t gpu_tracks = 0, cpu_tracks = 0;
};

Totals totals(const Run& run) {
  Totals t;
  for (const auto& s : run.sources) {
    for (const auto& [k, n] : s.by_cat) t.by_cat[k] += n;
    for (const auto& [k, n] : s.by_ph) t.by_ph[k] += n;
  }
  const Slices& sl = run.slices;
  for (size_t i = 0; i < sl.size(); ++i)
    if (sl.kind[i] == SliceKind::Kernel) ++t.kernels, t.kernel_time += sl.dur[i];
  auto [lo, hi] = run.span();  // the one definition, shared with report and the timeline ruler
  t.span = hi - lo;
  for (const auto& tr : run.tracks) {
    if (tr.kind == TrackKind::GpuStream)
      ++t.gpu_tracks;
    else if (tr.kind == TrackKind::CpuThread)
      ++t.cpu_tracks;
  }
  return t;
}

}  // namespace

nlohmann::json info_json(const Run& run) {
  Totals t = totals(run);
  nlohmann::json j;
  j["by_cat"] = t.by_cat;
  j["by_ph"] = t.by_ph;
  j["kernels"] = t.kernels;
  j["kernel_time_ns"] = t.kernel_time;
  j["span_ns"] = t.span;
  j["ranks"] = run.rank_count();
  j["gpu_tracks"] = t.gpu_tracks;
  j["cpu_tracks"] = t.cpu_tracks;
  j["warnings"] = run.log.count(Severity::Warning);
  j["redactions"] = run.redactions;
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& s : run.sources)
    sources.push_back(
        {{"path", s.path}, {"format", s.format}, {"rank", s.rank}, {"stage", s.stage}, {"events", s.events}});
  j["sources"] = sources;
  return j;
}

std::string info_text(const Run& run) {
  Totals t = totals(run);
  std::string out;
  for (const auto& s : run.sources)
    out += fmt::format("source  {} ({}, rank {}{}{}, {} events)\n", s.path, s.format, s.rank,
                       s.stage.empty() ? "" : ", stage ", s.stage, s.events);
  out +=
      fmt::format("span    {:.3f} ms over {} rank(s)\n", static_cast<double>(t.span) / 1e6, run.rank_count());
  out += fmt::format("tracks  {} CPU threads, {} GPU streams\n", t.cpu_tracks, t.gpu_tracks);
  out += fmt::format("kernels {} ({:.3f} ms of GPU time)\n", t.kernels,
                     static_cast<double>(t.kernel_time) / 1e6);
  out += fmt::format("slices  {}, flows {}, instants {}, counter series {}\n", run.slices.size(),
                     run.flows.size(), run.instants.size(), run.counters.series.size());
  std::vector<std::pair<std::string, uint64_t>> cats(t.by_cat.begin(), t.by_cat.end());
  std::sort(cats.begin(), cats.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  out += "by cat ";
  for (const auto& [c, n] : cats) out += fmt::format(" {}={}", c, n);
  out += "\nby ph  ";
  for (const auto& [p, n] : t.by_ph) out += fmt::format(" {}={}", p, n);
  out += fmt::format("\nlog     {} warning(s), {} error(s), {} redaction(s)\n",
                     run.log.count(Severity::Warning), run.log.count(Severity::Error), run.redactions);
  for (const auto& [code, n] : run.log.counts()) {
    const LogEntry* first = nullptr;
    for (const auto& e : run.log.entries())
      if (e.code == code && e.severity != Severity::Info) {
        first = &e;
        break;
      }
    if (first && first->offset == LogEntry::kNoOffset)
      out += fmt::format("  {:>6} x {}: {} (no byte offset)\n", n, code, first->message);
    else if (first)
      out += fmt::format("  {:>6} x {}: {} (first at byte {})\n", n, code, first->message, first->offset);
  }
  return out;
}

}  // namespace hp
