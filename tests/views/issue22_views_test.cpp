// Pure layouts behind the issue-22 fixes: the details pane's front section, the wrapped legend,
// vertical reveal, the search counter's owner, the Kernels totals under a filter, Import-log links,
// and the shortcut list against the README.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "core/analysis/kernel_table.h"
#include "support/analysis_fixtures.h"
#include "views/details_panel.h"
#include "views/import_log_panel.h"
#include "views/kernels_model.h"
#include "views/search_bar.h"
#include "views/shortcuts.h"
#include "views/timeline/legend_layout.h"
#include "views/timeline/track_rows.h"

using namespace hp;

namespace {
const char* kSample = HOTPATH_ASSETS_DIR "/samples/vllm_b200_tp8_eager_rank0.pt.trace.json.gz";
}

TEST_CASE("details pane: the section touched last is in front", "[views][details]") {
  DetailsFocus f;
  CHECK_FALSE(f.update(kNone, std::nullopt));
  CHECK(f.front == DetailsSection::Hint);
  CHECK(f.update(5, std::nullopt));
  CHECK(f.front == DetailsSection::Slice);
  // A range dragged while a slice is selected: the statistics come forward (they landed below the
  // slice's arguments, out of sight).
  CHECK(f.update(5, TimeWindow{10, 20}));
  CHECK(f.front == DetailsSection::Range);
  CHECK_FALSE(f.update(5, TimeWindow{10, 20}));
  CHECK(f.update(6, TimeWindow{10, 20}));  // a new slice comes forward again
  CHECK(f.front == DetailsSection::Slice);
  CHECK(f.update(kNone, TimeWindow{10, 20}));
  CHECK(f.front == DetailsSection::Range);
}

TEST_CASE("legend wraps onto rows instead of dropping categories", "[views][legend]") {
  std::vector<float> w(12, 60.0f);  // 12 names, 90 px each with swatch and gap
  int rows = 0;
  auto slots = layout_legend(w, 1000, &rows);
  CHECK(rows == 2);
  REQUIRE(slots.size() == 12);
  CHECK(slots[10].row == 0);
  CHECK(slots[11].row == 1);
  CHECK(slots[11].x == 4);
  slots = layout_legend(w, 200, &rows);
  CHECK(rows == 6);
  for (const auto& s : slots) CHECK(s.x + 90 <= 200 + 4);
  layout_legend({500}, 100, &rows);  // wider than the width: one row, never an empty one
  CHECK(rows == 1);
  layout_legend({}, 100, &rows);
  CHECK(rows == 0);
}

TEST_CASE("a jump scrolls the target's track and depth into view", "[views][reveal]") {
  auto run = test::load_trace({kSample});
  TimelineIndex index = TimelineIndex::build(*run);
  RowMetrics m;
  auto rows = layout_rows(*run, index, {}, m);
  const float content = rows.back().y + rows.back().height;
  // The deepest CPU slice of the sample within the drawn depths (lanes are capped at max_depths).
  uint32_t deep = 0;
  for (uint32_t i = 0; i < run->slices.size(); ++i)
    if (run->slices.depth[i] > run->slices.depth[deep] && run->slices.depth[i] < m.max_depths) deep = i;
  REQUIRE(run->slices.depth[deep] >= 10);
  const float view_h = 200;
  auto y = reveal_scroll(*run, index, rows, deep, m, 0, view_h);
  REQUIRE(y);
  CHECK(*y > 0);
  CHECK(*y <= content - view_h);
  // In view afterwards: the slice's row top lies within [scroll, scroll + view_h).
  const uint32_t lane = index.first_lane_of_track[run->slices.track[deep]] + run->slices.lane[deep];
  float slice_y = -1;
  for (const auto& r : rows)
    if (r.kind == RowKind::Lane && r.lane_index == lane)
      slice_y = r.y + m.lane_pad / 2 + static_cast<float>(run->slices.depth[deep]) * m.depth_h;
  CHECK(slice_y >= *y);
  CHECK(slice_y + m.depth_h <= *y + view_h);
  CHECK(*reveal_scroll(*run, index, rows, deep, m, *y, view_h) == *y);  // already in view: unchanged
  TrackVisibility hidden;
  const Track& tr = run->tracks[run->slices.track[deep]];
  hidden.collapsed_processes.insert({tr.rank, tr.pid});
  auto collapsed = layout_rows(*run, index, hidden, m);
  CHECK_FALSE(reveal_scroll(*run, index, collapsed, deep, m, 0, view_h));
}

