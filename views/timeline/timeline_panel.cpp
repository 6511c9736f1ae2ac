#include "views/timeline/timeline_panel.h"

#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "core/util/time_format.h"
#include "views/timeline/counter_columns.h"
#include "views/timeline/iterations_track.h"
#include "views/timeline/legend_layout.h"
#include "views/timeline/requests_track.h"
#include "views/timeline/series_track.h"
#include "views/timeline/time_ruler.h"

namespace hp {
namespace {

constexpr float kRulerH = 26;
constexpr float kLegendH = 22;

ImU32 darker(ImU32 c, float f) {
  auto ch = [&](int shift) {
    return static_cast<ImU32>(static_cast<float>((c >> shift) & 0xff) * f) << shift;
  };
  return ch(0) | ch(8) | ch(16) | (c & 0xff000000u);
}

// Draws `text` inside [x0, x1) elided with "…" when it does not fit; nothing when nothing fits.
void elided_text(ImDrawList* dl, float x0, float x1, float y, ImU32 col, std::string_view text) {
  const float avail = x1 - x0 - 6;
  if (avail < 12) return;
  const char* b = text.data();
  const char* e = b + text.size();
  if (ImGui::CalcTextSize(b, e).x <= avail) {
    dl->AddText(ImVec2(x0 + 3, y), col, b, e);
    return;
  }
  const float ell = ImGui::CalcTextSize("…").x;
  size_t lo = 0, hi = text.size();
  while (lo < hi) {  // longest prefix that fits with the ellipsis
    size_t mid = (lo + hi + 1) / 2;
    if (ImGui::CalcTextSize(b, b + mid).x + ell <= avail)
      lo = mid;
    else
      hi = mid - 1;
  }
  while (lo > 0 && (static_cast<unsigned char>(b[lo]) & 0xC0) == 0x80) --lo;  // UTF-8 boundary
  if (lo == 0) return;
  std::string s(b, lo);
  s += "…";
  dl->AddText(ImVec2(x0 + 3, y), col, s.c_str());
}

// Hovering a rectangle of this window, and not a menu or popup drawn over it (a track label's
// tooltip was drawn over open menus).
bool hovering(ImVec2 a, ImVec2 b) {
  return ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(a, b);
}

}  // namespace

void TimelinePanel::set_session(const Snapshot& snap, ViewState& vs, const CategoryFn& categorize,
                                bool same_document) {
  const bool new_run = !run_ || run_ != snap.session->run;
  snap_ = snap;
  run_ = snap.session->run;
  if (new_run) {
    index_ = TimelineIndex::build(*run_);
    colors_.build(*run_, categorize);
  }
  build_tracks();
  auto [lo, hi] = snap.session->span();
  const TimeWindow keep = vs.view.target();
  const bool was_whole = keep == vs.view.extent();
  vs.view.reset({lo, std::max(hi, lo + 1)});
  if (same_document) {
    const Ns now = std::max(hi, lo + 1);
    // Follow: a view of everything keeps showing everything; a zoomed one keeps its width, ending
    // at the newest data.
    if (vs.follow_live && !was_whole)
      vs.view.zoom_to({std::max(lo, now - keep.span()), now}, false);
    else if (!vs.follow_live)
      vs.view.zoom_to(keep, false);
    return;
  }
  vs.selected = kNone;
  vs.pick = {};
  vs.range.reset();
  vs.scroll_y = 0;
}

void TimelinePanel::build_tracks() {
  tracks_.clear();
  top_groups_.clear();
  bottom_groups_.clear();
  const Session& s = *snap_.session;
  auto add = [&](TrackGroup& g, std::unique_ptr<TimelineTrack> t) {
    g.tracks.push_back(static_cast<uint32_t>(tracks_.size()));
    tracks_.push_back(std::move(t));
  };
  uint32_t first_serving = kNone;
  for (uint32_t i = 0; i < s.sources.size() && first_serving == kNone; ++i)
    if (s.sources[i].kind != SourceKind::Trace) first_serving = i;
  TrackGroup serving{"serving", "Serving", {}, first_serving};
  if (s.requests.size()) add(serving, std::make_unique<RequestsTrack>(snap_));
  const IterationTable& it = s.iterations;
  for (uint32_t b = 0; b < it.size();) {
    uint32_t e = b + 1;
    while (e < it.size() && it.source[e] == it.source[b] && it.replica[e] == it.replica[b]) ++e;
    add(serving, std::make_unique<IterationsTrack>(snap_, b, e));
    b = e;
  }
  if (!serving.tracks.empty()) top_groups_.push_back(std::move(serving));
  // One group per source and origin: the endpoint's /metrics, a Prometheus server, the server log.
  for (uint32_t src = 0; src < s.sources.size(); ++src) {
    for (SeriesOrigin origin :
         {SeriesOrigin::Scrape, SeriesOrigin::Fleet, SeriesOrigin::Dump, SeriesOrigin::Log}) {
      std::vector<uint32_t> series;
      for (uint32_t i = 0; i < s.series.size(); ++i) {
        const auto& info = s.series.info[i];
        std::string_view name = s.str(info.name);
        // Histogram buckets stay in the Session (quantiles); _sum and _count plot as rates.
        if (info.source == src && info.origin == origin &&
            !(name.size() > 7 && name.substr(name.size() - 7) == "_bucket"))
          series.push_back(i);
      }
      if (series.empty()) continue;
      std::stable_sort(series.begin(), series.end(), [&](uint32_t a, uint32_t b) {
        return s.str(s.series.info[a].name) < s.str(s.series.info[b].name);
      });
      const char* what = origin == SeriesOrigin::Log     ? "Server log"
                         : origin == SeriesOrigin::Fleet ? "Prometheus"
                         : origin == SeriesOrigin::Dump  ? "Metrics dump"
                                                         : "Metrics (/metrics)";
      TrackGroup g{fmt::format("series:{}:{}", src, to_string(origin)),
                   fmt::format("{} · {}", what, s.sources[src].name),
                   {},
                   src};
      for (uint32_t i : series) add(g, std::make_unique<SeriesTrack>(snap_, i));
      bottom_groups_.push_back(std::move(g));
    }
  }
  track_frames_.assign(tracks_.size(), {});
  track_inputs_.assign(tracks_.size(), {});
}

void TimelinePanel::append_group(const TrackGroup& g, const ViewState& vs, float& y) {
  TimelineRow h;
  h.kind = RowKind::Group;
  h.group = g.key;
  h.label = g.label;
  h.collapsed = vs.visibility.collapsed_groups.count(g.key) > 0;
  h.item = g.source;
  if (g.source != kNone && snap_.session->sources[g.source].shift_ns)
    h.label += fmt::format(" · shifted {}", format_duration(snap_.session->sources[g.source].shift_ns, 3));
  h.y = y;
  h.height = metrics_.header_h;
  y += h.height;
  rows_.push_back(std::move(h));
  if (rows_.back().collapsed) return;
  for (uint32_t t : g.tracks) {
    TimelineRow r;
    r.kind = RowKind::Track;
    r.item = t;
    r.label = tracks_[t]->label();
    r.note = tracks_[t]->note();
    r.y = y;
    r.height = tracks_[t]->height() + 2;
    y += r.height;
    rows_.push_back(std::move(r));
  }
}

std::string TimelinePanel::tracks_summary() const {
  std::string out = "tracks:";
  for (size_t i = 0; i < tracks_.size(); ++i)
    out += " [" + tracks_[i]->label() + "]=" + std::to_string(track_frames_[i].prims.size());
  return out;
}

size_t TimelinePanel::serving_prims() const {
  size_t n = 0;
  for (const auto& f : track_frames_) n += f.prims.size();
  return n;
}

uint32_t TimelinePanel::slice_at(const ViewState& vs, float mx, float my, float lanes_x, float lanes_y,
                                 float lanes_w) const {
  float y = my - lanes_y + vs.scroll_y;
  auto it = std::partition_point(rows_.begin(), rows_.end(),
                                 [&](const TimelineRow& r) { return r.y + r.height <= y; });
  if (it == rows_.end() || it->kind != RowKind::Lane || y < it->y) return kNone;
  float rel = y - it->y - metrics_.lane_pad / 2;
  if (rel < 0) return kNone;
  auto depth = static_cast<uint8_t>(std::min<float>(rel / metrics_.depth_h, 255));
  Ns t = vs.view.t_of(mx - lanes_x, lanes_w);
  Ns slop = static_cast<Ns>(vs.view.ns_per_px(lanes_w) * 2);
  return hit_test(*run_, index_.lanes[it->lane_index], depth, t, slop);
}

const TimelineRow* TimelinePanel::row_at(const ViewState& vs, float my, float lanes_y) const {
  float y = my - lanes_y + vs.scroll_y;
  auto it = std::partition_point(rows_.begin(), rows_.end(),
                                 [&](const TimelineRow& r) { return r.y + r.height <= y; });
  return it == rows_.end() || y < it->y ? nullptr : &*it;
}

void TimelinePanel::handle_input(ViewState& vs, float lanes_x, float lanes_w, float ruler_y, float lanes_y,
                                 float lanes_h) {
  ImGuiIO& io = ImGui::GetIO();
  // Ruler: drag selects a time range.
  ImGui::SetCursorScreenPos(ImVec2(lanes_x, ruler_y));
  ImGui::InvisibleButton("##ruler", ImVec2(lanes_w, kRulerH));
  if (ImGui::IsItemActivated()) {
    dragging_range_ = true;
    drag_range_from_ = vs.view.t_of(io.MousePos.x - lanes_x, lanes_w);
  }
  if (dragging_range_ && ImGui::IsItemActive()) {
    Ns t = vs.view.t_of(io.MousePos.x - lanes_x, lanes_w);
    vs.range = TimeWindow{std::min(t, drag_range_from_), std::max(t, drag_range_from_)};
  }
  if (dragging_range_ && !ImGui::IsItemActive()) {
    dragging_range_ = false;
    if (vs.range && vs.range->span() <= 0) vs.range.reset();
  }

  // Lanes: wheel zooms around the cursor, drag pans, click selects, double-click zooms to a slice.
  ImGui::SetCursorScreenPos(ImVec2(lanes_x, lanes_y));
  ImGui::InvisibleButton("##lanes", ImVec2(lanes_w, std::max(lanes_h, 1.0f)),
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool hovered = ImGui::IsItemHovered();
  const float max_scroll = std::max(0.0f, content_h_ - lanes_h);
  if (hovered && io.MouseWheel != 0) {
    if (io.KeyShift)
      vs.scroll_y -= io.MouseWheel * metrics_.depth_h * 3;
    else
      vs.view.zoom_at(io.MousePos.x - lanes_x, lanes_w, io.MouseWheel, io.KeyCtrl ? 0.05 : 0.25);
  }
  if (hovered && io.MouseWheelH != 0) vs.view.pan_px(io.MouseWheelH * 40, lanes_w);
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2)) {
    vs.view.pan_px(io.MouseDelta.x, lanes_w);
    vs.scroll_y -= io.MouseDelta.y;
  }
  if (hovered && ImGui::IsMouseReleased(ImGuiMouseButton_Left) &&
      ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 2).x == 0) {
    vs.selected = slice_at(vs, io.MousePos.x, io.MousePos.y, lanes_x, lanes_y, lanes_w);
    vs.pick = {};
    if (const TimelineRow* r = row_at(vs, io.MousePos.y, lanes_y); r && r->kind == RowKind::Track) {
      const float ty = lanes_y + r->y - vs.scroll_y + 1;
      vs.pick = tracks_[r->item]->pick(track_frames_[r->item], track_inputs_[r->item],
                                       io.MousePos.x - lanes_x, io.MousePos.y - ty);
    }
  }
  if (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
    uint32_t s = slice_at(vs, io.MousePos.x, io.MousePos.y, lanes_x, lanes_y, lanes_w);
    if (s != kNone) {
      Ns pad = std::max<Ns>(run_->slices.dur[s] / 10, 1);
      vs.view.zoom_to({run_->slices.start[s] - pad, run_->slices.end(s) + pad});
      vs.selected = s;
    }
  }
  // Gutter: the wheel scrolls vertically.
  if (!hovered && ImGui::IsWindowHovered() && io.MouseWheel != 0 && io.MousePos.x < lanes_x)
    vs.scroll_y -= io.MouseWheel * metrics_.depth_h * 3;

  // Keyboard: W/S zoom, A/D pan, 0 zooms to fit, Esc clears; every press and key repeat counts
  // (one step each). Enter / Shift+Enter walk the highlights only when the timeline itself has the
  // focus: the Kernels panel and the search box walk them on their own Enter (it moved two).
  if (ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows) && !io.WantTextInput) {
    if (ImGui::IsKeyPressed('W')) vs.view.zoom_at(lanes_w / 2, lanes_w, 1, 0.2);
    if (ImGui::IsKeyPressed('S')) vs.view.zoom_at(lanes_w / 2, lanes_w, -1, 0.2);
    if (ImGui::IsKeyPressed('A')) vs.view.pan_fraction(-0.1);
    if (ImGui::IsKeyPressed('D')) vs.view.pan_fraction(0.1);
    if (ImGui::IsKeyPressed('0')) {
      vs.view.zoom_to(vs.view.extent());
      vs.scroll_y = 0;
    }
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
      vs.selected = kNone;
      vs.pick = {};
      vs.range.reset();
    }
  }
  if (ImGui::IsWindowFocused(ImGuiFocusedFlags_ChildWindows) && !io.WantTextInput &&
      ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)))
    vs.jump_highlight(*run_, io.KeyShift ? -1 : 1);
  vs.scroll_y = std::clamp(vs.scroll_y, 0.0f, max_scroll);
}

