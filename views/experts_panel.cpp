#include "views/experts_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace hp {
namespace {

constexpr ImU32 kAxis = IM_COL32(150, 150, 150, 255);
constexpr ImU32 kBefore = IM_COL32(200, 110, 70, 255);
constexpr ImU32 kAfter = IM_COL32(90, 170, 220, 255);
constexpr ImU32 kMark = IM_COL32(255, 255, 255, 255);

bool controls(const ExpertsModel& m, ExpertsOptions& o) {
  bool changed = false;
  if (m.inputs.size() > 1) {
    ImGui::SetNextItemWidth(260);
    if (ImGui::BeginCombo("Input", m.inputs[std::min(o.input, m.inputs.size() - 1)].c_str())) {
      for (size_t i = 0; i < m.inputs.size(); ++i)
        if (ImGui::Selectable(m.inputs[i].c_str(), i == o.input)) o.input = i, changed = true;
      ImGui::EndCombo();
    }
    ImGui::SameLine();
  }
  int ranks = static_cast<int>(m.ranks), red = static_cast<int>(o.redundant);
  ImGui::SetNextItemWidth(90);
  if (ImGui::InputInt("Ranks", &ranks) && ranks >= 1) o.ranks = static_cast<uint32_t>(ranks), changed = true;
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90);
  if (ImGui::InputInt("Redundant slots", &red) && red >= 0)
    o.redundant = static_cast<uint32_t>(red), changed = true;
  ImGui::SameLine();
  changed |= ImGui::Checkbox("Sort each layer by load", &o.sort_by_load);
  return changed;
}

// Heatmap with layer labels on the left and the legend below; click selects a layer.
bool heatmap(const ExpertsModel& m, ExpertsOptions& o, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float line = ImGui::GetTextLineHeight();
  const float label_w = ImGui::CalcTextSize("L0000").x + 6;
  const plot::HeatmapGrid g = plot::heatmap_grid(
      {p.x + label_w, p.y, p.x + size.x - 4, p.y + size.y - line * 3.2f}, m.layers, m.experts);
  for (size_t r = 0; r < m.layers; ++r)
    for (size_t c = 0; c < m.experts; ++c) {
      const plot::Rect cell = g.cell(r, c);
      dl->AddRectFilled(ImVec2(cell.x0, cell.y0), ImVec2(cell.x1, cell.y1), m.colors[r * m.experts + c]);
    }
  const plot::Rect sel = g.cell(m.layer, 0);
  dl->AddRect(ImVec2(g.area.x0, sel.y0), ImVec2(g.area.x1, sel.y1), kMark);
  const size_t label_every = std::max<size_t>(1, static_cast<size_t>(line / std::max(1.0f, g.cell_h)) + 1);
  for (size_t r = 0; r < m.layers; r += label_every) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "L%lld", static_cast<long long>(m.layer_ids[r]));
    dl->AddText(ImVec2(p.x, g.cell(r, 0).y0 + (g.cell_h - line) / 2), kAxis, buf);
  }
  // Legend: colour bar, ticks, the expected share 1/E.
  const float ly = g.area.y1 + 4, lh = line * 0.8f, lx0 = g.area.x0,
              lx1 = g.area.x0 + (g.area.x1 - g.area.x0) * 0.6f;
  const float sw = (lx1 - lx0) / static_cast<float>(m.legend.steps.size());
  for (size_t i = 0; i < m.legend.steps.size(); ++i)
    dl->AddRectFilled(ImVec2(lx0 + sw * static_cast<float>(i), ly),
                      ImVec2(lx0 + sw * static_cast<float>(i + 1), ly + lh), m.legend.steps[i]);
  const double hi = m.share_max > 0 ? m.share_max : 1;
  for (const auto& t : m.legend.ticks) {
    const float x = lx0 + (lx1 - lx0) * static_cast<float>(t.value / hi);
    dl->AddLine(ImVec2(x, ly + lh), ImVec2(x, ly + lh + 3), kAxis);
    dl->AddText(ImVec2(x - ImGui::CalcTextSize(t.label.c_str()).x / 2, ly + lh + 2), kAxis, t.label.c_str());
  }
  for (const auto& mk : m.legend.marks) {
    const float x = lx0 + (lx1 - lx0) * mk.at;
    dl->AddLine(ImVec2(x, ly - 2), ImVec2(x, ly + lh + 2), kMark, 2);
    dl->AddText(ImVec2(x + 3, ly - line - 1), kMark, mk.label.c_str());
  }
  dl->AddText(ImVec2(lx1 + 10, ly), kAxis,
              m.columns_are_ranks ? "share of the layer's routed tokens; columns: GPU ranks"
                                  : "share of the layer's routed tokens; columns: experts");
  ImGui::SetCursorScreenPos(p);
  ImGui::InvisibleButton("##heat", size);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  auto hit = g.hit(mouse.x, mouse.y);
  if (ImGui::IsItemHovered() && hit) {
    const size_t i = hit->first * m.experts + hit->second;
    ImGui::SetTooltip("layer %lld, %s %u: %.2f %% of the layer (expected %.2f %%)",
                      static_cast<long long>(m.layer_ids[hit->first]),
                      m.columns_are_ranks ? "rank" : "expert", m.expert_at[i], 100 * m.share[i],
                      100 * m.expected);
  }
  if (ImGui::IsItemClicked() && hit && hit->first != o.layer) {
    o.layer = hit->first;
    return true;
  }
  return false;
}

