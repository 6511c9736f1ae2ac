// Timeline frame cost, headless (layout + ImGui draw-list build, no GL): for a trace, the time to
// index it and show the first frame, then the median frame time and the largest primitive count
// while panning at three zoom levels (whole trace, 1/100 of it, 1/100000 of it) at 1920 px.
// Then the same with a generated serving session over the trace's span (REQUESTS requests with 8
// ITLs each, SAMPLES metric samples in 200 series): the Session build and derived data against the
// trace import time (the ratio the issue bounds by 1.0), and frames with every track.
//   bench_timeline [TRACE] [REQUESTS] [SAMPLES]   (default: the largest shared fixture, 1,000,000,
//   10,000,000; a tiled 1 GB trace from bench_import --keep is the reference input)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/import/registry.h"
#include "core/session/load_session.h"
#include "core/session/session_builder.h"
#include "core/store/serving_store.h"
#include "support/imgui_harness.h"
#include "views/timeline/timeline_panel.h"

using namespace hp;
using Clock = std::chrono::steady_clock;

static double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

namespace {
ServingData generate_serving(const Run& run, size_t n_req, size_t n_samples);
void run_frames(std::shared_ptr<const Run> run, const Snapshot* serving, const char* what);
}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path trace = argc > 1 ? argv[1]
                                         : std::filesystem::path(HOTPATH_SHARED_FIXTURES) / "kineto_traces" /
                                               "hta_v100_df_index_resolver_rank1_LARGE.json.gz";
  if (!std::filesystem::exists(trace)) {
    std::printf("skip: %s not found\n", trace.c_str());
    return 0;
  }
  auto t0 = Clock::now();
  LoadProgress progress;
  std::shared_ptr<const Run> run = load_inputs({trace}, progress);
  double load_ms = ms_since(t0);
  std::printf("trace=%s slices=%zu load_ms=%.0f\n", trace.filename().c_str(), run->slices.size(), load_ms);

  const size_t n_req = argc > 2 ? std::stoul(argv[2]) : 1'000'000;
  const size_t n_samples = argc > 3 ? std::stoul(argv[3]) : 10'000'000;
  run_frames(run, nullptr, "trace only");
  ServingData d = generate_serving(*run, n_req, n_samples);
  t0 = Clock::now();
  SessionBuilder b;
  b.set_run(run, trace.filename().string());
  b.add_serving(d, SourceKind::Capture, "generated");
  Snapshot snap = make_snapshot(b.finish());
  const double build_ms = ms_since(t0);
  std::printf("serving: requests=%zu samples=%zu session_build_ms=%.0f ratio_to_import=%.2f\n", n_req,
              n_samples, build_ms, build_ms / load_ms);
  run_frames(run, &snap, "trace + serving");

  // A capture's run file with the generated requests (no trace): open to the first frame.
  const auto file = std::filesystem::temp_directory_path() / "hotpath_bench_timeline.hotpath";
  for (const char* sfx : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + sfx);
  {
    ServingWriter w(file);
    for (const auto& r : d.requests) w.add_request(r);
    auto t1 = Clock::now();
    w.finish();
    std::printf("run file: request columns written in %.0f ms\n", ms_since(t1));
  }
  t0 = Clock::now();
  {
    ServingData back = read_serving(file, RequestForm::Columns);
    std::printf("run file: read_serving %.0f ms (%zu requests)\n", ms_since(t0), back.request_columns.size());
    auto t1 = Clock::now();
    SessionBuilder sb;
    sb.add_serving(std::move(back), SourceKind::Capture, "x");
    auto sess = sb.finish();
    std::printf("run file: session build %.0f ms\n", ms_since(t1));
    t1 = Clock::now();
    make_snapshot(sess);
    std::printf("run file: derived %.0f ms\n", ms_since(t1));
  }
  t0 = Clock::now();
  LoadProgress open_progress;
  Snapshot opened = make_snapshot(load_session({file}, open_progress));
  const double open_ms = ms_since(t0);
  {
    test::ImGuiHarness h(2156, 1200);
    ViewState vs;
    TimelinePanel panel;
    panel.set_session(opened, vs);
    h.frame([&] { test::fullscreen_window("timeline", [&] { panel.draw(vs, 0.016f); }); });
  }
  std::printf("run file with %zu requests: open + derive %.0f ms, to the first frame %.0f ms\n",
              opened.session->requests.size(), open_ms, ms_since(t0));
  for (const char* sfx : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + sfx);
  return 0;
}

