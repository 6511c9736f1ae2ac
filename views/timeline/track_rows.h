#pragma once
// Vertical layout of the timeline: rank and process group headers, then one row per lane of
// each visible track (overflow lanes under their track), with heights from their nesting depth.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/model/run.h"
#include "views/timeline/timeline_index.h"

namespace hp {

struct TrackVisibility {
  std::set<uint32_t> collapsed_ranks;
  std::set<std::pair<uint32_t, int64_t>> collapsed_processes;  // (rank, pid)
  std::set<uint32_t> hidden_tracks;
  std::set<std::string> collapsed_groups;  // serving groups, by key
};

enum class RowKind : uint8_t { Rank, Process, Lane, Counter, Group, Track };

struct TimelineRow {
  RowKind kind = RowKind::Lane;
  uint32_t rank = 0;
  int64_t pid = 0;
  uint32_t track = kNone;       // Lane rows
  uint32_t lane_index = kNone;  // into TimelineIndex::lanes
  uint32_t series = kNone;      // Counter rows: into Run::counters.series
  uint32_t item = kNone;        // Track rows: into the timeline's serving tracks
  std::string group;            // Group rows: the key collapsed_groups uses
  uint8_t lane = 0;
  uint8_t depths = 1;
  bool collapsed = false;  // headers
  bool gpu = false;
  float y = 0, height = 0;
  std::string label;
  std::string badge;  // e.g. "overflow 1: 12 slices"
  std::string note;   // Track rows: second header line (unit, range, alignment)
};

struct RowMetrics {
  float header_h = 20;
  float depth_h = 18;
  float lane_pad = 4;
  uint8_t max_depths = 32;  // taller lanes are capped (deeper levels still exist)
  float counter_h = 48;
};

std::vector<TimelineRow> layout_rows(const Run& run, const TimelineIndex& index, const TrackVisibility& vis,
                                     const RowMetrics& m = {});

// The vertical scroll that brings `slice` (its lane row, at its depth) into a view `view_h` high:
// `scroll` when it is already in view, else the slice a third of the way down (clamped to the
// content). nullopt when its lane has no row (its rank, process or track is collapsed or hidden).
std::optional<float> reveal_scroll(const Run& run, const TimelineIndex& index,
                                   const std::vector<TimelineRow>& rows, uint32_t slice, const RowMetrics& m,
                                   float scroll, float view_h);

// Display names, also used by other panels.
std::string process_label(const Run& run, const Track& t);
std::string track_label(const Run& run, const Track& t);

}  // namespace hp