TEST_CASE("the search counter names a Kernels walk instead of passing it off as the search's",
          "[views][search]") {
  ViewState vs;
  vs.search = "moe";
  vs.set_highlights({1, 2, 3}, HighlightOwner::Search, "moe");
  CHECK(search_counter_prefix(vs).empty());
  vs.set_highlights({4, 5}, HighlightOwner::Kernels, "nvjet_tst_64x64");
  CHECK(search_counter_prefix(vs) == "Kernels: nvjet_tst_64x64  ");
  CHECK(vs.highlight_cursor == SIZE_MAX);
  vs.set_highlights({}, HighlightOwner::Kernels, "x");
  CHECK(vs.highlight_owner == HighlightOwner::None);
}

TEST_CASE("Kernels totals follow the filter", "[views][kernels]") {
  auto run = test::load_trace({kSample});
  KernelTable t = kernel_table(*run);
  auto all = sort_filter_rows(*run, t, "", KernelColumn::GpuTime, false);
  KernelTotals whole = shown_totals(*run, t, all);
  CHECK(whole.kernels == 29);
  CHECK(whole.launches == 768);
  CHECK(whole.busy_time == t.busy_time);
  auto moe = sort_filter_rows(*run, t, "moe", KernelColumn::GpuTime, false);
  KernelTotals f = shown_totals(*run, t, moe);
  CHECK(f.kernels == moe.size());
  CHECK(f.kernels < 29);
  CHECK(f.launches < 768);
  uint64_t launches = 0;
  Ns sum = 0;
  for (uint32_t r : moe) launches += t.rows[r].launches, sum += t.rows[r].gpu_time;
  CHECK(f.launches == launches);
  CHECK(f.gpu_time == sum);
  CHECK(f.busy_time > 0);
  CHECK(f.busy_time <= f.gpu_time);
  CHECK(f.busy_time < whole.busy_time);
}

TEST_CASE("an Import-log entry selects the slice it names", "[views][import_log]") {
  auto run = test::load_trace({kSample});
  size_t linked = 0, overlaps = 0;
  for (const LogEntry& e : run->log.entries()) {
    if (e.code != "slice.overlap") continue;
    ++overlaps;
    const uint32_t s = slice_named_by(*run, e);
    if (s == kNone) continue;
    ++linked;
    CHECK(e.message.starts_with("'" + std::string(run->str(run->slices.name[s])) + "'"));
    CHECK(run->slices.lane[s] > 0);  // it was moved to an overflow lane
  }
  CHECK(overlaps > 0);
  CHECK(linked == overlaps);
  CHECK(slice_named_by(*run, LogEntry{Severity::Warning, "x", "", 0, "no slice here"}) == kNone);
}

TEST_CASE("Help > Keyboard shortcuts lists every control of the README's table", "[views][shortcuts]") {
  std::ifstream in(HOTPATH_ASSETS_DIR "/../README.md");
  REQUIRE(in);
  std::set<std::string> listed;
  for (const Shortcut& s : workbench_shortcuts()) listed.insert("| " + s.action + " | " + s.how + " |");
  std::string line;
  bool in_table = false;
  size_t rows = 0;
  while (std::getline(in, line)) {
    if (line == "| action | how |")
      in_table = true;
    else if (in_table && line.rfind("|---", 0) == 0)
      continue;
    else if (in_table && line.rfind("| ", 0) == 0) {
      ++rows;
      CHECK(listed.count(line));
    } else if (in_table)
      break;
  }
  CHECK(rows == workbench_shortcuts().size());
  CHECK(listed.count("| zoom to fit the whole session | 0; View > Zoom to fit |"));
}