namespace {

// Requests arriving uniformly over the trace span at ~64-way concurrency, 200 gauge series.
ServingData generate_serving(const Run& run, size_t n_req, size_t n_samples) {
  ServingData d;
  auto [lo, hi] = run.span();
  const Ns base = run.sources.empty() ? 0 : run.sources.front().base_time_ns;
  const Ns span = std::max<Ns>(hi - lo, 1);
  std::mt19937_64 rng(42);
  d.requests.resize(n_req);
  for (size_t i = 0; i < n_req; ++i) {
    serving::RequestRecord& r = d.requests[i];
    r.request_id = std::to_string(i);
    const Ns t = base + lo + static_cast<Ns>(static_cast<double>(span) * static_cast<double>(i) / n_req);
    const Ns len = std::max<Ns>(span / static_cast<Ns>(n_req) * 64, 10) * (1 + static_cast<Ns>(rng() % 3));
    r.scheduled_ns = r.sent_ns = t;
    r.first_token_ns = t + len / 5;
    r.end_ns = t + len;
    for (int k = 0; k < 8; ++k)
      r.token_chunk_ns.push_back(r.first_token_ns + (r.end_ns - r.first_token_ns) * k / 8);
    r.output_tokens = 8;
  }
  const size_t per = n_samples / 200;
  for (int s = 0; s < 200; ++s) {
    serving::MetricSeries ms{{"series_" + std::to_string(s), {}}, {}};
    ms.samples.resize(per);
    for (size_t k = 0; k < per; ++k)
      ms.samples[k] = {base + lo + static_cast<Ns>(static_cast<double>(span) * static_cast<double>(k) / per),
                       static_cast<double>(rng() % 1000)};
    d.metrics.push_back(std::move(ms));
  }
  return d;
}

void run_frames(std::shared_ptr<const Run> run, const Snapshot* serving, const char* what) {
  const float gutter = 220, width = 1920;
  test::ImGuiHarness h(gutter + width + 16, 1200);
  ViewState vs;
  TimelinePanel panel;
  auto ui = [&] { test::fullscreen_window("timeline", [&] { panel.draw(vs, 0.016f); }); };
  auto t0 = Clock::now();
  panel.set_session(serving ? *serving : make_snapshot(session_of(run)), vs);
  h.frame(ui);
  std::printf("[%s] first_frame_ms=%.1f (index + colours + one frame)\n", what, ms_since(t0));

  const TimeWindow extent = vs.view.extent();
  struct Level {
    const char* name;
    Ns span;
  };
  for (Level lv :
       {Level{"zoomed_out", extent.span()}, Level{"middle", std::max<Ns>(extent.span() / 100, 1000)},
        Level{"deep", std::max<Ns>(extent.span() / 100000, 1000)}}) {
    Ns mid = extent.t0 + extent.span() / 2;
    vs.view.zoom_to({mid - lv.span / 2, mid + lv.span / 2}, false);
    h.frames(3, ui);
    std::vector<double> times;
    int prims_max = 0;
    size_t track_prims_max = 0;
    for (int f = 0; f < 120; ++f) {
      vs.view.pan_px(f < 60 ? -8 : 8, width);  // pan right then back
      auto tf = Clock::now();
      h.frame(ui);
      times.push_back(ms_since(tf));
      prims_max = std::max(prims_max, h.draw_data()->TotalIdxCount / 6);  // quads (rects and glyphs)
      track_prims_max = std::max(track_prims_max, panel.serving_prims());
    }
    std::sort(times.begin(), times.end());
    std::printf(
        "[%s] %-10s span_ns=%lld frame_ms_median=%.3f frame_ms_p99=%.3f prims_max=%d serving_prims=%zu\n",
        what, lv.name, static_cast<long long>(lv.span), times[times.size() / 2],
        times[times.size() * 99 / 100], prims_max, track_prims_max);
  }
}

}  // namespace