bool table(const ExpertsModel& m, ExpertsOptions& o, ImVec2 size) {
  bool changed = false;
  const bool what_if = m.rebalance.has_value();
  if (!ImGui::BeginTable("##layers", what_if ? 7 : 6, ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg, size))
    return false;
  ImGui::TableSetupScrollFreeze(0, 1);
  for (const char* h : {"layer", "max/mean", "CV", "hottest", "min", "rank bal"}) ImGui::TableSetupColumn(h);
  if (what_if) ImGui::TableSetupColumn("after what-if");
  ImGui::TableHeadersRow();
  ImGuiListClipper clip;
  clip.Begin(static_cast<int>(m.balance.layers.size()));
  while (clip.Step())
    for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
      const LayerBalance& b = m.balance.layers[static_cast<size_t>(i)];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      char id[32];
      std::snprintf(id, sizeof id, "L%lld##%d", static_cast<long long>(b.layer), i);
      if (ImGui::Selectable(id, static_cast<size_t>(i) == m.layer, ImGuiSelectableFlags_SpanAllColumns))
        o.layer = static_cast<size_t>(i), changed = true;
      ImGui::TableNextColumn();
      ImGui::Text("%.2f", b.max_over_mean);
      ImGui::TableNextColumn();
      ImGui::Text("%.2f", b.cv);
      ImGui::TableNextColumn();
      const char* col = m.columns_are_ranks ? "r" : "e";
      std::string hot;
      for (uint32_t e : b.hottest) hot += (hot.empty() ? col : std::string(", ") + col) + std::to_string(e);
      ImGui::TextUnformatted(hot.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%s%u: %lld", col, b.min_expert, static_cast<long long>(b.min_count));
      ImGui::TableNextColumn();
      ImGui::Text("%.3f", b.balancedness);
      if (what_if) {
        ImGui::TableNextColumn();
        ImGui::Text("%.3f", m.rebalance->layers[static_cast<size_t>(i)].balancedness_after);
      }
    }
  ImGui::EndTable();
  return changed;
}