void TimelinePanel::draw_ruler(ViewState& vs, float x, float y, float w) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(ImVec2(x, y), ImVec2(x + w, y + kRulerH), IM_COL32(38, 40, 46, 255));
  std::string span = format_duration(vs.view.current().span());
  float sw = ImGui::CalcTextSize(span.c_str()).x;
  const float readout_x = x + w - sw - 10;
  for (const RulerTick& t : ruler_ticks(vs.view.current(), vs.view.extent().t0, w)) {
    float tx = x + static_cast<float>(t.x);
    // A label that would run into the span readout at the right end is left out.
    bool major = !t.label.empty() && tx + 3 + ImGui::CalcTextSize(t.label.c_str()).x + 6 < readout_x;
    dl->AddLine(ImVec2(tx, y + (major ? 4 : kRulerH - 7)), ImVec2(tx, y + kRulerH),
                IM_COL32(150, 150, 160, 255));
    if (major) dl->AddText(ImVec2(tx + 3, y + 3), IM_COL32(210, 210, 215, 255), t.label.c_str());
  }
  dl->AddRectFilled(ImVec2(readout_x, y), ImVec2(x + w, y + kRulerH), IM_COL32(38, 40, 46, 255));
  dl->AddText(ImVec2(x + w - sw - 5, y + 5), IM_COL32(255, 220, 120, 255), span.c_str());
}

