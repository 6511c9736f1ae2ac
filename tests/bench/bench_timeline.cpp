// Timeline frame cost, headless (layout + ImGui draw-list build, no GL): for a trace, the time to
// index it and show the first frame, then the median frame time and the largest primitive count
// while panning at three zoom levels (whole trace, 1/100 of it, 1/100000 of it) at 1920 px.
//   bench_timeline [TRACE]   (default: the largest shared fixture; a tiled 1 GB trace from
//                             bench_import --keep is the reference input)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "core/import/registry.h"
#include "support/imgui_harness.h"
#include "views/timeline/timeline_panel.h"

using namespace hp;
using Clock = std::chrono::steady_clock;

static double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

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

  const float gutter = 220, width = 1920;
  test::ImGuiHarness h(gutter + width + 16, 1200);
  ViewState vs;
  TimelinePanel panel;
  auto ui = [&] { test::fullscreen_window("timeline", [&] { panel.draw(vs, 0.016f); }); };
  t0 = Clock::now();
  panel.set_run(run, vs);
  h.frame(ui);
  std::printf("first_frame_ms=%.1f (index + colours + one frame after the import)\n", ms_since(t0));

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
    for (int f = 0; f < 120; ++f) {
      vs.view.pan_px(f < 60 ? -8 : 8, width);  // pan right then back
      auto tf = Clock::now();
      h.frame(ui);
      times.push_back(ms_since(tf));
      prims_max = std::max(prims_max, h.draw_data()->TotalIdxCount / 6);  // quads (rects and glyphs)
    }
    std::sort(times.begin(), times.end());
    std::printf("%-10s span_ns=%lld frame_ms_median=%.3f frame_ms_p99=%.3f prims_max=%d\n", lv.name,
                static_cast<long long>(lv.span), times[times.size() / 2], times[times.size() * 99 / 100],
                prims_max);
  }
  return 0;
}
