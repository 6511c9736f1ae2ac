#pragma once
// The timeline's track contract (after Tracy's TimelineItem): every track lays out one frame as
// plain primitives (pure, unit-tested), which one thin function draws with ImGui. Slice lanes of
// the trace are drawn by timeline_frame.h; the serving tracks (requests, engine iterations, metric
// series) implement this interface.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/session/snapshot.h"
#include "views/palette.h"
#include "views/timeline/view_range.h"

namespace hp {

// What a click on the timeline can select besides a slice.
enum class PickKind : uint8_t { None, Request, Iteration, Sample };
struct Pick {
  PickKind kind = PickKind::None;
  uint32_t row = kNone;     // request or iteration row, or sample row of SeriesTable
  uint32_t series = kNone;  // for samples
  bool operator==(const Pick&) const = default;
};

struct TrackPrim {
  enum Shape : uint8_t { Rect, Outline, Line };
  Shape shape = Rect;
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // track-relative px (Line: from (x0,y0) to (x1,y1))
  Color color = 0;
  uint32_t item = kNone;  // the row it shows (for hit tests); kNone for decoration
  uint32_t count = 1;     // > 1: a fold of that many items
};

struct TrackText {
  float x = 0, y = 0;
  Color color = 0;
  std::string text;
};

struct TrackFrame {
  std::vector<TrackPrim> prims;
  std::vector<TrackText> texts;
  void clear() {
    prims.clear();
    texts.clear();
  }
};

struct TrackInput {
  TimeWindow view;
  float width = 1;
  float y0 = 0, y1 = 1e9f;  // the visible part of the track, track-relative (vertical culling)
  float min_px = 3;         // narrower items fold
  Pick selected;
};

class TimelineTrack {
 public:
  virtual ~TimelineTrack() = default;
  virtual std::string label() const = 0;
  virtual std::string note() const { return {}; }  // second header line: unit, range, alignment
  virtual float height() const = 0;
  virtual void layout(const TrackInput& in, TrackFrame& out) const = 0;
  // The item under (x, y) of the last layout (made from `in`), as a Pick; None when empty space.
  virtual Pick pick(const TrackFrame& frame, const TrackInput& in, float x, float y) const;
  virtual std::string tooltip(const TrackFrame& frame, const TrackInput& in, float x, float y) const;

 protected:
  static const TrackPrim* prim_at(const TrackFrame& frame, float x, float y);
};

// Folding of narrow items along one row: items come in start order; one narrower than min_px joins
// the open fold when it starts within 1 px of the fold's end. A fold is drawn in its majority colour,
// dimmed.
class RowFolder {
 public:
  RowFolder(std::vector<TrackPrim>& out, float y0, float y1, Color fold_color, float min_px)
      : out_(out), y0_(y0), y1_(y1), color_(fold_color), min_px_(min_px) {}
  ~RowFolder() { flush(); }
  // True when [x0, x1) was folded; false when the caller draws it itself (after flush()).
  // `own` colours an item that stays alone in its fold.
  bool add(float x0, float x1, uint32_t item, Color own);
  void flush();
  size_t folded() const { return folded_; }

 private:
  void tally(Color c);
  std::vector<TrackPrim>& out_;
  float y0_, y1_;
  Color color_;
  float min_px_;
  bool open_ = false;
  TrackPrim cur_;
  Color own_ = 0;
  size_t folded_ = 0;
  // The fold takes the colour most of its items have (dimmed), so a zoomed-out row still shows
  // what dominates it; up to four distinct colours are counted, the rest fall back to the fold colour.
  std::array<std::pair<Color, uint32_t>, 4> tally_{};
};

}  // namespace hp