void TimelinePanel::draw_gutter(ViewState& vs, float x, float y, float h) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(ImVec2(x, y), ImVec2(x + gutter_w_, y + h), true);
  dl->AddRectFilled(ImVec2(x, y), ImVec2(x + gutter_w_, y + h), IM_COL32(30, 32, 37, 255));
  for (size_t i = 0; i < rows_.size(); ++i) {
    const TimelineRow& r = rows_[i];
    float ry = y + r.y - vs.scroll_y;
    if (ry + r.height < y || ry > y + h) continue;
    if (r.kind == RowKind::Lane && hovering(ImVec2(x, ry), ImVec2(x + gutter_w_, ry + r.height)) &&
        ImGui::IsMouseClicked(ImGuiMouseButton_Right)) {
      context_track_ = r.track;
      ImGui::OpenPopup("##track_menu");
    }
    if (r.kind == RowKind::Track) {
      elided_text(dl, x + 15, x + gutter_w_, ry + 1, IM_COL32(200, 200, 205, 255), r.label);
      if (!r.note.empty() && r.height >= 2 * ImGui::GetFontSize())
        elided_text(dl, x + 15, x + gutter_w_, ry + 1 + ImGui::GetFontSize(), IM_COL32(140, 140, 150, 255),
                    r.note);
      if (!r.note.empty() && hovering(ImVec2(x, ry), ImVec2(x + gutter_w_, ry + r.height)))
        tooltip(r.label + "\n" + r.note);
      continue;
    }
    if (r.kind == RowKind::Lane || r.kind == RowKind::Counter) {
      float badge_w = r.badge.empty() ? 0 : ImGui::CalcTextSize(r.badge.c_str()).x + 8;
      elided_text(dl, x + 15, x + gutter_w_ - badge_w, ry + 2, IM_COL32(200, 200, 205, 255), r.label);
      if (!r.badge.empty()) {
        dl->AddText(ImVec2(x + gutter_w_ - badge_w, ry + 2), IM_COL32(240, 170, 80, 255), r.badge.c_str());
        if (hovering(ImVec2(x, ry), ImVec2(x + gutter_w_, ry + r.height)))
          tooltip(fmt::format("{}: {}", r.label,
                              r.lane > 0
                                  ? "slices that partially overlap their neighbours, kept on their own lane"
                                  : "slices of this track were moved to overflow lanes below"));
      }
      continue;
    }
    ImGui::SetCursorScreenPos(ImVec2(x, ry));
    ImGui::PushID(static_cast<int>(i));
    if (ImGui::InvisibleButton("##hdr", ImVec2(gutter_w_, r.height))) {
      if (r.kind == RowKind::Group) {
        if (!vs.visibility.collapsed_groups.erase(r.group)) vs.visibility.collapsed_groups.insert(r.group);
      } else if (r.kind == RowKind::Rank) {
        if (!vs.visibility.collapsed_ranks.erase(r.rank)) vs.visibility.collapsed_ranks.insert(r.rank);
      } else if (!vs.visibility.collapsed_processes.erase({r.rank, r.pid})) {
        vs.visibility.collapsed_processes.insert({r.rank, r.pid});
      }
    }
    ImGui::PopID();
    if (r.kind == RowKind::Group && !ImGui::IsPopupOpen("##shift_menu") &&
        hovering(ImVec2(x, ry), ImVec2(x + gutter_w_, ry + r.height))) {
      tooltip(r.label + (r.item != kNone ? "\nright-click: shift this source on the clock" : ""));
      if (r.item != kNone && ImGui::IsMouseClicked(ImGuiMouseButton_Right)) {
        context_source_ = r.item;
        shift_ms_ = static_cast<double>(snap_.session->sources[r.item].shift_ns) / 1e6;
        ImGui::OpenPopup("##shift_menu");
      }
    }
    float indent = r.kind == RowKind::Rank || r.kind == RowKind::Group ? 2 : 8;
    dl->AddText(ImVec2(x + indent, ry + 2), IM_COL32(235, 235, 240, 255), r.collapsed ? "▶" : "▼");
    dl->AddText(ImVec2(x + indent + 16, ry + 2),
                r.gpu ? IM_COL32(130, 220, 200, 255) : IM_COL32(235, 235, 240, 255), r.label.c_str());
  }
  dl->PopClipRect();
  if (ImGui::BeginPopup("##shift_menu")) {
    if (context_source_ < snap_.session->sources.size()) {
      const SessionSource& src = snap_.session->sources[context_source_];
      ImGui::Text("%s (%s)", src.name.c_str(), to_string(src.kind));
      ImGui::TextDisabled("%s", src.alignment.c_str());
      ImGui::SetNextItemWidth(160);
      ImGui::InputDouble("shift (ms, + = later)", &shift_ms_, 1.0, 10.0, "%.3f");
      if (ImGui::Button("Apply")) {
        vs.clock_shift_request = {src.name, static_cast<Ns>(std::llround(shift_ms_ * 1e6))};
        ImGui::CloseCurrentPopup();
      }
      ImGui::SameLine();
      if (ImGui::Button("Reset")) {
        vs.clock_shift_request = {src.name, 0};
        ImGui::CloseCurrentPopup();
      }
    }
    ImGui::EndPopup();
  }
  if (ImGui::BeginPopup("##track_menu")) {
    if (context_track_ < run_->tracks.size() && ImGui::MenuItem("Hide this track"))
      vs.visibility.hidden_tracks.insert(context_track_);
    if (ImGui::MenuItem("Show all tracks", nullptr, false, !vs.visibility.hidden_tracks.empty()))
      vs.visibility.hidden_tracks.clear();
    ImGui::EndPopup();
  }
}

