#include "views/requests_panel.h"

#include <imgui.h>

#include <algorithm>

#include "views/timeline/requests_track.h"

namespace hp {
namespace {

constexpr ImU32 kQueue = IM_COL32(130, 130, 130, 255);
constexpr ImU32 kPrefill = IM_COL32(230, 150, 60, 255);
constexpr ImU32 kDecode = IM_COL32(70, 130, 180, 255);
constexpr ImU32 kTick = IM_COL32(255, 255, 255, 255);
constexpr ImU32 kItl = IM_COL32(200, 225, 255, 160);
constexpr ImU32 kAxis = IM_COL32(150, 150, 150, 255);
constexpr ImU32 kSelected = IM_COL32(255, 230, 90, 90);

void draw_waterfall(const RequestsModel& m, const RequestsPanelState& st, const ViewState& vs, ImVec2 size) {
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  const size_t last = std::min(st.last_visible, m.rows.size());
  if (st.first_visible >= last) return;
  std::vector<uint32_t> rows(m.rows.begin() + static_cast<std::ptrdiff_t>(st.first_visible),
                             m.rows.begin() + static_cast<std::ptrdiff_t>(last));
  const float line = ImGui::GetTextLineHeight();
  const float w = size.x - 8, h = size.y - line - 6;
  const Waterfall wf = waterfall(*m.session, rows, w);
  if (wf.bars.empty() || h < 10) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (wf.t1 - wf.t0 <= 1)
    return dl->AddText(ImVec2(p.x + 4, p.y + 4), kAxis,
                       "These requests have an arrival time only: the source logged no end.");
  const float bar_h = std::min(14.0f, h / static_cast<float>(wf.bars.size()));
  auto X = [&](float f) { return p.x + 4 + f * w; };
  for (size_t k = 0; k < wf.bars.size(); ++k) {
    const WaterfallBar& b = wf.bars[k];
    const float y0 = p.y + bar_h * static_cast<float>(k), y1 = y0 + std::max(1.0f, bar_h - 1);
    if (vs.pick.kind == PickKind::Request && vs.pick.row == b.row)
      dl->AddRectFilled(ImVec2(p.x, y0), ImVec2(p.x + size.x, y1), kSelected);
    auto seg = [&](float a, float c, ImU32 col) {
      if (c > a || a == c) dl->AddRectFilled(ImVec2(X(a), y0), ImVec2(std::max(X(c), X(a) + 1), y1), col);
    };
    seg(b.start, b.sched, kQueue);
    seg(b.sched, b.first, kPrefill);
    if (b.has_first) seg(b.first, b.end, kDecode);
    for (float t : b.itl) dl->AddLine(ImVec2(X(t), y0), ImVec2(X(t), y1), kItl);
    if (b.has_first) dl->AddLine(ImVec2(X(b.first), y0), ImVec2(X(b.first), y1), kTick, 1.5f);
  }
  const float ay = p.y + h + 2;
  dl->AddLine(ImVec2(X(0), ay), ImVec2(X(1), ay), kAxis);
  const double span = static_cast<double>(wf.t1 - wf.t0);
  for (const auto& t : wf.ticks) {
    const float x = X(static_cast<float>(t.value / span));
    dl->AddLine(ImVec2(x, ay), ImVec2(x, ay + 3), kAxis);
    const float tw = ImGui::CalcTextSize(t.label.c_str()).x;
    dl->AddText(ImVec2(std::clamp(x - tw / 2, X(0), X(1) - tw), ay + 3), kAxis, ("+" + t.label).c_str());
  }
}

void draw_table(RequestsModel& m, RequestsPanelState& st, ViewState& vs, ImVec2 size) {
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_Sortable | ImGuiTableFlags_ScrollY |
                                     ImGuiTableFlags_RowBg | ImGuiTableFlags_Resizable |
                                     ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
  constexpr RequestField kOrder[] = {
      RequestField::Id,     RequestField::Arrival,  RequestField::Queue,        RequestField::Prefill,
      RequestField::Ttft,   RequestField::Tpot,     RequestField::ItlP50,       RequestField::ItlMax,
      RequestField::E2e,    RequestField::InTokens, RequestField::CachedTokens, RequestField::OutTokens,
      RequestField::Status, RequestField::Replica};
  if (!ImGui::BeginTable("##requests", static_cast<int>(std::size(kOrder)), kFlags, size)) return;
  ImGui::TableSetupScrollFreeze(1, 1);
  for (RequestField f : kOrder) {
    ImGuiTableColumnFlags cf = f == RequestField::Arrival ? ImGuiTableColumnFlags_DefaultSort : 0;
    if (f == RequestField::Id) cf |= ImGuiTableColumnFlags_WidthStretch;
    ImGui::TableSetupColumn(field_title(f), cf, 0, static_cast<ImGuiID>(f));
  }
  ImGui::TableHeadersRow();
  if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
    if (specs->SpecsCount > 0)
      sort_rows(m, static_cast<RequestField>(specs->Specs[0].ColumnUserID),
                specs->Specs[0].SortDirection == ImGuiSortDirection_Descending);
    specs->SpecsDirty = false;
  }
  ImGuiListClipper clip;
  clip.Begin(static_cast<int>(m.rows.size()));
  st.first_visible = SIZE_MAX;
  st.last_visible = 0;
  while (clip.Step()) {
    for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
      const uint32_t r = m.rows[static_cast<size_t>(i)];
      st.first_visible = std::min(st.first_visible, static_cast<size_t>(i));
      st.last_visible = std::max(st.last_visible, static_cast<size_t>(i) + 1);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      const bool selected = vs.pick.kind == PickKind::Request && vs.pick.row == r;
      ImGui::PushID(i);
      if (ImGui::Selectable(cell_text(m, RequestField::Id, r).c_str(), selected,
                            ImGuiSelectableFlags_SpanAllColumns))
        vs.pick = selected ? Pick{} : Pick{PickKind::Request, r, kNone};
      if (i == 0) st.row0_y = (ImGui::GetItemRectMin().y + ImGui::GetItemRectMax().y) / 2;
      ImGui::PopID();
      for (size_t c = 1; c < std::size(kOrder); ++c) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(cell_text(m, kOrder[c], r).c_str());
      }
    }
  }
  if (st.first_visible == SIZE_MAX) st.first_visible = 0;
  ImGui::EndTable();
}

}  // namespace

