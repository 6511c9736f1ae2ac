#pragma once
// The requests track: one lane per concurrent request (RequestLanes), each bar split into queue /
// prefill / decode, a first-token tick, ITL ticks once the bar is wide enough to show them, failed
// requests in red; requests narrower than min_px fold into "N requests" boxes.
#include "views/timeline/track.h"

namespace hp {

struct RequestColors {
  static constexpr Color queue = rgba(150, 150, 160);
  static constexpr Color prefill = rgba(235, 160, 60);
  static constexpr Color decode = rgba(80, 170, 230);
  static constexpr Color failed = rgba(225, 70, 70);
  static constexpr Color probe = rgba(170, 120, 220);  // --torch-profile probes: decode part
  static constexpr Color fold = rgba(95, 110, 135);
  static constexpr Color tick = rgba(255, 255, 255);
};

class RequestsTrack : public TimelineTrack {
 public:
  static constexpr float kLaneH = 7;
  explicit RequestsTrack(Snapshot snap);  // every request of the session, one lane set
  std::string label() const override;
  std::string note() const override;
  float height() const override;
  void layout(const TrackInput& in, TrackFrame& out) const override;
  Pick pick(const TrackFrame& frame, const TrackInput& in, float x, float y) const override;
  std::string tooltip(const TrackFrame& frame, const TrackInput& in, float x, float y) const override;

 private:
  Snapshot snap_;
};

// The request's times and tokens as the details pane and tooltips show them, one line each.
std::vector<std::string> request_details(const Session& s, uint32_t row);

}  // namespace hp
