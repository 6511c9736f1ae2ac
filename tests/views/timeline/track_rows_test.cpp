#include <catch2/catch.hpp>

#include "support/run_maker.h"
#include "views/timeline/track_rows.h"

using namespace hp;

TEST_CASE("rows: process headers, lanes sized by depth, overflow lanes with a badge, collapse and hide") {
  Run run = test::make_run(
      {{0, 0, 10, "a"}, {0, 1, 5, "b", 1}, {0, 2, 2, "c", 2}, {1, 0, 10, "k"}, {1, 5, 10, "k2", 0, 1}});
  run.tracks[0].pid = 100;
  run.tracks[0].tid = 7;
  run.tracks[0].thread_name = run.strings.intern("thread 7 (python) ");
  run.tracks[1].pid = 0;
  run.tracks[1].kind = TrackKind::GpuStream;
  run.tracks[1].device = 0;
  run.tracks[1].stream = 7;
  run.tracks[1].overflow_slices = 1;
  TimelineIndex idx = TimelineIndex::build(run);
  RowMetrics m{20, 10, 4, 32};
  auto rows = layout_rows(run, idx, {}, m);
  REQUIRE(rows.size() == 5);
  // GPU processes come first within a rank.
  CHECK(rows[0].kind == RowKind::Process);
  CHECK(rows[0].label == "GPU 0");
  CHECK(rows[1].label == "stream 7");
  CHECK(rows[1].badge == "+1");
  CHECK(rows[2].label == "stream 7 (overflow 1)");
  CHECK(rows[2].y == rows[1].y + rows[1].height);
  CHECK(rows[3].label == "Process 100");
  CHECK(rows[4].label == "thread 7 (python)");
  CHECK(rows[4].height == 3 * 10 + 4);

  TrackVisibility vis;
  vis.collapsed_processes.insert({0, 100});
  vis.hidden_tracks.insert(1);
  auto folded = layout_rows(run, idx, vis, m);
  REQUIRE(folded.size() == 2);
  CHECK(folded[0].label == "GPU 0");
  CHECK(folded[1].label == "Process 100");
  CHECK(folded[1].collapsed);
}

TEST_CASE("rows: counter series get their own rows under a Counters header") {
  Run run = test::make_run({{0, 0, 10, "a"}});
  run.counters.ts = {0, 5};
  run.counters.value = {1, 2};
  run.counters.series.push_back({0, 1, run.strings.intern("kv_cache_usage"), run.strings.intern("%"), 0, 2});
  TimelineIndex idx = TimelineIndex::build(run);
  RowMetrics m;
  auto rows = layout_rows(run, idx, {}, m);
  REQUIRE(rows.size() == 4);
  CHECK(rows[2].label == "Counters");
  CHECK(rows[3].kind == RowKind::Counter);
  CHECK(rows[3].series == 0);
  CHECK(rows[3].label == "kv_cache_usage (%)");
  CHECK(rows[3].height == m.counter_h);
}
