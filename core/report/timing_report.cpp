#include "core/report/timing_report.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/analysis/annotation_category.h"
#include "core/analysis/slice_parents.h"
#include "core/util/time_format.h"

namespace hp {
namespace {

std::string dur(Ns ns) {
  return format_duration(ns, 1);
}

// At most n bytes; longer text ends in "...". (Kernel names are ASCII.)
std::string fit(std::string_view s, size_t n) {
  if (s.size() <= n) return std::string(s);
  return std::string(s.substr(0, n - 3)) + "...";
}

std::string pct(Ns part, Ns whole) {
  return fmt::format("{:.1f}%", percent(part, whole));
}

const char* kGapNames[] = {"kernel wait (<30 ns)", "host wait", "other"};

// Busy time is a sum over devices, so its share is of the sum of the devices' own spans (each from
// its first op's start to its last op's end), never of one span: at most 100%.
Ns device_spans(const OverlapReport& o) {
  Ns sum = 0;
  for (const DeviceOverlap& d : o.devices) sum += d.end - d.begin;
  return sum;
}

}  // namespace

TimingReport timing_report(const Run& run, const KernelCategorizer& categorizer, std::string title) {
  TimingReport r;
  r.title = std::move(title);
  AnnotationCategories overrides = annotation_categories(run, categorizer, slice_parents(run));
  r.annotation_kernels = overrides.kernels;
  r.annotation_changed = overrides.changed;
  CategoryCache cats(run, categorizer, &overrides);
  auto devices = gpu_activity(run, cats);
  r.overlap = overlap_analysis(run, cats, devices);
  r.idle = idle_gaps(run, devices);
  r.launches = launch_stats(run, devices, r.idle);
  r.opportunities = overlap_opportunities(run, devices, r.overlap, r.idle, r.launches);
  r.ranks_skew = rank_skew(devices);
  r.ranks = run.rank_count();
  r.devices = static_cast<uint32_t>(devices.size());
  for (const auto& d : devices) r.streams += static_cast<uint32_t>(d.streams.size());
  auto [b, e] = run.span();
  r.span = e - b;
  for (const OpOverlap& o : r.overlap.ops) {
    r.ops += o.count;
    r.op_time += o.total;
    if (o.cls != OpClass::Memory) r.kernels += o.count;
  }
  // Per op, so that a kernel an annotation moved counts in its own category.
  std::map<std::string_view, CategoryTime> by_cat;
  std::map<std::string_view, std::set<StrId>> names;
  for (const DeviceActivity& d : devices)
    for (const GpuActivity& o : d.ops) {
      StrId name = run.slices.name[o.slice];
      std::string_view cat = o.cls == OpClass::Memory ? "memory" : cats.of_op(o.op, name);
      CategoryTime& c = by_cat[cat];
      c.category = std::string(cat);
      c.time += o.end - o.start;
      ++c.ops;
      if (names[cat].insert(name).second) ++c.names;
    }
  for (auto& [k, c] : by_cat) r.categories.push_back(c);
  std::sort(r.categories.begin(), r.categories.end(), [](const CategoryTime& a, const CategoryTime& b) {
    return a.time != b.time ? a.time > b.time : a.category < b.category;
  });
  return r;
}

std::string timing_report_text(const Run& run, const TimingReport& r, size_t top) {
  std::string o;
  auto line = [&](const std::string& s) { o += s + '\n'; };
  const DeviceOverlap& a = r.overlap.all;
  line(fmt::format("hotpath report: {}", fit(r.title, 84)));
  line(fmt::format("{} rank(s), {} GPU(s), {} stream(s); span {}; GPU busy {} ({} of device spans)", r.ranks,
                   r.devices, r.streams, dur(r.span), dur(a.busy), pct(a.busy, device_spans(r.overlap))));
  line(fmt::format("{} GPU ops ({} kernels), op time {} (sum; shares below are of this sum)", r.ops,
                   r.kernels, dur(r.op_time)));
  if (r.ops == 0) {
    line("no GPU activity in this trace: nothing to analyse");
    return o;
  }

  line("");
  line(fmt::format("{:<40}{:>12}{:>8}{:>10}{:>8}", "GPU time by category", "time", "share", "ops", "names"));
  for (const auto& c : r.categories)
    line(fmt::format("  {:<38}{:>12}{:>8}{:>10}{:>8}", fit(c.category, 38), dur(c.time),
                     pct(c.time, r.op_time), c.ops, c.names));
  if (r.annotation_kernels)
    line(fmt::format("  {} kernels took an enclosing annotation's category ({} moved from the name rules')",
                     r.annotation_kernels, r.annotation_changed));

  line("");
  line(fmt::format("{:<60}{:>12}{:>8}{:>8}{:>12}", fmt::format("Top {} ops", top), "time", "share", "ops",
                   "category"));
  for (size_t i = 0; i < r.overlap.ops.size() && i < top; ++i) {
    const OpOverlap& k = r.overlap.ops[i];
    line(fmt::format("  {:<58}{:>12}{:>8}{:>8}{:>12}", fit(run.str(k.name), 58), dur(k.total),
                     pct(k.total, r.op_time), k.count, fit(k.category, 11)));
  }

  line("");
  line("CUDA graphs");
  line(r.graph_coverage.empty() ? "  graph coverage: not computed here (see `hotpath triage`)"
                                : "  " + r.graph_coverage);

  line("");
  const IdleReport& id = r.idle;
  Ns stream_span = id.busy + id.idle();
  line(fmt::format("{:<40}{:>10}{:>12}{:>14}", "Idle gaps (per stream, HTA classes)", "gaps", "time",
                   "of streams"));
  for (size_t k = 0; k < 3; ++k)
    line(fmt::format("  {:<38}{:>10}{:>12}{:>14}", kGapNames[k], id.by_kind[k].count, dur(id.by_kind[k].time),
                     pct(id.by_kind[k].time, stream_span)));
  line(fmt::format("  {:<38}{:>10}{:>12}{:>14}", "total idle",
                   id.by_kind[0].count + id.by_kind[1].count + id.by_kind[2].count, dur(id.idle()),
                   pct(id.idle(), stream_span)));
  std::string hist = "  gap sizes:";
  for (size_t b = 0; b < id.histogram.size(); ++b)
    hist += fmt::format(" {} {}{}", gap_bucket_label(b), id.histogram[b].count,
                        b + 1 < id.histogram.size() ? " |" : "");
  line(hist);
  if (id.no_launch)
    line(fmt::format("  {} gaps precede ops without a launch call (counted as other)", id.no_launch));

  line("");
  const LaunchStats& ls = r.launches;
  line(fmt::format("Launch stats: {} kernels; {} with a launch call, {} graph-replayed, {} without",
                   ls.kernels, ls.duration.count, ls.graph_launched, ls.no_launch));
  if (ls.duration.count) {
    line(fmt::format("  {:<36}{:>12}{:>12}{:>12}", "", "p50", "p99", "max"));
    auto dist = [&](const char* what, const Distribution& d) {
      line(fmt::format("  {:<36}{:>12}{:>12}{:>12}", what, dur(d.p50), dur(d.p99), dur(d.max)));
    };
    dist("launch overhead (runtime call)", ls.overhead);
    dist("launch delay (call end -> start)", ls.delay);
    dist("kernel duration", ls.duration);
    line(fmt::format("  launch-bound (overhead > duration): {} of {} launches ({}), GPU {} vs CPU {}",
                     ls.launch_bound, ls.duration.count,
                     fmt::format("{:.1f}%", 100.0 * static_cast<double>(ls.launch_bound) /
                                                static_cast<double>(ls.duration.count)),
                     dur(ls.launch_bound_gpu_time), dur(ls.launch_bound_overhead)));
    for (size_t i = 0; i < ls.rows.size() && i < 3 && ls.rows[i].launch_bound; ++i)
      line(fmt::format("    {:<60} {}/{} bound", fit(run.str(ls.rows[i].name), 60), ls.rows[i].launch_bound,
                       ls.rows[i].launches));
  }
  Ns win_idle = 0;
  for (const auto& w : ls.windows) win_idle += w.gpu_idle;
  line(fmt::format("  CPU-bound windows (>= {} host-wait gaps in a row): {}, GPU idle in them {}",
                   kMinWindowGaps, ls.windows.size(), dur(win_idle)));
  for (size_t i = 0; i < ls.windows.size() && i < 3; ++i) {
    const auto& w = ls.windows[i];
    line(fmt::format("    rank {} gpu {} stream {}: {} ops over {}, GPU idle {}, launch calls {}", w.rank,
                     w.device, w.stream, w.ops, dur(w.end - w.begin), dur(w.gpu_idle), dur(w.launch_calls)));
  }

  line("");
  line(fmt::format("Overlap: busy {} = compute only {} | comm only {} | both {} | memory only {}",
                   dur(a.busy), pct(a.compute_only, a.busy), pct(a.comm_only, a.busy), pct(a.both, a.busy),
                   pct(a.memory_only, a.busy)));
  line(fmt::format("  idle within device spans {}; comm/compute overlap {} of comm time {}", dur(a.idle),
                   a.both + a.comm_only ? fmt::format("{:.1f}%", a.comm_overlap_pct()) : std::string("n/a"),
                   dur(a.both + a.comm_only)));
  line(fmt::format("  max concurrent streams {}; >= 2 streams active {} ({} of busy)",
                   a.max_concurrent_streams, dur(a.multi_stream), pct(a.multi_stream, a.busy)));

  line("");
  line(fmt::format("Overlap opportunities ({} rows; bar {:.0f}% of GPU busy, host wait: of stream span)",
                   r.opportunities.size(), kReportBarPct));
  for (const auto& row : r.opportunities) {
    line(fmt::format("  P{} {:<16}{:<16}{:<41}{:>8} {}", row.priority, row.verdict, row.rule,
                     fit(row.kernel, 40), fmt::format("{:.1f}%", row.share_pct), row.share_of));
    line("       " + fit(row.evidence, 93));
    std::string where =
        row.site.empty() ? (row.cpu_op.empty() ? "" : "; cpu_op " + row.cpu_op) : "; site " + row.site;
    line("       " + fit("dep risk " + row.dep_risk + where, 93));
    line("       -> " + fit(row.recommendation, 90));
  }
  if (r.opportunities.empty()) line("  none cleared the bar");

  if (r.ranks_skew.ranks.size() > 1) {
    const RankSkew& sk = r.ranks_skew;
    line("");
    line(fmt::format("{:<10}{:>14}{:>14}{:>14}{:>14}{:>10}", "Ranks", "busy", "compute", "comm", "comm wait",
                     "kernels"));
    for (const auto& rk : sk.ranks)
      line(fmt::format("  {:<8}{:>14}{:>14}{:>14}{:>14}{:>10}", rk.rank, dur(rk.busy), dur(rk.compute),
                       dur(rk.comm), dur(rk.comm_wait), rk.kernels));
    line(fmt::format("  skew (max - min): busy {}, compute {}, comm {}", dur(sk.busy_skew),
                     dur(sk.compute_skew), dur(sk.comm_skew)));
    line(sk.straggler >= 0
             ? fmt::format("  straggler: rank {} (compute {} above the median; peers wait in comm)",
                           sk.straggler, dur(sk.straggler_excess))
             : "  straggler: none (no rank waits in comm)");
  }
  return o;
}

std::string timing_report_markdown(const Run& run, const TimingReport& r, size_t top) {
  std::string o;
  auto line = [&](const std::string& s) { o += s + '\n'; };
  const DeviceOverlap& a = r.overlap.all;
  line(fmt::format("# hotpath report: {}", r.title));
  line("");
  line(fmt::format(
      "{} rank(s), {} GPU(s), {} stream(s); span {}; GPU busy {}; {} GPU ops ({} kernels), op time {}",
      r.ranks, r.devices, r.streams, dur(r.span), dur(a.busy), r.ops, r.kernels, dur(r.op_time)));
  line("");
  line("## GPU time by category");
  line("");
  line("| category | time | share of op time | ops | names |");
  line("|---|---:|---:|---:|---:|");
  for (const auto& c : r.categories)
    line(fmt::format("| {} | {} | {} | {} | {} |", c.category, dur(c.time), pct(c.time, r.op_time), c.ops,
                     c.names));
  if (r.annotation_kernels)
    line(fmt::format("\n{} kernels took an enclosing annotation's category ({} moved from the name rules').",
                     r.annotation_kernels, r.annotation_changed));
  line("");
  line("## Top ops");
  line("");
  line("| op | time | share | ops | category | exclusive | hidden |");
  line("|---|---:|---:|---:|---|---:|---:|");
  for (size_t i = 0; i < r.overlap.ops.size() && i < top; ++i) {
    const OpOverlap& k = r.overlap.ops[i];
    line(fmt::format("| `{}` | {} | {} | {} | {} | {} | {} |", run.str(k.name), dur(k.total),
                     pct(k.total, r.op_time), k.count, k.category, pct(k.exclusive, k.total),
                     pct(k.hidden, k.total)));
  }
  line("");
  line("## CUDA graphs");
  line("");
  line(r.graph_coverage.empty() ? "graph coverage: not computed here (see `hotpath triage`)"
                                : r.graph_coverage);
  line("");
  line("## Idle gaps");
  line("");
  line("| class | gaps | time |");
  line("|---|---:|---:|");
  for (size_t k = 0; k < 3; ++k)
    line(fmt::format("| {} | {} | {} |", kGapNames[k], r.idle.by_kind[k].count, dur(r.idle.by_kind[k].time)));
  line("");
  const LaunchStats& ls = r.launches;
  line("## Launch stats");
  line("");
  line(fmt::format("{} kernels: {} with a launch call, {} graph-replayed, {} without; launch-bound {}",
                   ls.kernels, ls.duration.count, ls.graph_launched, ls.no_launch, ls.launch_bound));
  line("");
  line("| | p50 | p99 | max |");
  line("|---|---:|---:|---:|");
  line(fmt::format("| launch overhead | {} | {} | {} |", dur(ls.overhead.p50), dur(ls.overhead.p99),
                   dur(ls.overhead.max)));
  line(fmt::format("| launch delay | {} | {} | {} |", dur(ls.delay.p50), dur(ls.delay.p99),
                   dur(ls.delay.max)));
  line(fmt::format("| kernel duration | {} | {} | {} |", dur(ls.duration.p50), dur(ls.duration.p99),
                   dur(ls.duration.max)));
  line("");
  line("## Overlap");
  line("");
  line(fmt::format(
      "busy {}: compute only {}, comm only {}, both {}, memory only {}; idle {}; comm/compute overlap "
      "{:.1f}%; max concurrent streams {}",
      dur(a.busy), dur(a.compute_only), dur(a.comm_only), dur(a.both), dur(a.memory_only), dur(a.idle),
      a.comm_overlap_pct(), a.max_concurrent_streams));
  line("");
  line("## Overlap opportunities");
  line("");
  line("| Priority | Verdict | Kernel | Site | Evidence | Dep risk | Recommendation |");
  line("|---|---|---|---|---|---|---|");
  for (const auto& row : r.opportunities)
    line(fmt::format("| P{} | {} | `{}` | {} | {} ({:.1f}% of {}) | {} | {} |", row.priority, row.verdict,
                     row.kernel, row.site.empty() ? row.cpu_op : row.site, row.evidence, row.share_pct,
                     row.share_of, row.dep_risk, row.recommendation));
  if (r.ranks_skew.ranks.size() > 1) {
    line("");
    line("## Ranks");
    line("");
    line("| rank | busy | compute | comm | comm wait |");
    line("|---:|---:|---:|---:|---:|");
    for (const auto& rk : r.ranks_skew.ranks)
      line(fmt::format("| {} | {} | {} | {} | {} |", rk.rank, dur(rk.busy), dur(rk.compute), dur(rk.comm),
                       dur(rk.comm_wait)));
    line("");
    line(r.ranks_skew.straggler >= 0 ? fmt::format("straggler: rank {}", r.ranks_skew.straggler)
                                     : "straggler: none");
  }
  return o;
}

nlohmann::json timing_report_json(const Run& run, const TimingReport& r, size_t top) {
  using nlohmann::json;
  const DeviceOverlap& a = r.overlap.all;
  json j;
  j["title"] = r.title;
  j["ranks"] = r.ranks;
  j["devices"] = r.devices;
  j["streams"] = r.streams;
  j["span_ns"] = r.span;
  j["ops"] = r.ops;
  j["kernels"] = r.kernels;
  j["op_time_ns"] = r.op_time;
  j["annotation_kernels"] = r.annotation_kernels;
  j["annotation_changed"] = r.annotation_changed;
  j["categories"] = json::array();
  for (const auto& c : r.categories)
    j["categories"].push_back(
        {{"category", c.category}, {"time_ns", c.time}, {"ops", c.ops}, {"names", c.names}});
  j["top_ops"] = json::array();
  for (size_t i = 0; i < r.overlap.ops.size() && i < top; ++i) {
    const OpOverlap& k = r.overlap.ops[i];
    j["top_ops"].push_back({{"name", run.str(k.name)},
                            {"category", k.category},
                            {"count", k.count},
                            {"time_ns", k.total},
                            {"exclusive_ns", k.exclusive},
                            {"hidden_ns", k.hidden},
                            {"hidden_by_compute_ns", k.hidden_by_compute}});
  }
  j["graph_coverage"] = r.graph_coverage.empty() ? json(nullptr) : json(r.graph_coverage);
  json idle;
  const char* keys[] = {"kernel_wait", "host_wait", "other"};
  for (size_t k = 0; k < 3; ++k)
    idle[keys[k]] = {{"gaps", r.idle.by_kind[k].count}, {"time_ns", r.idle.by_kind[k].time}};
  idle["no_launch"] = r.idle.no_launch;
  idle["busy_ns"] = r.idle.busy;
  idle["histogram"] = json::array();
  for (size_t b = 0; b < r.idle.histogram.size(); ++b)
    idle["histogram"].push_back({{"bucket", gap_bucket_label(b)},
                                 {"gaps", r.idle.histogram[b].count},
                                 {"time_ns", r.idle.histogram[b].time}});
  j["idle"] = idle;
  const LaunchStats& ls = r.launches;
  auto dist = [](const Distribution& d) {
    return json{
        {"count", d.count}, {"p50_ns", d.p50}, {"p99_ns", d.p99}, {"max_ns", d.max}, {"sum_ns", d.sum}};
  };
  j["launch"] = {{"kernels", ls.kernels},
                 {"graph_launched", ls.graph_launched},
                 {"no_launch", ls.no_launch},
                 {"overhead", dist(ls.overhead)},
                 {"delay", dist(ls.delay)},
                 {"duration", dist(ls.duration)},
                 {"launch_bound", ls.launch_bound},
                 {"launch_bound_gpu_ns", ls.launch_bound_gpu_time},
                 {"launch_bound_overhead_ns", ls.launch_bound_overhead},
                 {"cpu_bound_windows", ls.windows.size()}};
  j["overlap"] = {{"busy_ns", a.busy},
                  {"compute_only_ns", a.compute_only},
                  {"comm_only_ns", a.comm_only},
                  {"both_ns", a.both},
                  {"memory_only_ns", a.memory_only},
                  {"idle_ns", a.idle},
                  {"multi_stream_ns", a.multi_stream},
                  {"max_concurrent_streams", a.max_concurrent_streams},
                  {"comm_overlap_pct", a.comm_overlap_pct()}};
  j["opportunities"] = json::array();
  for (const auto& row : r.opportunities)
    j["opportunities"].push_back({{"priority", row.priority},
                                  {"verdict", row.verdict},
                                  {"rule", row.rule},
                                  {"kernel", row.kernel},
                                  {"cpu_op", row.cpu_op},
                                  {"site", row.site},
                                  {"evidence", row.evidence},
                                  {"dep_risk", row.dep_risk},
                                  {"recommendation", row.recommendation},
                                  {"impact_ns", row.impact},
                                  {"share_pct", row.share_pct},
                                  {"share_of", row.share_of}});
  j["ranks_skew"] = json::array();
  for (const auto& rk : r.ranks_skew.ranks)
    j["ranks_skew"].push_back({{"rank", rk.rank},
                               {"busy_ns", rk.busy},
                               {"compute_ns", rk.compute},
                               {"comm_ns", rk.comm},
                               {"comm_wait_ns", rk.comm_wait},
                               {"kernels", rk.kernels}});
  j["straggler"] = r.ranks_skew.straggler >= 0 ? json(r.ranks_skew.straggler) : json(nullptr);
  return j;
}

}  // namespace hp