void TimelinePanel::draw_lanes(ViewState& vs, float x, float y, float w, float h) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(ImVec2(x, y), ImVec2(x + w, y + h), true);
  dl->AddRectFilled(ImVec2(x, y), ImVec2(x + w, y + h), IM_COL32(24, 25, 29, 255));
  for (const TimelineRow& r : rows_) {  // group header bands and lane separators
    float ry = y + r.y - vs.scroll_y;
    if (ry + r.height < y || ry > y + h) continue;
    if (r.kind == RowKind::Rank || r.kind == RowKind::Process || r.kind == RowKind::Group)
      dl->AddRectFilled(ImVec2(x, ry), ImVec2(x + w, ry + r.height), IM_COL32(34, 36, 42, 255));
    else
      dl->AddLine(ImVec2(x, ry + r.height - 1), ImVec2(x + w, ry + r.height - 1), IM_COL32(40, 42, 48, 255));
  }
  for (const StageBand& b : bands_) {  // engine steps shade the lanes behind every track
    if (b.t1 < vs.view.current().t0 || b.t0 > vs.view.current().t1) continue;
    float a = x + static_cast<float>(vs.view.x_of(b.t0, w)),
          e = x + static_cast<float>(vs.view.x_of(b.t1, w));
    dl->AddRectFilled(ImVec2(a, y), ImVec2(std::max(e, a + 1), y + h), b.color);
  }
  if (vs.range) {
    float a = x + static_cast<float>(vs.view.x_of(vs.range->t0, w));
    float b = x + static_cast<float>(vs.view.x_of(vs.range->t1, w));
    dl->AddRectFilled(ImVec2(a, y), ImVec2(b, y + h), IM_COL32(90, 140, 255, 40));
  }
  for (const TimelineRow& r : rows_) {  // counter tracks: one min/max bar per pixel column
    float ry = y + r.y - vs.scroll_y;
    if (r.kind != RowKind::Counter || ry + r.height < y || ry > y + h) continue;
    const CounterSeries& cs = run_->counters.series[r.series];
    auto [lo, hi] = counter_extent(run_->counters, cs);
    double scale = hi > lo ? (r.height - 6) / (hi - lo) : 0;
    auto vy = [&](double v) { return ry + r.height - 3 - static_cast<float>((v - lo) * scale); };
    for (const CounterColumn& c :
         counter_columns(run_->counters, cs, vs.view.current(), static_cast<int>(w))) {
      float cx = x + static_cast<float>(c.x);
      dl->AddRectFilled(ImVec2(cx, vy(c.max)), ImVec2(cx + 1, ry + r.height - 3),
                        IM_COL32(70, 130, 180, 110));
      dl->AddRectFilled(ImVec2(cx, vy(c.max)), ImVec2(cx + 1, vy(c.min) + 1), IM_COL32(120, 190, 255, 255));
    }
    char scale_txt[64];
    snprintf(scale_txt, sizeof scale_txt, "%.4g", hi);
    dl->AddText(ImVec2(x + 4, ry + 1), IM_COL32(150, 150, 160, 255), scale_txt);
  }
  draw_tracks(vs, x, y, w, h);
  const float fh = ImGui::GetFontSize();
  for (const FrameRect& fr : frame_.rects) {
    ImVec2 p0(x + fr.x0, y + fr.y0 - vs.scroll_y),
        p1(x + std::max(fr.x1, fr.x0 + 1), y + fr.y1 - vs.scroll_y);
    if (fr.count > 1) {
      dl->AddRectFilled(p0, p1, fr.fill);
      if (p1.x - p0.x > 30) {
        std::string n = std::to_string(fr.count);
        elided_text(dl, p0.x, p1.x, p0.y + (p1.y - p0.y - fh) / 2, IM_COL32(230, 230, 230, 255), n);
      }
      continue;
    }
    dl->AddRectFilled(p0, p1, fr.fill);
    if (p1.x - p0.x > 4) dl->AddRect(p0, p1, darker(fr.fill, 0.7f));
    if (fr.highlighted)
      dl->AddRect(ImVec2(p0.x - 1, p0.y - 1), ImVec2(p1.x + 1, p1.y + 1), IM_COL32(255, 230, 0, 255), 0, 0,
                  2);
    if (fr.selected)
      dl->AddRect(ImVec2(p0.x - 2, p0.y - 2), ImVec2(p1.x + 2, p1.y + 2), IM_COL32(255, 255, 255, 255), 0, 0,
                  2);
    if (p1.x - p0.x > 18)
      elided_text(dl, std::max(p0.x, x), std::min(p1.x, x + w), p0.y + (p1.y - p0.y - fh) / 2,
                  text_color_on(fr.fill), run_->str(run_->slices.name[fr.slice]));
  }
  draw_stage_labels(vs, x, y, w, h);
  draw_flow(vs, x, y, w);
  dl->PopClipRect();

  // Hover tooltip.
  ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsItemHovered()) {
    if (const TimelineRow* r = row_at(vs, io.MousePos.y, y); r && r->kind == RowKind::Track) {
      const float ty = y + r->y - vs.scroll_y + 1;
      std::string tip = tracks_[r->item]->tooltip(track_frames_[r->item], track_inputs_[r->item],
                                                  io.MousePos.x - x, io.MousePos.y - ty);
      if (!tip.empty()) ImGui::SetTooltip("%s", tip.c_str());
    }
    for (const FrameRect& fr : frame_.rects) {
      float ry0 = y + fr.y0 - vs.scroll_y, ry1 = y + fr.y1 - vs.scroll_y;
      if (io.MousePos.x < x + fr.x0 || io.MousePos.x > x + std::max(fr.x1, fr.x0 + 1) ||
          io.MousePos.y < ry0 || io.MousePos.y > ry1)
        continue;
      ImGui::BeginTooltip();
      if (fr.count > 1) {
        ImGui::Text("%u slices too small to show; zoom in", fr.count);
      } else {
        ImGui::TextUnformatted(
            run_->str(run_->slices.name[fr.slice]).data(),
            run_->str(run_->slices.name[fr.slice]).data() + run_->str(run_->slices.name[fr.slice]).size());
        ImGui::Text("%s  ·  %s", format_duration(run_->slices.dur[fr.slice]).c_str(),
                    to_string(run_->slices.kind[fr.slice]));
        ImGui::TextDisabled("at %s",
                            format_duration(run_->slices.start[fr.slice] - vs.view.extent().t0, 3).c_str());
      }
      ImGui::EndTooltip();
      break;
    }
  }
}

