#include "views/timeline/series_track.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "views/timeline/counter_columns.h"

namespace hp {

std::string format_value(double v, std::string_view unit) {
  if (unit == "fraction") return fmt::format("{:.1f}%", v * 100);
  const double a = std::fabs(v);
  std::string num = a >= 1e9   ? fmt::format("{:.3g} G", v / 1e9)
                    : a >= 1e6 ? fmt::format("{:.3g} M", v / 1e6)
                    : a >= 1e4 ? fmt::format("{:.3g} k", v / 1e3)
                               : fmt::format("{:.4g}", v);
  return unit.empty() ? num : fmt::format("{} {}", num, unit);
}

SeriesTrack::SeriesTrack(Snapshot snap, uint32_t series) : snap_(std::move(snap)), series_(series) {}

std::string SeriesTrack::unit() const {
  const Session& s = *snap_.session;
  const auto& info = s.series.info[series_];
  std::string u(s.str(info.unit));
  if (info.kind == SeriesKind::Gauge) return u;
  return u.empty() ? "/s" : u + "/s";
}

std::string SeriesTrack::label() const {
  const Session& s = *snap_.session;
  const auto& info = s.series.info[series_];
  std::string l(s.str(info.name));
  if (!s.str(info.labels).empty()) l += fmt::format("{{{}}}", s.str(info.labels));
  if (info.kind != SeriesKind::Gauge) l += " (rate)";
  return l;
}

std::string SeriesTrack::note() const {
  auto [lo, hi] = snap_.derived->extent[series_];
  const auto& info = snap_.session->series.info[series_];
  return fmt::format("{} .. {}  ·  {} samples", format_value(lo, unit()), format_value(hi, unit()),
                     info.end - info.begin);
}

void SeriesTrack::layout(const TrackInput& in, TrackFrame& out) const {
  const Session& s = *snap_.session;
  const auto& info = s.series.info[series_];
  auto [lo, hi] = snap_.derived->extent[series_];
  if (lo > 0) lo = 0;  // counts, rates and fractions read best from zero
  const double scale = hi > lo ? (kHeight - 6) / (hi - lo) : 0;
  auto y_of = [&](double v) { return kHeight - 3 - static_cast<float>((v - lo) * scale); };
  const auto cols = step_columns(s.series.ts.data() + info.begin, snap_.plotted(series_),
                                 info.end - info.begin, in.view, static_cast<int>(in.width));
  const Color fill = rgba(70, 130, 180, 110), line = rgba(120, 190, 255);
  if (in.selected.kind == PickKind::Sample && in.selected.series == series_) {  // the picked sample
    const auto x = static_cast<float>(static_cast<double>(s.series.ts[in.selected.row] - in.view.t0) /
                                      static_cast<double>(in.view.span()) * in.width);
    out.prims.push_back({TrackPrim::Line, x, 0, x, kHeight, rgba(255, 230, 0), kNone, 1});
  }
  for (const CounterColumn& c : cols) {
    const auto x = static_cast<float>(c.x);
    out.prims.push_back({TrackPrim::Rect, x, y_of(c.max), x + 1, kHeight - 3, fill, kNone, 1});
    out.prims.push_back({TrackPrim::Rect, x, y_of(c.max), x + 1, y_of(c.min) + 1, line, kNone, 1});
  }
}

uint32_t SeriesTrack::sample_at(Ns t) const {
  const auto& info = snap_.session->series.info[series_];
  const Ns* b = snap_.session->series.ts.data() + info.begin;
  const Ns* e = snap_.session->series.ts.data() + info.end;
  const Ns* it = std::upper_bound(b, e, t);
  return it == b ? kNone : static_cast<uint32_t>(it - 1 - snap_.session->series.ts.data());
}

Pick SeriesTrack::pick(const TrackFrame&, const TrackInput& in, float x, float) const {
  const uint32_t row = sample_at(
      in.view.t0 + static_cast<Ns>(static_cast<double>(x) / in.width * static_cast<double>(in.view.span())));
  return row == kNone ? Pick{} : Pick{PickKind::Sample, row, series_};
}

std::string SeriesTrack::tooltip(const TrackFrame&, const TrackInput& in, float x, float) const {
  const Ns t =
      in.view.t0 + static_cast<Ns>(static_cast<double>(x) / in.width * static_cast<double>(in.view.span()));
  const uint32_t row = sample_at(t);
  if (row == kNone) return {};
  const auto& info = snap_.session->series.info[series_];
  const double v = snap_.plotted(series_)[row - info.begin];
  std::string out = fmt::format("{}\n{}", label(), format_value(v, unit()));
  if (info.kind != SeriesKind::Gauge)
    out += fmt::format("  (total {})", format_value(snap_.session->series.value[row], ""));
  return out;
}

}  // namespace hp
