#include "imgui_harness.h"

namespace hp::test {

ImGuiHarness::ImGuiHarness(float width, float height) {
  previous_ = ImGui::GetCurrentContext();
  ctx_ = ImGui::CreateContext();
  ImGui::SetCurrentContext(ctx_);
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.LogFilename = nullptr;
  io.DisplaySize = ImVec2(width, height);
  io.DeltaTime = 1.0f / 60.0f;
  io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
  unsigned char* px = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
  for (int k = 0; k < ImGuiKey_COUNT; ++k) io.KeyMap[k] = k;  // identity: KeysDown[ImGuiKey_X]
  io.MousePos = ImVec2(-1, -1);
}

ImGuiHarness::~ImGuiHarness() {
  ImGui::DestroyContext(ctx_);
  ImGui::SetCurrentContext(previous_);
}

void ImGuiHarness::frame(const std::function<void()>& ui) {
  ImGui::SetCurrentContext(ctx_);
  ImGuiIO& io = ImGui::GetIO();
  io.MouseWheel = pending_wheel_;
  pending_wheel_ = 0;
  ImGui::NewFrame();
  ui();
  ImGui::Render();
}

void ImGuiHarness::frames(int n, const std::function<void()>& ui) {
  for (int i = 0; i < n; ++i) frame(ui);
}

void ImGuiHarness::click(ImVec2 pos, const std::function<void()>& ui, int button) {
  io().MousePos = pos;
  frame(ui);  // hover first: widgets need the hovered id from the previous frame
  io().MouseDown[button] = true;
  frame(ui);
  io().MouseDown[button] = false;
  frame(ui);
}

void ImGuiHarness::double_click(ImVec2 pos, const std::function<void()>& ui) {
  io().MousePos = pos;
  frame(ui);
  for (int i = 0; i < 2; ++i) {
    io().MouseDown[0] = true;
    frame(ui);
    io().MouseDown[0] = false;
    frame(ui);
  }
}

void ImGuiHarness::press_code(int code, const std::function<void()>& ui) {
  io().KeysDown[code] = true;
  frame(ui);
  io().KeysDown[code] = false;
  frame(ui);
}

void ImGuiHarness::press_key(ImGuiKey key, const std::function<void()>& ui) {
  press_code(io().KeyMap[key], ui);
}

void ImGuiHarness::type_text(const char* utf8, const std::function<void()>& ui) {
  io().AddInputCharactersUTF8(utf8);
  frame(ui);
}

int ImGuiHarness::total_vertices() const {
  const ImDrawData* d = ImGui::GetDrawData();
  return d ? d->TotalVtxCount : 0;
}

bool ImGuiHarness::drew_inside(ImVec2 min, ImVec2 max) const {
  const ImDrawData* d = ImGui::GetDrawData();
  if (!d) return false;
  for (int l = 0; l < d->CmdListsCount; ++l)
    for (const ImDrawVert& v : d->CmdLists[l]->VtxBuffer)
      if (v.pos.x >= min.x && v.pos.x <= max.x && v.pos.y >= min.y && v.pos.y <= max.y) return true;
  return false;
}

void fullscreen_window(const char* name, const std::function<void()>& body) {
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
  ImGui::Begin(name, nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
  body();
  ImGui::End();
}

}  // namespace hp::test
