#include "views/timeline/iterations_track.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/util/time_format.h"

namespace hp {

IterationsTrack::IterationsTrack(Snapshot snap, uint32_t begin, uint32_t end)
    : snap_(std::move(snap)), begin_(begin), end_(end) {
  const IterationTable& it = snap_.session->iterations;
  for (uint32_t i = begin_; i < end_; ++i) {
    max_dur_ = std::max(max_dur_, it.dur[i]);
    max_tokens_ = std::max(max_tokens_, it.ctx_tokens[i] + it.gen_tokens[i]);
  }
}

std::string IterationsTrack::label() const {
  const Session& s = *snap_.session;
  std::string replica(begin_ < end_ ? s.str(s.iterations.replica[begin_]) : "");
  return fmt::format("Engine iterations{}{} ({})", replica.empty() ? "" : " ", replica, end_ - begin_);
}

std::string IterationsTrack::note() const {
  const Session& s = *snap_.session;
  if (begin_ >= end_) return {};
  const SessionSource& src = s.sources[s.iterations.source[begin_]];
  if (max_dur_ == 0) return "batch lines without durations (SGLang logs decode every N steps)";
  if (src.resolution_ns >= 1'000'000'000)
    return "log times are whole seconds: iterations laid end to end within each second";
  return {};
}

Color IterationsTrack::color_of(IterationKind k, double share) {
  const auto a = static_cast<uint8_t>(110 + 145 * std::clamp(share, 0.0, 1.0));
  switch (k) {
    case IterationKind::Prefill:
      return rgba(235, 160, 60, a);
    case IterationKind::Decode:
      return rgba(80, 170, 230, a);
    case IterationKind::Mixed:
      return rgba(200, 110, 200, a);
    case IterationKind::Idle:
      return rgba(110, 110, 120, a);
  }
  return rgba(110, 110, 120, a);
}

void IterationsTrack::layout(const TrackInput& in, TrackFrame& out) const {
  const IterationTable& it = snap_.session->iterations;
  const double px_per_ns = in.width / static_cast<double>(std::max<Ns>(in.view.span(), 1));
  auto x_of = [&](Ns t) {
    return static_cast<float>(std::clamp(static_cast<double>(t - in.view.t0) * px_per_ns, -1e6, 1e6));
  };
  const Ns* b = it.start.data() + begin_;
  const Ns* e = it.start.data() + end_;
  const Ns* first = std::lower_bound(b, e, in.view.t0 - max_dur_);
  RowFolder folder(out.prims, 1, kHeight - 1, rgba(120, 130, 150), in.min_px);
  for (const Ns* p = first; p != e && *p <= in.view.t1; ++p) {
    const auto i = static_cast<uint32_t>(p - it.start.data());
    if (*p + it.dur[i] < in.view.t0) continue;
    const double share = static_cast<double>(it.ctx_tokens[i] + it.gen_tokens[i]) / max_tokens_;
    const Color c = color_of(it.kind[i], share);
    const float x0 = x_of(*p), x1 = x_of(*p + it.dur[i]);
    if (folder.add(x0, x1, i, c)) continue;
    out.prims.push_back({TrackPrim::Rect, x0, 1, x1, kHeight - 1, c, i, 1});
    if (in.selected.kind == PickKind::Iteration && in.selected.row == i)
      out.prims.push_back({TrackPrim::Outline, x0 - 1, 0, x1 + 1, kHeight, rgba(255, 255, 255), kNone, 1});
  }
}

Pick IterationsTrack::pick(const TrackFrame& frame, const TrackInput&, float x, float y) const {
  const TrackPrim* p = prim_at(frame, x, y);
  if (!p || p->count > 1) return {};
  return {PickKind::Iteration, p->item, kNone};
}

std::string IterationsTrack::tooltip(const TrackFrame& frame, const TrackInput&, float x, float y) const {
  const TrackPrim* p = prim_at(frame, x, y);
  if (!p) return {};
  if (p->count > 1) return fmt::format("{} iterations too small to show; zoom in", p->count);
  const IterationTable& it = snap_.session->iterations;
  const uint32_t i = p->item;
  return fmt::format("{} iteration, {}\ncontext: {} requests, {} tokens\ngeneration: {} requests, {} tokens",
                     to_string(it.kind[i]), it.dur[i] ? format_duration(it.dur[i], 3) : "no duration logged",
                     it.ctx_reqs[i], it.ctx_tokens[i], it.gen_reqs[i], it.gen_tokens[i]);
}

}  // namespace hp
