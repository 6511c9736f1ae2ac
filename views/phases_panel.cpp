#include "views/phases_panel.h"

#include <imgui.h>

#include <fmt/format.h>
#include <algorithm>

#include "views/plot/plot_draw.h"

namespace hp {
namespace {

constexpr ImU32 kPrefill = IM_COL32(230, 150, 60, 255);
constexpr ImU32 kDecode = IM_COL32(90, 160, 220, 255);
constexpr ImU32 kMixed = IM_COL32(180, 120, 210, 255);
constexpr ImU32 kFit = IM_COL32(250, 250, 250, 220);

void draw_kinds(const PhaseSplit& p) {
  if (!p.iterations) return;
  constexpr ImGuiTableFlags kFlags =
      ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerV;
  if (!ImGui::BeginTable("##kinds", 7, kFlags)) return;
  for (const char* h : {"iterations", "count", "time s", "prefill tok", "decode tok", "tok/s",
                        p.timed ? "time %" : "count %"})
    ImGui::TableSetupColumn(h);
  ImGui::TableHeadersRow();
  for (const auto& k : p.by_kind) {
    if (!k.count) continue;
    ImGui::TableNextRow();
    const std::string cells[] = {to_string(k.kind),
                                 std::to_string(k.count),
                                 p.timed ? fmt::format("{:.3f}", k.seconds) : "-",
                                 std::to_string(k.prefill_tokens),
                                 std::to_string(k.decode_tokens),
                                 p.timed ? fmt::format("{:.0f}", k.tokens_per_s) : "-",
                                 fmt::format("{:.1f}", k.share * 100)};
    for (const auto& c : cells) {
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(c.c_str());
    }
  }
  ImGui::EndTable();
}

void draw_scatter(const char* what, const CostCurve& curve, const CostScatter& s, plot::Unit xu, ImU32 col,
                  ImVec2 size) {
  std::string title = fmt::format("{}: {} points", what, s.total);
  if (curve.fit.valid())
    title += fmt::format("  ·  {:.3f} ms + {:.4g} ms/{}  R² {:.3f}", curve.fit.intercept, curve.fit.slope,
                         xu == plot::Unit::Tokens ? "tok" : "seq", curve.fit.r2);
  const plot::ChartArea c =
      plot::begin_chart(title, size, 0, s.x_max, xu, 0, s.ms_max, plot::Unit::Milliseconds);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(c.a, c.b, true);
  for (size_t i = 0; i < s.x.size(); ++i) {
    const ImVec2 q = c.px(s.x[i], std::min(s.ms[i], s.ms_max));
    dl->AddRectFilled(ImVec2(q.x - 1.5f, q.y - 1.5f), ImVec2(q.x + 1.5f, q.y + 1.5f), col);
  }
  if (curve.fit.valid())
    dl->AddLine(c.px(0, curve.fit.intercept), c.px(s.x_max, curve.fit.intercept + curve.fit.slope * s.x_max),
                kFit, 2.0f);
  dl->PopClipRect();
  if (s.total == 0)
    dl->AddText(ImVec2(c.a.x + 6, c.a.y + 6), plot::kAxisColour, "no timed steps of this kind");
  else if (!curve.source.empty())
    dl->AddText(ImVec2(c.a.x + 6, c.a.y + 4), plot::kAxisColour,
                (curve.source + (s.above ? fmt::format(" · {} above the axis", s.above) : "")).c_str());
  if (c.hovered && curve.fit.valid()) {
    const double x = c.x_at(ImGui::GetIO().MousePos.x);
    ImGui::SetTooltip("x = %.0f: fitted %.2f ms", x, curve.fit.intercept + curve.fit.slope * x);
  }
}

void draw_rates(const PhaseSplit& p, ImVec2 size) {
  double peak = 1;
  for (size_t i = 0; i < p.rate_t.size(); ++i) peak = std::max({peak, p.prefill_tok_s[i], p.decode_tok_s[i]});
  const double span = static_cast<double>(p.rate_t.back() + p.rate_bin - p.rate_t.front());
  const plot::ChartArea c =
      plot::begin_chart("Tokens/s over time (orange: prefill, blue: decode; " +
                            fmt::format("{:.0f} s bins)", static_cast<double>(p.rate_bin) / 1e9),
                        size, 0, span, plot::Unit::Nanoseconds, 0, peak * 1.1, plot::Unit::PerSecond);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (int which = 0; which < 2; ++which) {
    const std::vector<double>& v = which ? p.decode_tok_s : p.prefill_tok_s;
    std::vector<ImVec2> pts;
    for (size_t i = 0; i < v.size(); ++i) {
      const double t0 = static_cast<double>(p.rate_t[i] - p.rate_t.front());
      pts.push_back(c.px(t0, v[i]));
      pts.push_back(c.px(t0 + static_cast<double>(p.rate_bin), v[i]));
    }
    dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), which ? kDecode : kPrefill, 0, 1.5f);
  }
}