// Stage labels ("prefill bs=1") over the slices, on a dark plate: drawn under them they were hidden.
void TimelinePanel::draw_stage_labels(const ViewState& vs, float x, float y, float w, float h) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (const StageBand& b : bands_) {
    if (b.t1 < vs.view.current().t0 || b.t0 > vs.view.current().t1) continue;
    const float a = std::max(x, x + static_cast<float>(vs.view.x_of(b.t0, w))),
                e = std::min(x + w, x + static_cast<float>(vs.view.x_of(b.t1, w)));
    const ImVec2 ts = ImGui::CalcTextSize(b.label.c_str());
    if (e - a < ts.x + 8) continue;
    const ImVec2 p(a + 3, y + h - ts.y - 3);
    dl->AddRectFilled(ImVec2(p.x - 2, p.y - 1), ImVec2(p.x + ts.x + 2, p.y + ts.y + 1),
                      IM_COL32(20, 21, 24, 230), 3);
    dl->AddText(p, b.color | 0xff000000u, b.label.c_str());
  }
}

void TimelinePanel::draw_tracks(ViewState& vs, float x, float y, float w, float h) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float fh = ImGui::GetFontSize();
  for (const TimelineRow& r : rows_) {
    if (r.kind != RowKind::Track) continue;
    const float ty = y + r.y - vs.scroll_y + 1;
    if (ty + r.height < y || ty > y + h) continue;
    for (const TrackPrim& p : track_frames_[r.item].prims) {
      const ImVec2 a(x + p.x0, ty + p.y0), b(x + std::max(p.x1, p.x0 + 1), ty + p.y1);
      if (p.shape == TrackPrim::Line)
        dl->AddLine(ImVec2(x + p.x0, ty + p.y0), ImVec2(x + p.x1, ty + p.y1), p.color);
      else if (p.shape == TrackPrim::Outline)
        dl->AddRect(a, b, p.color, 0, 0, 2);
      else
        dl->AddRectFilled(a, b, p.color);
      if (p.count > 1 && b.x - a.x > 30 && b.y - a.y >= fh) {
        std::string n = std::to_string(p.count);
        elided_text(dl, std::max(a.x, x), std::min(b.x, x + w), a.y + (b.y - a.y - fh) / 2,
                    IM_COL32(230, 230, 230, 255), n);
      }
    }
  }
}

