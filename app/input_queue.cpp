#include "app/input_queue.h"

#include <vector>

namespace hp {

namespace {

bool is_modifier(int key) {
  return key >= 340 && key <= 347;
}  // GLFW Shift, Ctrl, Alt, Super

// A press that a text field acts on: not a printable key (GLFW 32..96) or a modifier (340..347), or
// any key with Ctrl, Alt or Super held.
bool edits(const KeyEvent& e) {
  if (e.action == 0) return false;
  if (e.mods & (0x2 | 0x4 | 0x8)) return true;
  return !(e.key >= 32 && e.key <= 96) && !is_modifier(e.key);
}

}  // namespace

size_t KeyEventQueue::drain(const std::function<void(const KeyEvent&)>& apply) {
  std::vector<int> touched;
  size_t n = 0;
  bool edited = false, other_keys = false;
  while (!q_.empty()) {
    const KeyEvent e = q_.front();
    if (e.codepoint) {
      if (edited) break;
      apply(e);
      q_.pop_front();
      ++n;
      continue;
    }
    // A modifier changes on a frame of its own once another key changed on this one: xdotool's
    // "ctrl+o" releases Ctrl before O, and both on one frame made ImGui see O without Ctrl.
    if (is_modifier(e.key) && other_keys) break;
    other_keys = other_keys || !is_modifier(e.key);
    edited = edited || edits(e);
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
