#include "views/timeline/track_rows.h"

#include <fmt/format.h>

#include <algorithm>

namespace hp {
namespace {

std::string trimmed(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::string process_label(const Run& run, const Track& t) {
  if (t.process_name) return trimmed(run.str(t.process_name));
  if (t.kind == TrackKind::GpuStream) return fmt::format("GPU {}", t.device >= 0 ? t.device : t.pid);
  if (t.pid_name) return std::string(run.str(t.pid_name));
  return fmt::format("Process {}", t.pid);
}

std::string track_label(const Run& run, const Track& t) {
  if (t.thread_name) return trimmed(run.str(t.thread_name));
  if (t.kind == TrackKind::GpuStream) return fmt::format("stream {}", t.stream >= 0 ? t.stream : t.tid);
  if (t.tid_name) return std::string(run.str(t.tid_name));
  return fmt::format("thread {}", t.tid);
}

std::vector<TimelineRow> layout_rows(const Run& run, const TimelineIndex& index, const TrackVisibility& vis,
                                     const RowMetrics& m) {
  std::vector<TimelineRow> rows;
  const bool many_ranks = run.rank_count() > 1;
  float y = 0;
  auto push = [&](TimelineRow r) {
    r.y = y;
    y += r.height;
    rows.push_back(std::move(r));
  };
  // GPU processes first within each rank (Kineto's sort indices put them last), then trace order.
  std::vector<uint32_t> order(run.tracks.size());
  for (uint32_t t = 0; t < order.size(); ++t) order[t] = t;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const Track &ta = run.tracks[a], &tb = run.tracks[b];
    if (ta.rank != tb.rank) return ta.rank < tb.rank;
    return (ta.kind == TrackKind::GpuStream) > (tb.kind == TrackKind::GpuStream);
  });
  for (size_t k = 0; k < order.size(); ++k) {
    const uint32_t t = order[k];
    const Track& tr = run.tracks[t];
    const Track* prev = k == 0 ? nullptr : &run.tracks[order[k - 1]];
    bool new_rank = !prev || prev->rank != tr.rank;
    bool new_process = new_rank || prev->pid != tr.pid || prev->kind != tr.kind;
    bool rank_collapsed = vis.collapsed_ranks.count(tr.rank) > 0;
    if (many_ranks && new_rank) {
      TimelineRow r;
      r.kind = RowKind::Rank;
      r.rank = tr.rank;
      r.collapsed = rank_collapsed;
      r.height = m.header_h;
      r.label = fmt::format("Rank {}", tr.rank);
      push(std::move(r));
    }
    if (many_ranks && rank_collapsed) continue;
    bool proc_collapsed = vis.collapsed_processes.count({tr.rank, tr.pid}) > 0;
    if (new_process) {
      TimelineRow r;
      r.kind = RowKind::Process;
      r.rank = tr.rank;
      r.pid = tr.pid;
      r.collapsed = proc_collapsed;
      r.height = m.header_h;
      r.gpu = tr.kind == TrackKind::GpuStream;
      r.label = process_label(run, tr);
      push(std::move(r));
    }
    if (proc_collapsed || vis.hidden_tracks.count(t)) continue;
    uint32_t first = index.first_lane_of_track[t];
    for (uint8_t l = 0; l < tr.lanes; ++l) {
      const TimelineLane& lane = index.lanes[first + l];
      TimelineRow r;
      r.rank = tr.rank;
      r.pid = tr.pid;
      r.track = t;
      r.lane_index = first + l;
      r.lane = l;
      r.gpu = tr.kind == TrackKind::GpuStream;
      r.depths = static_cast<uint8_t>(std::clamp<size_t>(lane.depths(), 1, m.max_depths));
      r.height = static_cast<float>(r.depths) * m.depth_h + m.lane_pad;
      r.label = track_label(run, tr);
      if (l > 0) {
        size_t n = 0;
        for (const auto& d : lane.by_depth) n += d.size();
        r.label += fmt::format(" (overflow {})", l);
        r.badge = fmt::format("{}", n);
      } else if (tr.overflow_slices) {
        r.badge = fmt::format("+{}", tr.overflow_slices);
      }
      push(std::move(r));
    }
  }
  if (!run.counters.series.empty()) {
    TimelineRow h;
    h.kind = RowKind::Process;
    h.pid = -1;
    h.height = m.header_h;
    h.label = "Counters";
    h.collapsed = vis.collapsed_processes.count({0, -1}) > 0;
    push(h);
    for (uint32_t i = 0; !h.collapsed && i < run.counters.series.size(); ++i) {
      const CounterSeries& cs = run.counters.series[i];
      TimelineRow r;
      r.kind = RowKind::Counter;
      r.rank = cs.rank;
      r.pid = cs.pid;
      r.series = i;
      r.height = m.counter_h;
      r.label = std::string(run.str(cs.name));
      if (cs.unit) r.label += fmt::format(" ({})", run.str(cs.unit));
      push(std::move(r));
    }
  }
  return rows;
}

std::optional<float> reveal_scroll(const Run& run, const TimelineIndex& index,
                                   const std::vector<TimelineRow>& rows, uint32_t slice, const RowMetrics& m,
                                   float scroll, float view_h) {
  if (slice >= run.slices.size() || rows.empty()) return std::nullopt;
  const Slices& s = run.slices;
  const uint32_t lane = index.first_lane_of_track[s.track[slice]] + s.lane[slice];
  for (const TimelineRow& r : rows) {
    if (r.kind != RowKind::Lane || r.lane_index != lane) continue;
    const float depth = static_cast<float>(std::min<int>(s.depth[slice], std::max(1, int{r.depths}) - 1));
    const float y0 = r.y + m.lane_pad / 2 + depth * m.depth_h, y1 = y0 + m.depth_h;
    if (y0 >= scroll && y1 <= scroll + view_h) return scroll;
    const float content = rows.back().y + rows.back().height;
    return std::clamp(y0 - view_h / 3, 0.0f, std::max(0.0f, content - view_h));
  }
  return std::nullopt;
}

}  // namespace hp