void TimelinePanel::draw_flow(const ViewState& vs, float x, float y, float w) {
  if (vs.selected == kNone || vs.selected >= run_->slices.size()) return;
  // The launch -> kernel link of the selection, in either direction.
  const GpuOps& g = run_->gpu;
  uint32_t kernel = kNone, launch = kNone;
  auto row = std::lower_bound(g.slice.begin(), g.slice.end(), vs.selected);
  if (row != g.slice.end() && *row == vs.selected) {
    kernel = vs.selected;
    launch = g.launch_slice[static_cast<size_t>(row - g.slice.begin())];
  } else {
    for (size_t i = 0; i < g.size(); ++i)
      if (g.launch_slice[i] == vs.selected) {
        kernel = g.slice[i];
        launch = vs.selected;
        break;
      }
  }
  if (kernel == kNone || launch == kNone) return;
  auto anchor = [&](uint32_t s, ImVec2& out) {
    const Slices& sl = run_->slices;
    uint32_t lane = index_.first_lane_of_track[sl.track[s]] + sl.lane[s];
    for (const TimelineRow& r : rows_)
      if (r.kind == RowKind::Lane && r.lane_index == lane) {
        out = ImVec2(x + static_cast<float>(vs.view.x_of(sl.start[s], w)),
                     y + r.y - vs.scroll_y + metrics_.lane_pad / 2 +
                         (static_cast<float>(sl.depth[s]) + 0.5f) * metrics_.depth_h);
        return true;
      }
    return false;
  };
  ImVec2 a, b;
  if (!anchor(launch, a) || !anchor(kernel, b)) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  float dy = (b.y - a.y) * 0.5f;
  dl->AddBezierCubic(a, ImVec2(a.x, a.y + dy), ImVec2(b.x, b.y - dy), b, IM_COL32(255, 200, 60, 255), 2);
  float dir = b.y >= a.y ? -1.0f : 1.0f;
  dl->AddTriangleFilled(b, ImVec2(b.x - 5, b.y + dir * 9), ImVec2(b.x + 5, b.y + dir * 9),
                        IM_COL32(255, 200, 60, 255));
}

