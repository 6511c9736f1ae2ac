// Quick key taps reach ImGui one change per frame, and the loop never sleeps mid-animation (issue 22,
// item 5: the screen lagged input by a second; W pressed three times quickly zoomed once).
#include "app/input_queue.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using hp::KeyEvent;

TEST_CASE("three quick taps of one key become three presses on three frames", "[input]") {
  hp::KeyEventQueue q;
  for (int i = 0; i < 3; ++i) {
    q.push({'W', 0, 1, 0});
    q.push({'W', 0, 0, 0});
  }
  q.push({'D', 0, 1, 0});
  std::vector<std::vector<int>> frames;  // per frame: the actions applied to W
  bool down = false;
  int presses = 0;
  for (int f = 0; f < 10 && !q.empty(); ++f) {
    frames.emplace_back();
    q.drain([&](const KeyEvent& e) {
      if (e.key != 'W') return;
      frames.back().push_back(e.action);
      if (e.action == 1 && !down) ++presses;
      down = e.action != 0;
    });
  }
  CHECK(presses == 3);
  REQUIRE(frames.size() == 6);
  for (const auto& f : frames) CHECK(f.size() == 1);  // one change of W per frame
}

TEST_CASE("typed characters keep their order with Backspace and other editing keys", "[input]") {
  // "ab", Backspace, "c": the text field must see a, b, Backspace, then c, never c before Backspace.
  hp::KeyEventQueue q;
  auto type = [&](int key, unsigned ch) {
    q.push({key, 0, 1, 0});
    q.push({0, 0, 0, 0, ch});
    q.push({key, 0, 0, 0});
  };
  type('A', 'a');
  type('B', 'b');
  q.push({259, 0, 1, 0});  // Backspace
  q.push({259, 0, 0, 0});
  type('C', 'c');
  std::vector<std::string> frames;
  while (!q.empty()) {
    std::string f;
    q.drain([&](const KeyEvent& e) {
      if (e.codepoint) f += static_cast<char>(e.codepoint);
      if (e.key == 259 && e.action == 1) f += '<';
    });
    frames.push_back(f);
  }
  // Per frame, characters never follow the Backspace press (ImGui applies chars first).
  std::string all;
  for (const auto& f : frames) {
    CHECK((f.find('<') == std::string::npos || f.find('<') == f.size() - 1));
    all += f;
  }
  CHECK(all == "ab<c");
}

TEST_CASE("different keys pressed together apply in one frame", "[input]") {
  hp::KeyEventQueue q;
  q.push({341, 0, 1, 0});  // Ctrl
  q.push({'O', 0, 1, 0});
  CHECK(q.drain([](const KeyEvent&) {}) == 2);
  CHECK(q.empty());
}

TEST_CASE("the loop renders while an animation runs and sleeps when idle", "[input]") {
  CHECK(hp::loop_wait_seconds({0, true, false, false}) == 0);  // animating: no sleep
  CHECK(hp::loop_wait_seconds({0, false, false, true}) == 0);  // queued keys
  CHECK(hp::loop_wait_seconds({2, false, false, false}) == 0);
  CHECK(hp::loop_wait_seconds({0, false, false, false}) == 1.0);
  CHECK(hp::loop_wait_seconds({0, false, true, false}) == Approx(0.1));
}

TEST_CASE("Ctrl released before O (xdotool's ctrl+o) still reaches ImGui as Ctrl+O", "[input]") {
  constexpr int kCtrl = 341, kO = 'O';
  hp::KeyEventQueue q;
  q.push({kCtrl, 0, 1, 0});
  q.push({kO, 0, 1, 2});
  q.push({kCtrl, 0, 0, 2});
  q.push({kO, 0, 0, 0});
  bool ctrl = false, o = false, ctrl_o = false;
  int frames = 0;
  while (!q.empty() && frames < 10) {
    ++frames;
    q.drain([&](const KeyEvent& e) {
      if (e.key == kCtrl) ctrl = e.action != 0;
      if (e.key == kO) o = e.action != 0;
    });
    ctrl_o = ctrl_o || (ctrl && o);  // what ImGui samples at the frame's start
  }
  CHECK(ctrl_o);
  CHECK(frames == 2);
}
