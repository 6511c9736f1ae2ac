#pragma once
// Key events, handed to Dear ImGui at most one state change per key per frame. ImGui 1.86 samples
// key state once a frame, so a press and its release arriving between two frames (a quick tap, or
// xdotool) were never seen, and three quick taps of W zoomed once. Also the main loop's policy for
// when to sleep. No GLFW or ImGui here: tested on its own.
#include <cstddef>
#include <deque>
#include <functional>

namespace hp {

struct KeyEvent {
  int key = 0, scancode = 0, action = 0, mods = 0;  // GLFW's values: action 0 release, 1 press, 2 repeat
  unsigned codepoint = 0;                           // nonzero: a typed character, not a key
};

class KeyEventQueue {
 public:
  void push(const KeyEvent& e) { q_.push_back(e); }
  // Applies queued events in order until one would change a key a second time this frame, or a
  // typed character follows an editing key (Backspace, arrows, Ctrl+...) pressed this frame: ImGui's
  // text fields apply a frame's characters before its keys, so "Backspace x" would become "x Backspace";
  // or a modifier (Shift, Ctrl, Alt, Super) would change after another key changed this frame.
  // The rest wait for the next frame. Returns how many were applied.
  size_t drain(const std::function<void(const KeyEvent&)>& apply);
  bool empty() const { return q_.empty(); }
  size_t size() const { return q_.size(); }

 private:
  std::deque<KeyEvent> q_;
};

// The main loop: render now, or sleep until an event (at most `seconds`)?
struct LoopState {
  int frames_left = 0;        // frames still owed after the last input
  bool wants_frames = false;  // an animation runs, or a view asked for another frame
  bool loading = false;
  bool queued_input = false;  // key events wait for the next frame
};
// 0 = render without waiting; otherwise the longest sleep. An animation never waits: the frame
// after a wheel notch must not show an intermediate zoom until the next event arrives.
double loop_wait_seconds(const LoopState& s);

}  // namespace hp