std::string TimelinePanel::geometry(const ViewState& vs) const {
  std::string out = fmt::format(
      "timeline-geometry: lanes {:.0f} {:.0f} {:.0f} {:.0f} ruler {:.0f}\nselected-rect: ", geo_[0], geo_[1],
      geo_[2], geo_[3], geo_[4]);
  for (const FrameRect& fr : frame_.rects)
    if (fr.selected && fr.slice == vs.selected) {
      const float y0 = geo_[1] + fr.y0 - vs.scroll_y, y1 = geo_[1] + fr.y1 - vs.scroll_y;
      if (y1 < geo_[1] || y0 > geo_[1] + geo_[3]) break;
      return out + fmt::format("{:.0f} {:.0f} {:.0f} {:.0f}\n", geo_[0] + fr.x0, y0, geo_[0] + fr.x1, y1);
    }
  return out + "-\n";
}

float TimelinePanel::legend_height(float w) const {
  std::vector<float> tw;
  for (const std::string& c : colors_.legend()) tw.push_back(ImGui::CalcTextSize(c.c_str()).x);
  int rows = 0;
  layout_legend(tw, w, &rows);
  return static_cast<float>(rows) * kLegendH;
}

void TimelinePanel::draw_legend(float x, float y, float w) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const auto& names = colors_.legend();
  std::vector<float> tw;
  for (const std::string& c : names) tw.push_back(ImGui::CalcTextSize(c.c_str()).x);
  const std::vector<LegendSlot> slots = layout_legend(tw, w, nullptr);
  for (size_t i = 0; i < names.size(); ++i) {
    const float cx = x + slots[i].x, cy = y + static_cast<float>(slots[i].row) * kLegendH;
    dl->AddRectFilled(ImVec2(cx, cy + 5), ImVec2(cx + 12, cy + 17), category_color(names[i]));
    dl->AddText(ImVec2(cx + 16, cy + 3), IM_COL32(210, 210, 215, 255), names[i].c_str());
  }
}

void TimelinePanel::tooltip(const std::string& text) {
  last_tooltip_ = text;
  ImGui::SetTooltip("%s", text.c_str());
}

