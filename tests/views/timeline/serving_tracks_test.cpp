#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "core/session/load_session.h"
#include "core/session/session_builder.h"
#include "views/timeline/iterations_track.h"
#include "views/timeline/requests_track.h"
#include "views/timeline/series_track.h"

using namespace hp;

namespace {

constexpr Ns kT0 = 1'700'000'000'000'000'000;

Snapshot snapshot_of(const ServingData& d) {
  SessionBuilder b;
  b.add_serving(d, SourceKind::Capture, "c");
  return make_snapshot(b.finish());
}

serving::RequestRecord req(Ns sent, Ns first, Ns end,
                           serving::RequestStatus st = serving::RequestStatus::Ok) {
  serving::RequestRecord r;
  r.request_id = std::to_string(sent);
  r.scheduled_ns = r.sent_ns = kT0 + sent;
  r.first_token_ns = kT0 + first;
  r.end_ns = kT0 + end;
  r.status = st;
  return r;
}

size_t count_items(const TrackFrame& f) {
  size_t n = 0;
  for (const auto& p : f.prims)
    if (p.item != kNone && p.shape == TrackPrim::Rect) n += p.count;
  return n;
}

}  // namespace

TEST_CASE("requests track: a wide bar splits into queue, prefill and decode, a click picks it") {
  ServingData d;
  auto r = req(100, 400, 1000);
  r.scheduled_ns = kT0;  // arrival at 0: 100 ns of client-side queue
  d.requests.push_back(r);
  Snapshot snap = snapshot_of(d);  // session time 0 = kT0 (a whole second)
  RequestsTrack t(snap);
  TrackInput in;
  in.view = {0, 1000};
  in.width = 1000;
  TrackFrame f;
  t.layout(in, f);
  std::vector<std::pair<float, float>> rects;
  for (const auto& p : f.prims)
    if (p.shape == TrackPrim::Rect) rects.push_back({p.x0, p.x1});
  REQUIRE(rects.size() == 3);
  CHECK(rects[0] == std::pair<float, float>{0, 100});     // queue: arrival -> send
  CHECK(rects[1] == std::pair<float, float>{100, 400});   // prefill: send -> first token
  CHECK(rects[2] == std::pair<float, float>{400, 1000});  // decode: first token -> end
  CHECK(t.pick(f, in, 500, 3).kind == PickKind::Request);
  CHECK(t.pick(f, in, 500, 3).row == 0);
  CHECK(t.pick(f, in, 500, 30).kind == PickKind::None);  // below the only lane
}

