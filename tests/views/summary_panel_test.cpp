#include "views/summary_panel.h"

#include <catch2/catch.hpp>
#include <string>

#include "support/imgui_harness.h"

using namespace hp;

TEST_CASE("summary panel shows the text and copies it", "[summary][imgui]") {
  hp::test::ImGuiHarness h(800, 600);
  const std::string text = "sources: 1\ntracks: 4\nslices: 120\n";
  SummaryPanelState st;
  auto ui = [&] { hp::test::fullscreen_window("summary", [&] { draw_summary_panel(text, st); }); };
  h.frames(3, ui);
  // Three lines of text below the Copy button and separator draw glyphs there.
  const float line = ImGui::GetTextLineHeightWithSpacing();
  CHECK(h.drew_inside(ImVec2(8, 40), ImVec2(200, 40 + 3 * line)));
  CHECK_FALSE(h.drew_inside(ImVec2(8, 40 + 5 * line), ImVec2(700, 500)));  // inside the window frame
  CHECK_FALSE(st.copied);
  h.move_mouse(ImVec2(12, 12));
  h.frame(ui);
  h.set_mouse_button(0, true);
  h.frame(ui);
  h.set_mouse_button(0, false);
  h.frame(ui);
  CHECK(st.copied);
  CHECK(std::string(ImGui::GetClipboardText()) == text);
}