// Engine time by iteration kind per bin, stacked: how the busy time divides between prefill-only,
// decode-only and mixed steps over the run.
void draw_kind_busy(const PhaseSplit& p, ImVec2 size) {
  const plot::Stacks st = plot::stack_bars({p.kind_busy[0], p.kind_busy[1], p.kind_busy[2]});
  std::vector<double> edges;
  for (size_t i = 0; i <= p.rate_t.size(); ++i) edges.push_back(static_cast<double>(i * p.rate_bin));
  const plot::ChartArea c = plot::begin_chart(
      p.timed ? "Engine busy time by kind (s per s; orange prefill, blue decode, purple mixed)"
              : "Engine iterations by kind per second (orange prefill, blue decode, purple mixed)",
      size, 0, edges.back(), plot::Unit::Nanoseconds, 0, std::max(st.top * 1.1, 1e-9),
      p.timed ? plot::Unit::Count : plot::Unit::PerSecond);
  const ImU32 colours[] = {kPrefill, kDecode, kMixed};
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(c.a, c.b, true);
  plot::draw_stacks(dl, c, st, edges, colours, 3);
  dl->PopClipRect();
  if (c.hovered && !p.rate_t.empty()) {
    const auto b =
        static_cast<size_t>(std::clamp(c.x_at(ImGui::GetIO().MousePos.x) / static_cast<double>(p.rate_bin),
                                       0.0, static_cast<double>(p.rate_t.size() - 1)));
    ImGui::SetTooltip("+%s: prefill %.3f, decode %.3f, mixed %.3f %s",
                      plot::format_value(edges[b], plot::Unit::Nanoseconds).c_str(), p.kind_busy[0][b],
                      p.kind_busy[1][b], p.kind_busy[2][b], p.timed ? "s per s" : "per s");
  }
}

void draw_stage_times(const PhasesModel& m) {
  if (!m.split.gpu_by_stage.empty()) {
    std::string line = "GPU kernel time by stage:";
    for (const auto& st : m.split.gpu_by_stage)
      line += fmt::format("  {} {:.3f} s ({} kernels)", to_string(st.stage), st.seconds, st.kernels);
    ImGui::TextUnformatted(line.c_str());
  }
  if (m.server_requests)
    ImGui::Text("Server per request (%zu requests): prefill %.3f s, decode %.3f s in total (%.1f%% prefill)",
                m.server_requests, m.server_prefill_s, m.server_decode_s,
                100 * m.server_prefill_s / std::max(1e-12, m.server_prefill_s + m.server_decode_s));
}

}  // namespace

void draw_phases_panel(const PhasesModel& m, bool in_range) {
  const PhaseSplit& p = m.split;
  ImGui::Text("%zu engine iterations%s%s", p.iterations, in_range ? " in the selected range" : "",
              p.iterations && !p.timed ? " (the log gives no durations: shares are of counts)" : "");
  if (!m.note.empty()) return ImGui::TextDisabled("%s", m.note.c_str());
  draw_kinds(p);
  draw_stage_times(m);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float h = std::max(140.0f, avail.y * (p.rate_t.empty() ? 0.98f : 0.55f));
  const float w = (avail.x - 8) / 2;
  draw_scatter("Prefill step time vs prompt tokens", p.prefill, m.prefill, plot::Unit::Tokens, kPrefill,
               ImVec2(w, h));
  ImGui::SameLine(0, 8);
  draw_scatter("Decode step time vs batch size", p.decode, m.decode, plot::Unit::Count, kDecode,
               ImVec2(w, h));
  if (p.rate_t.empty()) return;
  const float rh = std::max(100.0f, ImGui::GetContentRegionAvail().y);
  draw_rates(p, ImVec2(w, rh));
  ImGui::SameLine(0, 8);
  draw_kind_busy(p, ImVec2(w, rh));
}

}  // namespace hp
