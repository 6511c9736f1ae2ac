#include "core/report/info.h"

#include "core/util/time_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>

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

namespace {

nlohmann::json sources_json(const Session& s) {
  auto out = nlohmann::json::array();
  for (const SessionSource& src : s.sources)
    out.push_back({{"name", src.name},
                   {"kind", to_string(src.kind)},
                   {"absolute", src.absolute},
                   {"alignment", src.alignment},
                   {"offset_ns", src.offset_ns},
                   {"shift_ns", src.shift_ns},
                   {"resolution_ns", src.resolution_ns},
                   {"begin_ns", src.begin},
                   {"end_ns", src.end}});
  return out;
}

}  // namespace

nlohmann::json info_json(const Session& s) {
  nlohmann::json j = info_json(*s.run);
  j["epoch_base_ns"] = s.epoch_base_ns;
  auto [lo, hi] = s.span();
  j["session_begin_ns"] = lo;  // session time of the first event (--range is relative to it)
  j["session_span_ns"] = hi - lo;
  j["sources"] = sources_json(s);
  j["session_warnings"] = s.warnings;
  nlohmann::json sv;
  const RequestTable& rq = s.requests;
  std::map<std::string, uint64_t> by_status;
  uint64_t warmup = 0, probes = 0;
  for (size_t i = 0; i < rq.size(); ++i) {
    ++by_status[serving::to_string(rq.status[i])];
    warmup += rq.warmup[i];
    probes += !s.str(rq.purpose[i]).empty();
  }
  sv["requests"] = {{"total", rq.size()}, {"by_status", by_status}, {"warmup", warmup}, {"probes", probes}};
  auto series = nlohmann::json::array();
  for (const auto& info : s.series.info)
    series.push_back({{"name", s.str(info.name)},
                      {"labels", s.str(info.labels)},
                      {"kind", to_string(info.kind)},
                      {"origin", to_string(info.origin)},
                      {"unit", s.str(info.unit)},
                      {"source", s.sources[info.source].name},
                      {"samples", info.end - info.begin}});
  sv["series"] = series;
  sv["samples"] = s.series.ts.size();
  std::map<std::string, uint64_t> by_kind;
  for (IterationKind k : s.iterations.kind) ++by_kind[to_string(k)];
  sv["iterations"] = {{"total", s.iterations.size()}, {"by_kind", by_kind}};
  sv["server_events"] = s.events.size();
  sv["meta"] = s.meta;
  j["serving"] = sv;
  return j;
}

std::string session_text(const Session& s) {
  auto [lo, hi] = s.span();
  std::string out =
      fmt::format("Session span: {} ({} sources)\n", format_duration(hi - lo), s.sources.size());
  const RequestTable& rq = s.requests;
  if (rq.size()) {
    std::map<std::string, uint64_t> by_status;
    for (auto st : rq.status) ++by_status[serving::to_string(st)];
    out += fmt::format("Requests: {}", rq.size());
    for (const auto& [k, n] : by_status) out += fmt::format("  {} {}", k, n);
    out += '\n';
  }
  if (s.series.size())
    out += fmt::format("Metric series: {} ({} samples)\n", s.series.size(), s.series.ts.size());
  if (s.iterations.size()) {
    std::map<std::string, uint64_t> by_kind;
    for (IterationKind k : s.iterations.kind) ++by_kind[to_string(k)];
    out += fmt::format("Engine iterations: {}", s.iterations.size());
    for (const auto& [k, n] : by_kind) out += fmt::format("  {} {}", k, n);
    out += '\n';
  }
  if (s.events.size()) out += fmt::format("Server events: {}\n", s.events.size());
  out += "Clock:\n";
  for (const SessionSource& src : s.sources)
    out += fmt::format("  {} ({}): {}{}\n", src.name, to_string(src.kind), src.alignment,
                       src.resolution_ns >= 1'000'000'000 ? ", whole-second times" : "");
  for (const std::string& w : s.warnings) out += fmt::format("Warning: {}\n", w);
  return out;
}

}  // namespace hp