// Rank loads of the selected layer: contiguous/placement bars beside the what-if bars.
void rank_bars(const ExpertsModel& m, ImVec2 size) {
  if (m.balance.layers.empty() || m.balance.layers[m.layer].rank_load.empty()) return ImGui::Dummy(size);
  const LayerBalance& b = m.balance.layers[m.layer];
  const std::vector<double>* after = m.rebalance ? &m.rebalance->layers[m.layer].after : nullptr;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float line = ImGui::GetTextLineHeight();
  ImGui::Text("Layer %lld rank loads: balancedness %.3f", static_cast<long long>(b.layer), b.balancedness);
  if (after) {
    ImGui::SameLine();
    ImGui::TextColored(
        ImColor(kAfter).Value, "-> %.3f after the what-if (busiest rank %.0f -> %.0f, %u redundant%s)",
        m.rebalance->layers[m.layer].balancedness_after, m.rebalance->layers[m.layer].max_before,
        m.rebalance->layers[m.layer].max_after, m.rebalance->redundant,
        m.placement_note.empty() ? "" : "; the what-if starts from contiguous blocks, not the placement");
  }
  if (!m.placement_note.empty()) ImGui::TextDisabled("%s", m.placement_note.c_str());
  const float top = p.y + line * (m.placement_note.empty() ? 1.6f : 2.8f),
              bottom = p.y + size.y - line * 1.4f, h = bottom - top;
  double peak = 1;
  for (double v : b.rank_load) peak = std::max(peak, v);
  if (after)
    for (double v : *after) peak = std::max(peak, v);
  const size_t n = b.rank_load.size();
  const float slot = (size.x - 8) / static_cast<float>(n);
  const float bw = after ? slot * 0.4f : slot * 0.8f;
  const double mean = b.total / static_cast<double>(n);
  for (size_t r = 0; r < n; ++r) {
    const float x = p.x + 4 + slot * static_cast<float>(r);
    const float hb = h * static_cast<float>(b.rank_load[r] / peak);
    dl->AddRectFilled(ImVec2(x + slot * 0.1f, bottom - hb), ImVec2(x + slot * 0.1f + bw, bottom), kBefore);
    if (after) {
      const float ha = h * static_cast<float>((*after)[r] / peak);
      dl->AddRectFilled(ImVec2(x + slot * 0.1f + bw, bottom - ha), ImVec2(x + slot * 0.1f + 2 * bw, bottom),
                        kAfter);
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "r%zu", r);
    dl->AddText(ImVec2(x + slot * 0.1f, bottom + 2), kAxis, buf);
  }
  const float ym = bottom - h * static_cast<float>(mean / peak);
  dl->AddLine(ImVec2(p.x + 4, ym), ImVec2(p.x + size.x - 4, ym), kMark);
  dl->AddText(ImVec2(p.x + size.x - 60, ym - line), kMark, "mean");
  ImGui::SetCursorScreenPos(p);
  ImGui::Dummy(size);
}

void over_time(const ExpertsModel& m, ImVec2 size) {
  if (m.time_x.size() < 1) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float line = ImGui::GetTextLineHeight();
  ImGui::Text("Balancedness per %s (%zu points; 1 = even, 1/ranks = worst)", m.time_label.c_str(),
              m.time_x.size());
  const float x0 = p.x + 30, x1 = p.x + size.x - 8, y0 = p.y + line * 1.5f, y1 = p.y + size.y - line * 1.2f;
  const auto [lo_it, hi_it] = std::minmax_element(m.time_x.begin(), m.time_x.end());
  const double lo = *lo_it, span = std::max(1.0, *hi_it - lo);
  dl->AddRect(ImVec2(x0, y0), ImVec2(x1, y1), kAxis);
  dl->AddText(ImVec2(p.x, y0 - line / 2), kAxis, "1");
  dl->AddText(ImVec2(p.x, y1 - line / 2), kAxis, "0");
  std::vector<ImVec2> pts;
  for (size_t i = 0; i < m.time_x.size(); ++i)
    pts.push_back(ImVec2(x0 + (x1 - x0) * static_cast<float>((m.time_x[i] - lo) / span),
                         y1 - (y1 - y0) * static_cast<float>(std::clamp(m.time_balancedness[i], 0.0, 1.0))));
  if (pts.size() > 1) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), kAfter, 0, 1.5f);
  for (const auto& q : pts) dl->AddCircleFilled(q, 2.5f, kAfter);
  ImGui::SetCursorScreenPos(p);
  ImGui::Dummy(size);
}

