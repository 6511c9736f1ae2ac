#include "views/timeline/requests_track.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/util/time_format.h"

namespace hp {
namespace {

constexpr float kPad = 1;

}  // namespace

RequestsTrack::RequestsTrack(Snapshot snap) : snap_(std::move(snap)) {}

std::string RequestsTrack::label() const {
  return fmt::format("Requests ({})", snap_.session->requests.size());
}

std::string RequestsTrack::note() const {
  const RequestLanes& l = snap_.derived->lanes;
  std::string n = fmt::format("{} lanes (peak concurrency)", l.lanes());
  if (l.untimed) n += fmt::format(", {} without times", l.untimed);
  return n;
}

float RequestsTrack::height() const {
  return std::max(1u, snap_.derived->lanes.lanes()) * kLaneH + 2 * kPad;
}

void RequestsTrack::layout(const TrackInput& in, TrackFrame& out) const {
  const Session& s = *snap_.session;
  const RequestTable& rq = s.requests;
  const RequestLanes& lanes = snap_.derived->lanes;
  const double px_per_ns = in.width / static_cast<double>(std::max<Ns>(in.view.span(), 1));
  auto x_of = [&](Ns t) {
    return static_cast<float>(std::clamp(static_cast<double>(t - in.view.t0) * px_per_ns, -1e6, 1e6));
  };
  const uint32_t first_lane = static_cast<uint32_t>(std::max(0.0f, (in.y0 - kPad) / kLaneH));
  const Ns one_px = static_cast<Ns>(1 / px_per_ns);
  const Ns min_wide = std::max<Ns>(static_cast<Ns>(in.min_px / px_per_ns), 1);
  for (uint32_t l = first_lane; l < lanes.lanes(); ++l) {
    const float y0 = kPad + static_cast<float>(l) * kLaneH, y1 = y0 + kLaneH - 1;
    if (y0 > in.y1) break;
    // A lane's requests do not overlap, so their ends ascend with their starts.
    auto pos_end = [&](uint32_t p) { return rq.end_of(lanes.order[p]); };
    auto pos_start = [&](uint32_t p) { return rq.start_of(lanes.order[p]); };
    uint32_t p = lanes.lane_begin[l];
    const uint32_t le = lanes.lane_begin[l + 1];
    for (uint32_t n = le - p; n > 0;) {  // first position that ends at or after the view
      const uint32_t half = n / 2;
      if (pos_end(p + half) < in.view.t0) {
        p += half + 1;
        n -= half + 1;
      } else {
        n = half;
      }
    }
    uint32_t pe = p;  // one past the last position that starts inside the view
    for (uint32_t n = le - p; n > 0;) {
      const uint32_t half = n / 2;
      if (pos_start(pe + half) <= in.view.t1) {
        pe += half + 1;
        n -= half + 1;
      } else {
        n = half;
      }
    }
    while (p < pe) {
      const uint32_t r = lanes.order[p];
      const bool ok = rq.status[r] == serving::RequestStatus::Ok;
      const bool probe = !s.str(rq.purpose[r]).empty();
      const Color main = !ok ? RequestColors::failed : probe ? RequestColors::probe : RequestColors::decode;
      const float x0 = x_of(rq.start_of(r)), x1 = x_of(rq.end_of(r));
      if (lanes.dur[p] < min_wide) {
        // Narrow: it and the narrow requests that follow it within 1 px fold into one box, found with
        // the lanes' block maxima instead of visiting each (a million requests cost a few folds).
        const uint32_t q = lanes.fold_break(p, one_px, min_wide);
        uint32_t last = q < le && lanes.dur[q] < min_wide ? q : q - 1;
        last = std::min(last, pe - 1);
        const uint32_t count = last - p + 1;
        const float fx1 = std::max(x_of(pos_end(last)), x0 + 1);
        out.prims.push_back(
            {TrackPrim::Rect, x0, y0, fx1, y1, count > 1 ? RequestColors::fold : main, r, count});
        if (count == 1 && in.selected.kind == PickKind::Request && in.selected.row == r)
          out.prims.push_back(
              {TrackPrim::Outline, x0 - 1, y0 - 1, fx1 + 1, y1 + 1, rgba(255, 255, 255), kNone, 1});
        p = last + 1;
        continue;
      }
      ++p;
      const Ns sched = rq.scheduled_of(r), ft = rq.first_token_of(r);
      // Phases narrower than min_px merge into their neighbour: a bar costs one primitive per phase
      // that can be seen, so a frame stays within its primitive budget at every zoom.
      float xs = sched == kNoTime ? x0 : std::clamp(x_of(sched), x0, x1);
      float xf = ft == kNoTime ? x1 : std::clamp(x_of(ft), xs, x1);
      if (xs - x0 < in.min_px) xs = x0;
      if (xf - xs < in.min_px) xf = xs;
      if (xs > x0) out.prims.push_back({TrackPrim::Rect, x0, y0, xs, y1, RequestColors::queue, r, 1});
      if (xf > xs) out.prims.push_back({TrackPrim::Rect, xs, y0, xf, y1, RequestColors::prefill, r, 1});
      if (x1 > xf) out.prims.push_back({TrackPrim::Rect, xf, y0, x1, y1, main, r, 1});
      if (ft != kNoTime && x1 - x0 >= 24)  // narrower bars show the first token by their colour change
        out.prims.push_back({TrackPrim::Line, xf, y0, xf, y1, RequestColors::tick, kNone, 1});
      // ITL ticks once the decode part gives each token at least 4 px.
      const uint32_t ib = rq.itl_begin[r], ie = rq.itl_begin[r + 1];
      if (ft != kNoTime && ie > ib && (x1 - xf) / static_cast<float>(ie - ib) >= 4) {
        Ns t = rq.first_token[r] != kNoTime ? rq.first_token[r] : ft;
        for (uint32_t k = ib; k < ie; ++k) {
          t += rq.itl[k];
          const float x = x_of(t);
          if (x < 0 || x > in.width) continue;
          out.prims.push_back({TrackPrim::Line, x, y0 + 2, x, y1, rgba(20, 40, 60), kNone, 1});
        }
      }
      if (in.selected.kind == PickKind::Request && in.selected.row == r)
        out.prims.push_back(
            {TrackPrim::Outline, x0 - 1, y0 - 1, x1 + 1, y1 + 1, rgba(255, 255, 255), kNone, 1});
    }
  }
}

Pick RequestsTrack::pick(const TrackFrame& frame, const TrackInput&, float x, float y) const {
  const TrackPrim* p = prim_at(frame, x, y);
  if (!p || p->count > 1) return {};
  return {PickKind::Request, p->item, kNone};
}

std::string RequestsTrack::tooltip(const TrackFrame& frame, const TrackInput&, float x, float y) const {
  const TrackPrim* p = prim_at(frame, x, y);
  if (!p) return {};
  if (p->count > 1) return fmt::format("{} requests too small to show; zoom in", p->count);
  std::string t;
  for (const auto& line : request_details(*snap_.session, p->item)) t += line + '\n';
  return t;
}

std::vector<std::string> request_details(const Session& s, uint32_t r) {
  const RequestTable& rq = s.requests;
  std::vector<std::string> out;
  if (r >= rq.size()) return out;
  auto rel = [&](Ns t) { return t == kNoTime ? std::string("-") : format_duration(t - rq.start_of(r), 3); };
  auto span = [&](Ns a, Ns b) {
    return a == kNoTime || b == kNoTime ? std::string("-") : format_duration(b - a, 3);
  };
  out.push_back(fmt::format("Request {}", s.str(rq.id[r])));
  std::string status = serving::to_string(rq.status[r]);
  if (rq.http_status[r] > 0 && rq.status[r] != serving::RequestStatus::Ok)
    status += fmt::format(" (HTTP {})", rq.http_status[r]);
  if (!s.str(rq.error[r]).empty()) status += fmt::format(": {}", s.str(rq.error[r]));
  out.push_back(fmt::format("status {}{}{}", status, rq.warmup[r] ? ", warm-up" : "",
                            s.str(rq.purpose[r]).empty() ? "" : fmt::format(", {}", s.str(rq.purpose[r]))));
  out.push_back(fmt::format("endpoint {}", s.str(rq.endpoint[r])));
  out.push_back(
      fmt::format("TTFT {}   E2E {}", span(rq.sent[r], rq.first_token[r]), span(rq.sent[r], rq.finish[r])));
  const uint32_t ib = rq.itl_begin[r], ie = rq.itl_begin[r + 1];
  if (ie > ib) {
    std::vector<Ns> itl(rq.itl.begin() + ib, rq.itl.begin() + ie);
    std::sort(itl.begin(), itl.end());
    out.push_back(fmt::format("ITL p50 {}  max {}  ({} gaps)", format_duration(itl[itl.size() / 2], 3),
                              format_duration(itl.back(), 3), itl.size()));
  }
  out.push_back(fmt::format("tokens in {}  cached {}  out {}", rq.prompt_tokens[r], rq.cached_tokens[r],
                            rq.output_tokens[r]));
  out.push_back(fmt::format("arrival +0   sent +{}   first token +{}   last token +{}   finish +{}",
                            rel(rq.sent[r]), rel(rq.first_token[r]), rel(rq.last_token[r]),
                            rel(rq.finish[r])));
  if (rq.srv_received[r] != kNoTime || rq.srv_scheduled[r] != kNoTime || rq.srv_finished[r] != kNoTime)
    out.push_back(
        fmt::format("server: received +{}  queued +{}  scheduled +{}  prefill end +{}  finished +{}",
                    rel(rq.srv_received[r]), rel(rq.srv_queued[r]), rel(rq.srv_scheduled[r]),
                    rel(rq.srv_prefill_end[r]), rel(rq.srv_finished[r])));
  return out;
}

}  // namespace hp