void TimelinePanel::reveal(ViewState& vs, float lanes_h) {
  if (vs.reveal == kNone || vs.reveal >= run_->slices.size()) return;
  const Track& t = run_->tracks[run_->slices.track[vs.reveal]];
  // Open what hides its lane; the rows are laid out again on the next frame.
  bool opened = vs.visibility.collapsed_ranks.erase(static_cast<uint32_t>(t.rank)) > 0;
  opened |= vs.visibility.collapsed_processes.erase({static_cast<uint32_t>(t.rank), t.pid}) > 0;
  opened |= vs.visibility.collapsed_groups.erase("trace") > 0;
  if (opened) {
    vs.request_redraw = true;
    return;
  }
  if (auto y = reveal_scroll(*run_, index_, rows_, vs.reveal, metrics_, vs.scroll_y, lanes_h))
    vs.scroll_y = *y;
  vs.reveal = kNone;
}

void TimelinePanel::draw(ViewState& vs, float dt) {
  if (!run_) return;
  vs.view.step(dt);
  metrics_.depth_h = ImGui::GetFontSize() + 4;  // follows the font (DPI scaling)
  metrics_.header_h = ImGui::GetFontSize() + 6;
  ImVec2 origin = ImGui::GetCursorScreenPos();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const float legend_h = legend_height(std::max(avail.x - gutter_w_, 50.0f));
  last_tooltip_.clear();
  const float lanes_x = origin.x + gutter_w_, lanes_w = std::max(avail.x - gutter_w_, 50.0f);
  const float ruler_y = origin.y + legend_h, lanes_y = ruler_y + kRulerH;
  const float lanes_h = std::max(avail.y - legend_h - kRulerH, 20.0f);

  rows_.clear();
  float y = 0;
  for (const TrackGroup& g : top_groups_) append_group(g, vs, y);
  bool trace_open = true;
  if (!tracks_.empty() && !run_->tracks.empty() && !snap_.session->sources.empty()) {
    const SessionSource& src = snap_.session->sources.front();
    TimelineRow h;
    h.kind = RowKind::Group;
    h.group = "trace";
    h.label = fmt::format("Trace · {}{}", src.name, src.absolute ? "" : " · " + src.alignment);
    trace_open = !vs.visibility.collapsed_groups.count("trace");
    h.collapsed = !trace_open;
    h.y = y;
    h.height = metrics_.header_h;
    y += h.height;
    rows_.push_back(std::move(h));
  }
  if (trace_open) {
    for (TimelineRow& r : layout_rows(*run_, index_, vs.visibility, metrics_)) {
      r.y += y;
      rows_.push_back(std::move(r));
    }
    if (!rows_.empty()) y = rows_.back().y + rows_.back().height;
  }
  for (const TrackGroup& g : bottom_groups_) append_group(g, vs, y);
  content_h_ = y;
  geo_[0] = lanes_x, geo_[1] = lanes_y, geo_[2] = lanes_w, geo_[3] = lanes_h, geo_[4] = ruler_y;
  reveal(vs, lanes_h);
  handle_input(vs, lanes_x, lanes_w, ruler_y, lanes_y, lanes_h);
  for (size_t t = 0; t < tracks_.size(); ++t) track_frames_[t].clear();
  for (const TimelineRow& r : rows_) {
    if (r.kind != RowKind::Track) continue;
    if (r.y + r.height < vs.scroll_y || r.y > vs.scroll_y + lanes_h) continue;
    TrackInput& ti = track_inputs_[r.item];
    ti.view = vs.view.current();
    ti.width = lanes_w;
    ti.y0 = std::max(0.0f, vs.scroll_y - r.y - 1);
    ti.y1 = vs.scroll_y + lanes_h - r.y - 1;
    ti.selected = vs.pick;
    tracks_[r.item]->layout(ti, track_frames_[r.item]);
  }

  FrameInput in;
  in.view = vs.view.current();
  in.width = lanes_w;
  in.scroll_y = vs.scroll_y;
  in.height = lanes_h;
  in.depth_h = metrics_.depth_h;
  in.lane_pad = metrics_.lane_pad;
  in.selected = vs.selected;
  in.highlighted = vs.highlighted.empty() ? nullptr : &vs.highlighted;
  build_frame(*run_, index_, rows_, colors_, in, frame_);

  if (legend_h > 0) draw_legend(origin.x + gutter_w_, origin.y, lanes_w);
  draw_ruler(vs, lanes_x, ruler_y, lanes_w);
  if (!vs.visibility.hidden_tracks.empty()) {  // a way back for hidden tracks, above the gutter
    ImGui::SetCursorScreenPos(ImVec2(origin.x + 4, ruler_y + 2));
    std::string label = "show " + std::to_string(vs.visibility.hidden_tracks.size()) + " hidden";
    if (ImGui::SmallButton(label.c_str())) vs.visibility.hidden_tracks.clear();
  }
  draw_lanes(vs, lanes_x, lanes_y, lanes_w, lanes_h);
  draw_gutter(vs, origin.x, lanes_y, lanes_h);
  ImGui::SetCursorScreenPos(ImVec2(origin.x, lanes_y + lanes_h));
  ImGui::Dummy(ImVec2(1, 1));
}

}  // namespace hp
