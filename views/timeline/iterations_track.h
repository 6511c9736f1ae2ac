#pragma once
// An engine-iterations track: one box per logged iteration of one engine (source + replica),
// coloured prefill / decode / mixed / idle, shaded by its token count; narrow ones fold.
#include "views/timeline/track.h"

namespace hp {

class IterationsTrack : public TimelineTrack {
 public:
  static constexpr float kHeight = 16;
  // Rows [begin, end) of the session's IterationTable (one source and replica, sorted by start).
  IterationsTrack(Snapshot snap, uint32_t begin, uint32_t end);
  std::string label() const override;
  std::string note() const override;
  float height() const override { return kHeight; }
  void layout(const TrackInput& in, TrackFrame& out) const override;
  Pick pick(const TrackFrame& frame, const TrackInput& in, float x, float y) const override;
  std::string tooltip(const TrackFrame& frame, const TrackInput& in, float x, float y) const override;

  static Color color_of(IterationKind k, double token_share);

 private:
  Snapshot snap_;
  uint32_t begin_, end_;
  Ns max_dur_ = 0;
  uint32_t max_tokens_ = 1;
};

}  // namespace hp