TEST_CASE("requests track: narrow requests fold, and every request is in exactly one primitive") {
  ServingData d;
  std::mt19937 rng(7);
  std::uniform_int_distribution<Ns> gap(0, 2'000'000), len(10'000, 20'000'000);
  Ns t = 0;
  for (int i = 0; i < 5000; ++i) {
    t += gap(rng);
    Ns e = t + len(rng);
    d.requests.push_back(req(t, t + (e - t) / 5, e,
                             i % 50 == 0 ? serving::RequestStatus::HttpError : serving::RequestStatus::Ok));
  }
  Snapshot snap = snapshot_of(d);
  RequestsTrack track(snap);
  auto [lo, hi] = snap.session->span();
  for (Ns span : {hi - lo, (hi - lo) / 20, Ns{50'000'000}}) {
    TrackInput in;
    in.view = {lo, lo + span};
    in.width = 1920;
    TrackFrame f;
    track.layout(in, f);
    // Brute force: the requests that intersect the view.
    size_t visible = 0;
    const RequestTable& rq = snap.session->requests;
    for (size_t i = 0; i < rq.size(); ++i)
      visible += rq.end_of(i) >= in.view.t0 && rq.start_of(i) <= in.view.t1;
    std::set<uint32_t> single;  // a wide request is drawn as up to three segments of one item
    size_t folded = 0;
    for (const auto& p : f.prims) {
      if (p.item == kNone || p.shape != TrackPrim::Rect) continue;
      if (p.count > 1)
        folded += p.count;
      else
        single.insert(p.item);
    }
    CHECK(folded + single.size() == visible);
    CHECK(f.prims.size() < 50'000);
  }
}

TEST_CASE("series track: one min/max column per pixel, equal to a brute-force reduction") {
  ServingData d;
  serving::MetricSeries s{{"kv_cache_usage", {}}, {}};
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> v(0, 1);
  for (int i = 0; i < 100'000; ++i) s.samples.push_back({kT0 + Ns{i} * 1'000'000, v(rng)});
  d.metrics.push_back(s);
  Snapshot snap = snapshot_of(d);
  SeriesTrack track(snap, 0);
  TrackInput in;
  in.view = {0, 100'000'000'000};
  in.width = 800;
  TrackFrame f;
  track.layout(in, f);
  REQUIRE(f.prims.size() == 2 * 800);  // a fill and a min/max bar per column
  // Column 10 covers samples [1250, 1375): its bar spans their min..max (the value held from 1249 too).
  double lo = 1, hi = 0;
  for (int i = 1249; i < 1375; ++i) {
    lo = std::min(lo, s.samples[static_cast<size_t>(i)].value);
    hi = std::max(hi, s.samples[static_cast<size_t>(i)].value);
  }
  const TrackPrim& bar = f.prims[2 * 10 + 1];
  const float h = SeriesTrack::kHeight;
  auto [elo, ehi] = snap.derived->extent[0];
  const double scale = (h - 6) / (ehi - 0);
  CHECK(bar.y0 == Approx(h - 3 - hi * scale).margin(1e-3));
  CHECK(bar.y1 == Approx(h - 3 - lo * scale + 1).margin(1e-3));
  CHECK(track.note().find("100000 samples") != std::string::npos);
}

TEST_CASE("series track: counters plot as per-second rates, resets included") {
  ServingData d;
  d.metrics.push_back({{"vllm:prompt_tokens_total", {}},
                       {{kT0, 100}, {kT0 + 1'000'000'000, 300}, {kT0 + 3'000'000'000, 50}}});
  Snapshot snap = snapshot_of(d);
  CHECK(snap.derived->plotted[0] == std::vector<double>{0, 200, 25});
  SeriesTrack track(snap, 0);
  CHECK(track.label() == "vllm:prompt_tokens_total (rate)");
}

TEST_CASE("iterations track: the vLLM log's first iterations, coloured by kind, narrow ones folded") {
  LoadProgress p;
  Snapshot snap = make_snapshot(load_session(
      {std::string(HOTPATH_TEST_DATA) + "/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz"}, p));
  const IterationTable& it = snap.session->iterations;
  IterationsTrack track(snap, 0, static_cast<uint32_t>(it.size()));
  TrackInput in;
  in.view = {it.start[0], it.start[0] + 50'000'000};  // 50 ms: the 36.68 ms prefill and a few decodes
  in.width = 1000;
  TrackFrame f;
  track.layout(in, f);
  REQUIRE(!f.prims.empty());
  CHECK(f.prims[0].x0 == 0);
  CHECK(f.prims[0].x1 == Approx(733.6f));
  CHECK(track.pick(f, in, 100, 8).kind == PickKind::Iteration);
  CHECK(track.pick(f, in, 100, 8).row == 0);
  // Zoomed out to the whole log, every iteration is still accounted for once.
  auto [lo, hi] = snap.session->span();
  in.view = {lo, hi};
  track.layout(in, f = {});
  CHECK(count_items(f) == it.size());
  CHECK(track.note().find("whole seconds") != std::string::npos);
}

TEST_CASE("series track: a click picks the sample in force at that pixel") {
  ServingData d;
  d.metrics.push_back({{"kv_cache_usage", {}}, {{kT0, 0.1}, {kT0 + 500, 0.5}, {kT0 + 900, 0.9}}});
  Snapshot snap = snapshot_of(d);
  SeriesTrack track(snap, 0);
  TrackInput in;
  in.view = {0, 1000};
  in.width = 1000;
  TrackFrame f;
  track.layout(in, f);
  CHECK(track.pick(f, in, 499, 10) == Pick{PickKind::Sample, 0, 0});
  CHECK(track.pick(f, in, 700, 10) == Pick{PickKind::Sample, 1, 0});
  in.view = {-1000, 1000};
  CHECK(track.pick(f, in, 100, 10).kind == PickKind::None);  // before the first sample
}
