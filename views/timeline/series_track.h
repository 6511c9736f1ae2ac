#pragma once
// A metric-series track: the series as a step line with its min/max per pixel column (any number of
// samples costs at most one primitive per column), counters as rates per second, the y range and
// unit in the header note, the value under the cursor in the tooltip.
#include "views/timeline/track.h"

namespace hp {

class SeriesTrack : public TimelineTrack {
 public:
  static constexpr float kHeight = 28;
  SeriesTrack(Snapshot snap, uint32_t series);
  std::string label() const override;
  std::string note() const override;
  float height() const override { return kHeight; }
  void layout(const TrackInput& in, TrackFrame& out) const override;
  Pick pick(const TrackFrame& frame, const TrackInput& in, float x, float y) const override;
  std::string tooltip(const TrackFrame& frame, const TrackInput& in, float x, float y) const override;
  // The sample row in force at t (the last at or before it), kNone before the first.
  uint32_t sample_at(Ns t) const;
  uint32_t series() const { return series_; }

 private:
  std::string unit() const;  // as plotted: counters per second
  Snapshot snap_;
  uint32_t series_;
};

// "0.734", "12.4 k", "3.2 M" with the unit; fractions as percentages.
std::string format_value(double v, std::string_view unit);

}  // namespace hp
