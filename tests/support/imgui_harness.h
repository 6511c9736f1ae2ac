#pragma once
// A headless Dear ImGui context for view tests: no backend, no GL. Frames are driven with injected
// mouse and keys (1.86's old input API) and the resulting ImDrawData is available for assertions.
#include <imgui.h>

#include <functional>
#include <string>

namespace hp::test {

class ImGuiHarness {
 public:
  explicit ImGuiHarness(float width = 1280, float height = 800);
  ~ImGuiHarness();
  ImGuiHarness(const ImGuiHarness&) = delete;
  ImGuiHarness& operator=(const ImGuiHarness&) = delete;

  // Runs one frame: NewFrame, ui(), Render. Injected input applies to this frame only for the
  // wheel; mouse position, buttons and keys persist until changed.
  void frame(const std::function<void()>& ui);
  void frames(int n, const std::function<void()>& ui);
  // A click is press on one frame and release on the next (ImGui derives clicks across frames).
  void click(ImVec2 pos, const std::function<void()>& ui, int button = 0);
  void double_click(ImVec2 pos, const std::function<void()>& ui);
  void move_mouse(ImVec2 pos) { io().MousePos = pos; }
  void set_mouse_button(int button, bool down) { io().MouseDown[button] = down; }
  void wheel(float dy) { pending_wheel_ += dy; }
  // Keys use ImGui's key map: index = ImGuiKey_* is mapped to the same code in io.KeysDown.
  void press_key(ImGuiKey key, const std::function<void()>& ui);
  void type_text(const char* utf8, const std::function<void()>& ui);
  void set_ctrl(bool down) { io().KeyCtrl = down; }
  // Presses a raw key code (e.g. 'O' for Ctrl+O with set_ctrl) for one frame.
  void press_code(int code, const std::function<void()>& ui);

  ImGuiIO& io() { return ImGui::GetIO(); }
  ImDrawData* draw_data() { return ImGui::GetDrawData(); }
  int total_vertices() const;
  // Whether any vertex of the last frame lies inside the rectangle ("something was drawn there").
  bool drew_inside(ImVec2 min, ImVec2 max) const;

 private:
  ImGuiContext* ctx_ = nullptr;
  ImGuiContext* previous_ = nullptr;
  float pending_wheel_ = 0;
};

// Draws `body` in a borderless window covering the whole display at (0,0) with no title bar, so
// that the first widget sits at the window padding (8, 8).
void fullscreen_window(const char* name, const std::function<void()>& body);

}  // namespace hp::test
