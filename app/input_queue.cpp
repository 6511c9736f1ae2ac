#include "app/input_queue.h"

#include <vector>

namespace hp {

size_t KeyEventQueue::drain(const std::function<void(const KeyEvent&)>& apply) {
  std::vector<int> touched;
  size_t n = 0;
  while (!q_.empty()) {
    const KeyEvent e = q_.front();
    bool seen = false;
    for (int k : touched) seen = seen || k == e.key;
    if (seen) break;
    touched.push_back(e.key);
    apply(e);
    q_.pop_front();
    ++n;
  }
  return n;
}

double loop_wait_seconds(const LoopState& s) {
  if (s.frames_left > 0 || s.wants_frames || s.queued_input) return 0;
  return s.loading ? 0.1 : 1.0;
}

}  // namespace hp
