// The workbench under a live capture: snapshots taken from the publisher, and the capture bar.
#include <imgui.h>

#include "app/live_bar.h"
#include "app/live_publisher.h"
#include "app/summary_text.h"
#include "app/workbench.h"
#include "capture/serve_session.h"

namespace hp {

void Workbench::attach_live(LivePublisher* publisher, capture::ServeSession* session) {
  live_pub_ = publisher;
  live_session_ = session;
  host_.state().follow_live = true;
}

bool Workbench::poll_live() {
  if (!live_pub_) return false;
  auto snap = live_pub_->take();
  if (!snap) return false;
  const bool same_document = live_snapshots_++ > 0;  // the first one opens the document
  run_ = snap->session->run;
  snap_ = std::move(*snap);
  summary_ = summary_text(snap_.session.get());
  host_.set_snapshot(snap_, same_document);
  rebuild_log();
  return true;
}

float Workbench::draw_live_bar(float top) {
  if (!live_pub_) return 0;
  const ImGuiIO& io = ImGui::GetIO();
  const float h = ImGui::GetFrameHeight() + 8.0f;
  ImGui::SetNextWindowPos(ImVec2(0, top));
  ImGui::SetNextWindowSize(ImVec2(io.DisplaySize.x, h));
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoScrollbar;
  ImGui::Begin("##capture", nullptr, flags);
  ImGui::TextColored(ImVec4(1, 0.35f, 0.35f, 1), "LIVE");
  if (live_session_) {
    const capture::ServeStatus st = live_session_->status();
    if (st.traffic_running) {
      ImGui::SameLine();
      if (ImGui::SmallButton(st.paused ? "Resume" : "Pause")) live_session_->pause_traffic(!st.paused);
      ImGui::SameLine();
      if (ImGui::SmallButton("Stop traffic")) live_session_->stop_traffic();
      if (st.concurrency > 0) {  // a closed loop: its concurrency can change while it runs
        ImGui::SameLine();
        int c = st.concurrency;
        ImGui::SetNextItemWidth(90);
        if (ImGui::InputInt("concurrency", &c, 1, 8, ImGuiInputTextFlags_EnterReturnsTrue) && c > 0)
          live_session_->set_concurrency(c);
      } else if (st.rate > 0) {  // an open loop: its arrival rate can change while it runs
        ImGui::SameLine();
        double r = st.rate;
        ImGui::SetNextItemWidth(90);
        if (ImGui::InputDouble("req/s", &r, 0, 0, "%.1f", ImGuiInputTextFlags_EnterReturnsTrue) && r > 0)
          live_session_->set_rate(r);
      }
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(60);
    ImGui::InputDouble("s##profile_s", &live_profile_s_, 0, 0, "%.0f");
    live_profile_s_ = std::clamp(live_profile_s_, 1.0, 600.0);
    ImGui::SameLine();
    if (ImGui::SmallButton("Arm profiler")) {
      std::string err;
      live_message_ = live_session_->arm_profiler(live_profile_s_, &err) ? std::string() : err;
    }
    if (live_session_->engine() == "sglang") {  // SGLang stops itself after N steps, per stage if asked
      ImGui::SameLine();
      ImGui::SetNextItemWidth(60);
      ImGui::InputInt("steps##profile_steps", &live_profile_steps_, 0, 0);
      live_profile_steps_ = std::clamp(live_profile_steps_, 1, 10000);
      ImGui::SameLine();
      ImGui::Checkbox("per stage", &live_profile_by_stage_);
      ImGui::SameLine();
      if (ImGui::SmallButton("Arm for steps")) {
        std::string err;
        live_message_ = live_session_->arm_profiler_steps(live_profile_steps_, live_profile_by_stage_, &err)
                            ? std::string()
                            : err;
      }
    }
    for (const LiveBarItem& item : live_bar_items(st, capture::epoch_now_ns())) {
      ImGui::SameLine(0, 14);
      const ImVec4 c = item.level == LiveLevel::Bad    ? ImVec4(1, 0.4f, 0.4f, 1)
                       : item.level == LiveLevel::Warn ? ImVec4(1, 0.75f, 0.3f, 1)
                                                       : ImVec4(0.8f, 0.85f, 0.9f, 1);
      ImGui::TextColored(c, "%s", item.text.c_str());
    }
    if (!live_message_.empty()) {
      ImGui::SameLine(0, 14);
      ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", live_message_.c_str());
    }
  }
  ImGui::SameLine(0, 14);
  ImGui::Checkbox("Follow", &host_.state().follow_live);
  ImGui::End();
  return h;
}

}  // namespace hp