// Co-routing matrices side by side, each with its legend and most frequent pairs.
void pair_heatmaps(const ExpertsModel& m, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float line = ImGui::GetTextLineHeight();
  const size_t n = m.pairs.size();
  const float w = size.x / static_cast<float>(n);
  for (size_t i = 0; i < n; ++i) {
    const PairMatrixView& v = m.pairs[i];
    const float x0 = p.x + w * static_cast<float>(i) + 8, x1 = x0 + w - 24;
    dl->AddText(ImVec2(x0, p.y), kAxis, v.title.c_str());
    const float top_list = line * static_cast<float>(v.top.size() + 1);
    const float side = std::min(x1 - x0 - 30, size.y - line * 8.5f - top_list);
    const plot::HeatmapGrid g = plot::heatmap_grid(
        {x0 + 30, p.y + line * 2.4f, x0 + 30 + side, p.y + line * 2.4f + side}, v.rows, v.cols);
    for (size_t r = 0; r < v.rows; ++r)
      for (size_t c = 0; c < v.cols; ++c) {
        const plot::Rect cell = g.cell(r, c);
        dl->AddRectFilled(ImVec2(cell.x0, cell.y0), ImVec2(cell.x1, cell.y1), v.colors[r * v.cols + c]);
      }
    char buf[64];
    for (size_t r = 0; r < v.rows; ++r) {
      std::snprintf(buf, sizeof buf, "e%zu", r);
      dl->AddText(ImVec2(x0, g.cell(r, 0).y0 + (g.cell_h - line) / 2), kAxis, buf);
    }
    for (size_t c = 0; c < v.cols; ++c) {
      std::snprintf(buf, sizeof buf, "e%zu", c);
      dl->AddText(ImVec2(g.cell(0, c).x0 + 2, g.area.y0 - line - 1), kAxis, buf);
    }
    std::snprintf(buf, sizeof buf, "rows: layer %lld, columns: layer %lld", static_cast<long long>(v.layer_a),
                  static_cast<long long>(v.layer_b));
    dl->AddText(ImVec2(x0, g.area.y1 + 2), kAxis, buf);
    const float ly = g.area.y1 + line + 6, lh = line * 0.8f, lx1 = g.area.x1;
    const float sw = (lx1 - g.area.x0) / static_cast<float>(v.legend.steps.size());
    for (size_t k = 0; k < v.legend.steps.size(); ++k)
      dl->AddRectFilled(ImVec2(g.area.x0 + sw * static_cast<float>(k), ly),
                        ImVec2(g.area.x0 + sw * static_cast<float>(k + 1), ly + lh), v.legend.steps[k]);
    for (const auto& t : v.legend.ticks) {
      const float x =
          g.area.x0 + (lx1 - g.area.x0) * static_cast<float>(t.value / std::max(1e-12, v.share_max));
      dl->AddText(ImVec2(x - ImGui::CalcTextSize(t.label.c_str()).x / 2, ly + lh + 1), kAxis,
                  t.label.c_str());
    }
    for (const auto& mk : v.legend.marks) {
      const float x = g.area.x0 + (lx1 - g.area.x0) * mk.at;
      dl->AddLine(ImVec2(x, ly - 2), ImVec2(x, ly + lh + 2), kMark, 2);
    }
    float y = ly + lh + line + 6;
    dl->AddText(ImVec2(x0, y), kAxis, "top pairs: count, share, lift over independent choice (white mark)");
    for (const auto& t : v.top) {
      y += line;
      std::snprintf(buf, sizeof buf, "e%u -> e%u: %lld  %.2f %%  %.2fx", t.a, t.b,
                    static_cast<long long>(t.count), 100.0 * v.share[t.a * v.cols + t.b], t.lift);
      dl->AddText(ImVec2(x0, y), kMark, buf);
    }
  }
  ImGui::Dummy(size);
}

}  // namespace

bool draw_experts_panel(const ExpertsModel& m, ExpertsOptions& o) {
  if (!m.title.empty()) ImGui::TextUnformatted(m.title.c_str());
  if (!m.note.empty()) ImGui::TextDisabled("%s", m.note.c_str());
  if (!m.range_note.empty()) ImGui::TextDisabled("%s", m.range_note.c_str());
  bool changed = m.experts ? controls(m, o) : false;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (!m.experts && !m.pairs.empty()) {
    pair_heatmaps(m, avail);
    return changed;
  }
  if (!m.experts) {
    over_time(m, ImVec2(avail.x, std::min(avail.y, 260.0f)));
    return changed;
  }
  const bool time = !m.time_x.empty();
  const float top_h = avail.y * (time ? 0.55f : 0.62f);
  const float left_w = avail.x * 0.62f;
  changed |= heatmap(m, o, ImVec2(left_w, top_h));
  ImGui::SameLine();
  changed |= table(m, o, ImVec2(avail.x - left_w - 8, top_h));
  const float rest = avail.y - top_h - 8;
  if (time) {
    rank_bars(m, ImVec2(avail.x * 0.5f, rest));
    ImGui::SameLine();
    over_time(m, ImVec2(avail.x * 0.5f - 8, rest));
  } else {
    rank_bars(m, ImVec2(avail.x, rest));
  }
  return changed;
}

}  // namespace hp