void draw_requests_panel(RequestsModel& m, RequestsPanelState& st, ViewState& vs) {
  if (!m.session) return;
  const size_t total = m.session->requests.size();
  if (!total) {
    ImGui::TextDisabled(
        "No requests in this session (open a serve-profile run or a server log with request lines).");
    return;
  }
  ImGui::SetNextItemWidth(std::min(520.0f, ImGui::GetContentRegionAvail().x * 0.5f));
  // The text is compared every frame (a no-op when unchanged): ImGui 1.86 sometimes reports an edit
  // made while keys queue up (app/input_queue.h) one frame late or not at all.
  ImGui::InputTextWithHint("##filter", "filter, e.g. ttft > 200ms && out_tokens > 100", st.filter,
                           sizeof st.filter);
  set_filter(m, st.filter, m.range);
  st.filter_x = ImGui::GetItemRectMin().x + 10;
  st.filter_y = (ImGui::GetItemRectMin().y + ImGui::GetItemRectMax().y) / 2;
  ImGui::SameLine();
  ImGui::Text("%zu of %zu requests%s", m.rows.size(), total, m.range ? " in the selected range" : "");
  if (!m.filter_error.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1, 0.45f, 0.35f, 1), "%s", m.filter_error.c_str());
  }
  ImGui::TextDisabled("grey: queue · orange: prefill · blue: decode · white: first token · times in ms");
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool picked = vs.pick.kind == PickKind::Request && vs.pick.row < total;
  const float details_w = picked ? std::min(420.0f, avail.x * 0.35f) : 0.0f;
  ImGui::BeginChild("##requests_main", ImVec2(avail.x - details_w - (picked ? 6.0f : 0.0f), 0), false);
  const ImVec2 inner = ImGui::GetContentRegionAvail();
  draw_waterfall(m, st, vs, ImVec2(inner.x, std::max(80.0f, inner.y * 0.32f)));
  draw_table(m, st, vs, ImVec2(inner.x, 0));
  ImGui::EndChild();
  if (!picked) return;
  ImGui::SameLine(0, 6);
  ImGui::BeginChild("##request_details", ImVec2(0, 0), true);
  for (const std::string& line : request_details(*m.session, vs.pick.row))
    ImGui::TextWrapped("%s", line.c_str());
  const RequestTable& rq = m.session->requests;
  const Ns a = rq.start_of(vs.pick.row), b = rq.end_of(vs.pick.row);
  if (a != kNoTime && ImGui::SmallButton("Show on the timeline")) {
    const Ns pad = std::max<Ns>((b - a) / 10, 1000);
    vs.view.zoom_to({a - pad, b + pad});
  }
  ImGui::SameLine();
  if (ImGui::SmallButton("Clear selection (Esc)")) vs.pick = {};
  ImGui::EndChild();
}

}  // namespace hp
