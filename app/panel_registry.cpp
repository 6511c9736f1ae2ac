#include "app/panel_registry.h"

#include <imgui.h>

#include <algorithm>
#include <optional>

#include "app/background_model.h"
#include "app/panel_host.h"
#include "core/analysis/gpu_activity.h"
#include "core/analysis/rank_skew.h"
#include "core/analysis/triage.h"
#include "core/session/range_serving.h"
#include "core/session/request_latency.h"
#include "core/util/time_format.h"
#include "views/details_panel.h"
#include "views/experts_panel.h"
#include "views/flame_panel.h"
#include "views/import_log_panel.h"
#include "views/kernels_panel.h"
#include "views/kv_panel.h"
#include "views/latency_panel.h"
#include "views/load_panel.h"
#include "views/phases_panel.h"
#include "views/range_chip.h"
#include "views/ranks_panel.h"
#include "views/requests_panel.h"
#include "views/rollouts_panel.h"
#include "views/search_bar.h"
#include "views/summary_panel.h"
#include "views/timeline/requests_track.h"
#include "views/timeline/series_track.h"
#include "views/timeline/timeline_panel.h"
#include "views/triage_panel.h"
#include "views/whatif_panel.h"

namespace hp {
namespace {

void warn(const std::string& text) {
  ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "%s", text.c_str());
}

// The main area: search bar, timeline (trace lanes and serving tracks) and the details pane.
class TimelineMain : public Panel {
 public:
  TimelineMain(PanelServices& s, const PanelEntry& e) : Panel(e.key, e.title), s_(s) {}
  void on_session(const Snapshot& snap, bool same_document) override {
    const bool new_run = run_ != snap.session->run;
    snap_ = snap;
    run_ = snap.session->run;
    CategoryFn cat = [this](std::string_view n) { return s_.categorize(n); };
    timeline_.set_session(snap_, s_.vs, cat, same_document);
    if (new_run) {
      details_.set_run(run_, &snap_.derived->stages);
      timeline_.set_stage_bands(stage_bands(snap_.derived->stages));
    }
    if (!same_document || new_run) {
      s_.vs.highlighted.clear();
      s_.vs.search.clear();
    }
  }
  void draw(PanelContext& ctx) override {
    if (!run_) return;
    ViewState& vs = ctx.vs;
    vs.request_redraw = false;
    draw_search_bar(*run_, vs, search_);
    ImVec2 avail = ImGui::GetContentRegionAvail();
    const float details_w = std::clamp(380.0f, 200.0f, std::max(200.0f, avail.x * 0.5f));
    ImGui::BeginChild("##timeline", ImVec2(avail.x - details_w - 6, 0), false,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    timeline_.draw(vs, ctx.dt);
    ImGui::EndChild();
    ImGui::SameLine(0, 6);
    ImGui::BeginChild("##details", ImVec2(0, 0), true);
    if (vs.pick.kind != PickKind::None) {
      draw_pick(vs);
    } else {
      // The serving section first: the trace's range table takes the rest of the pane.
      if (vs.range && snap_.session->has_serving()) draw_serving_range(*vs.range);
      if (run_->slices.size() || !vs.range) details_.draw(vs);
    }
    ImGui::EndChild();
  }
  bool wants_frames() const override {
    return run_ && (s_.vs.view.animating() || s_.vs.request_redraw || s_.vs.reveal != kNone);
  }
  std::string dump_state() const override {
    if (!run_) return {};
    const char* front[] = {"hint", "slice", "range"};
    std::string out = "details: front=" + std::string(front[static_cast<int>(details_.front())]) +
                      " scroll=" + std::to_string(static_cast<int>(details_.scroll_y())) + "\n";
    const SliceAttribution& a = details_.attribution();
    if (s_.vs.selected != kNone) {
      out += "details-site: " + a.site + "\n";
      for (const std::string& f : a.python_stack) out += "details-stack: " + f + "\n";
    }
    out += timeline_.geometry(s_.vs);
    out +=
        "tooltip: " + (timeline_.last_tooltip().empty() ? std::string("-") : timeline_.last_tooltip()) + "\n";
    return out;
  }
  std::string frame_summary() const {
    if (!run_) return "timeline: no run";
    const TimelineFrame& f = timeline_.last_frame();
    std::vector<Color> colours;
    for (const FrameRect& r : f.rects)
      if (r.count == 1 && run_->slices.kind[r.slice] == SliceKind::Kernel) colours.push_back(r.fill);
    std::sort(colours.begin(), colours.end());
    colours.erase(std::unique(colours.begin(), colours.end()), colours.end());
    std::string out = "timeline: rects=" + std::to_string(f.rects.size()) +
                      " folded=" + std::to_string(f.folded_slices) +
                      " kernel_colours=" + std::to_string(colours.size());
    if (timeline_.track_count()) out += "\n" + timeline_.tracks_summary();
    return out;
  }

 private:
  // Requests and series within the ruler's range, below the trace's range statistics.
  void draw_serving_range(TimeWindow w) {
    if (w != cached_range_) {
      range_ = range_serving(*snap_.session, w.t0, w.t1);
      cached_range_ = w;
    }
    const Session& s = *snap_.session;
    ImGui::TextDisabled("Serving in the range");
    ImGui::Text("%zu requests started (%zu failed)", range_.requests, range_.failed);
    if (range_.requests)
      ImGui::Text("TTFT mean %s  p50 %s  p99 %s   E2E p50 %s  p99 %s",
                  format_duration(range_.ttft_mean).c_str(), format_duration(range_.ttft_p50).c_str(),
                  format_duration(range_.ttft_p99).c_str(), format_duration(range_.e2e_p50).c_str(),
                  format_duration(range_.e2e_p99).c_str());
    if (range_.series.empty() ||
        !ImGui::BeginTable("##range_series", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_Resizable))
      return;
    ImGui::TableSetupColumn("series", ImGuiTableColumnFlags_WidthStretch);
    for (const char* h : {"n", "mean", "p50", "p99"})
      ImGui::TableSetupColumn(h, ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableHeadersRow();
    for (const auto& row : range_.series) {
      const auto& info = s.series.info[row.series];
      std::string_view name = s.str(info.name);
      if (name.size() > 7 && name.substr(name.size() - 7) == "_bucket") continue;  // as on the timeline
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(std::string(s.str(info.name)).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%zu", row.count);
      for (double v : {row.mean, row.p50, row.p99}) {
        ImGui::TableNextColumn();
        ImGui::Text("%.4g", v);
      }
    }
    ImGui::EndTable();
    ImGui::Separator();
  }

  void draw_pick(ViewState& vs) {  // details of a selected request, engine iteration or series sample
    const Session& s = *snap_.session;
    if (vs.pick.kind == PickKind::Request) {
      for (const std::string& line : request_details(s, vs.pick.row)) ImGui::TextWrapped("%s", line.c_str());
      if (ImGui::SmallButton("Zoom to request")) {
        const Ns a = s.requests.start_of(vs.pick.row), b = s.requests.end_of(vs.pick.row);
        const Ns pad = std::max<Ns>((b - a) / 10, 1000);
        vs.view.zoom_to({a - pad, b + pad});
      }
    } else if (vs.pick.kind == PickKind::Iteration && vs.pick.row < s.iterations.size()) {
      const IterationTable& it = s.iterations;
      const uint32_t i = vs.pick.row;
      ImGui::Text("Engine iteration (%s)", to_string(it.kind[i]));
      ImGui::TextDisabled("%s", std::string(s.str(it.replica[i])).c_str());
      ImGui::Text("duration %s", it.dur[i] ? format_duration(it.dur[i], 3).c_str() : "not logged");
      ImGui::Text("context: %u requests, %u tokens", it.ctx_reqs[i], it.ctx_tokens[i]);
      ImGui::Text("generation: %u requests, %u tokens", it.gen_reqs[i], it.gen_tokens[i]);
    } else if (vs.pick.kind == PickKind::Sample && vs.pick.series < s.series.size()) {
      const auto& info = s.series.info[vs.pick.series];
      ImGui::TextWrapped("%s{%s}", std::string(s.str(info.name)).c_str(),
                         std::string(s.str(info.labels)).c_str());
      ImGui::Text("%s %s (%s, %s)", format_value(s.series.value[vs.pick.row], "").c_str(),
                  std::string(s.str(info.unit)).c_str(), to_string(info.kind), to_string(info.origin));
      ImGui::TextDisabled("at %s",
                          format_duration(s.series.ts[vs.pick.row] - vs.view.extent().t0, 3).c_str());
    }
    ImGui::Spacing();
    if (ImGui::SmallButton("Clear selection (Esc)")) vs.pick = {};
  }
  PanelServices& s_;
  Snapshot snap_;
  std::shared_ptr<const Run> run_;
  TimelinePanel timeline_;
  DetailsPanel details_;
  SearchBarState search_;
  TimeWindow cached_range_{0, 0};
  RangeServing range_;
};

class Summary : public Panel {
 public:
  Summary(PanelServices& s, const PanelEntry& e) : Panel(e.key, e.title), s_(s) {}
  void on_session(const Snapshot&, bool) override {}
  void draw(PanelContext&) override { draw_summary_panel(*s_.summary, state_); }

 private:
  PanelServices& s_;
  SummaryPanelState state_;
};

class Flame : public Panel {
 public:
  Flame(PanelServices&, const PanelEntry& e) : Panel(e.key, e.title) {}
  void on_session(const Snapshot& snap, bool) override {
    if (run_ != snap.session->run) flame_.set_run(run_ = snap.session->run);
  }
  void draw(PanelContext& ctx) override {
    if (run_) flame_.draw(ctx.vs);
  }

 private:
  std::shared_ptr<const Run> run_;
  FlamePanel flame_;
};

class Kernels : public Panel {
 public:
  Kernels(PanelServices& s, const PanelEntry& e) : Panel(e.key, e.title), s_(s) {}
  void on_session(const Snapshot& snap, bool) override {
    if (run_ == snap.session->run) return;
    run_ = snap.session->run;
    kernels_.set_run(
        run_, [this](std::string_view n) { return s_.categorize(n); }, snap.derived->stages);
  }
  void draw(PanelContext& ctx) override {
    if (!s_.categorizer_error.empty()) warn(s_.categorizer_error);
    if (run_) kernels_.draw(ctx.vs);
  }
  std::string dump_state() const override {
    if (!run_) return {};
    const KernelTotals& t = kernels_.totals();
    return "kernels: " + std::to_string(t.kernels) + " kernels " + std::to_string(t.launches) +
           " launches busy " + std::to_string(t.busy_time) + " rows " +
           std::to_string(kernels_.shown_rows().size()) + " row0_y " +
           std::to_string(static_cast<int>(kernels_.first_row_y())) + "\n";
  }

 private:
  PanelServices& s_;
  std::shared_ptr<const Run> run_;
  KernelsPanel kernels_;
};

// Triage and Ranks compute their tables the first time they are shown.
class TriageTab : public Panel {
 public:
  TriageTab(PanelServices& s, const PanelEntry& e) : Panel(e.key, e.title), s_(s) {}
  void on_session(const Snapshot& snap, bool) override {
    if (run_ != snap.session->run) ready_ = false;
    run_ = snap.session->run;
  }
  void draw(PanelContext& ctx) override {
    if (!run_) return;
    if (!s_.categorizer || !s_.fuses) return warn(s_.categorizer_error);
    if (!ready_) {
      triage_.set(run_, std::make_shared<const Triage>(triage(*run_, *s_.categorizer, *s_.fuses)));
      ready_ = true;
    }
    triage_.draw(ctx.vs);
  }

 private:
  PanelServices& s_;
  std::shared_ptr<const Run> run_;
  TriagePanel triage_;
  bool ready_ = false;
};

class Ranks : public Panel {
 public:
  Ranks(PanelServices& s, const PanelEntry& e) : Panel(e.key, e.title), s_(s) {}
  void on_session(const Snapshot& snap, bool) override {
    if (run_ != snap.session->run) skew_.reset();
    run_ = snap.session->run;
  }
  void draw(PanelContext&) override {
    if (!run_ || !s_.categorizer) return;
    if (!skew_) {
      CategoryCache cache(*run_, *s_.categorizer);
      skew_ = rank_skew(gpu_activity(*run_, cache));
    }
    draw_ranks_panel(*skew_);
  }

 private:
  PanelServices& s_;
  std::shared_ptr<const Run> run_;
  std::optional<RankSkew> skew_;
};

// Every request as a filterable, sortable table with the waterfall of the rows on screen.
class RequestsTab : public Panel {
 public:
  RequestsTab(PanelServices&, const PanelEntry& e) : Panel(e.key, e.title) {}
  void on_session(const Snapshot& snap, bool) override { set_session(model_, snap.session); }
  void draw(PanelContext& ctx) override {
    if (!model_.session) return;
    draw_range_chip(ctx.vs);
    std::optional<std::pair<Ns, Ns>> range;
    if (ctx.vs.range) range = std::make_pair(ctx.vs.range->t0, ctx.vs.range->t1);
    set_filter(model_, model_.filter_text, range);
    draw_requests_panel(model_, state_, ctx.vs);
  }
  std::string dump_state() const override {
    return "requests: rows " + std::to_string(model_.rows.size()) + " sort " + field_name(model_.sort) +
           (model_.descending ? " desc" : " asc") + " visible " + std::to_string(state_.first_visible) +
           ".." + std::to_string(state_.last_visible) + " filter_at " +
           std::to_string(static_cast<int>(state_.filter_x)) + " " +
           std::to_string(static_cast<int>(state_.filter_y)) + " row0_y " +
           std::to_string(static_cast<int>(state_.row0_y)) + " error " +
           (model_.filter_error.empty() ? std::string("-") : model_.filter_error) + "\n";
  }

 private:
  RequestsModel model_;
  RequestsPanelState state_;
};

// A panel whose model is computed from the session over the ruler's range (all of it when none), again
// when the range or the session changes or the panel asks (invalidate()); the range chip sits above it.
// The model is computed on a worker thread (app/background_model.h): the last one stays on screen
// meanwhile, and a live snapshot of the same document keeps it until the new one is ready.
template <class Model>
class RangeTab : public Panel {
 public:
  RangeTab(PanelServices& s, const PanelEntry& e) : Panel(e.key, e.title), s_(s) {}
  void on_session(const Snapshot& snap, bool same_document) override {
    snap_ = snap;
    if (!same_document) bg_.model().reset();
    stale_ = true;
  }
  void draw(PanelContext& ctx) override {
    if (!snap_.session) return;
    drawn_frame_ = ImGui::GetFrameCount();
    draw_range_chip(ctx.vs);
    if (stale_ || ctx.vs.range != range_) {
      range_ = ctx.vs.range;
      stale_ = false;
      bg_.start(job(snap_.session, range_ ? range_->t0 : INT64_MIN, range_ ? range_->t1 : INT64_MAX),
                s_.wake);
    }
    if (bg_.poll()) on_model();
    if (!bg_.error().empty()) warn(bg_.error());
    if (!bg_.model()) {
      ImGui::TextDisabled("Computing...");
      return;
    }
    vs_ = &ctx.vs;
    draw_model(*bg_.model(), range_.has_value());
    vs_ = nullptr;
  }
  // A finished model wants the frame that takes it, if the panel is on screen.
  bool wants_frames() const override { return bg_.ready() && drawn_frame_ >= ImGui::GetFrameCount() - 1; }
  bool busy() const override { return bg_.busy(); }

 protected:
  // What computes the model; it runs on a worker thread, so it captures what it reads by value.
  virtual std::function<Model()> job(std::shared_ptr<const Session> s, Ns begin, Ns end) = 0;
  virtual void draw_model(const Model& m, bool in_range) = 0;
  virtual void on_model() {}
  void invalidate() { stale_ = true; }
  const std::optional<Model>& model() const { return bg_.model(); }
  PanelServices& s_;
  Snapshot snap_;
  ViewState* vs_ = nullptr;  // while draw_model runs: the view a panel may zoom

 private:
  std::optional<TimeWindow> range_;
  bool stale_ = true;
  int drawn_frame_ = -1;
  BackgroundModel<Model> bg_;
};

// Latency distributions of the session's requests, with the SLO of --slo or the panel's box.
class LatencyTab : public RangeTab<LatencyModel> {
 public:
  using RangeTab::RangeTab;
  std::string dump_state() const override {
    if (!model()) return {};
    return "latency: charts " + std::to_string(model()->charts.size()) + " good " +
           std::to_string(model()->good) + "\n";
  }

 private:
  std::function<LatencyModel()> job(std::shared_ptr<const Session> s, Ns a, Ns b) override {
    serving::Slo slo;
    try {
      slo = serving::parse_slo(s_.slo);
    } catch (const std::exception&) {  // checked on the command line and in the box
    }
    const serving::MetricMap* map = &s_.metric_map;  // fixed for the host's lifetime
    return [s, a, b, slo, map] {
      return latency_model(latency_samples(*s, a, b, slo), server_histograms(*s, *map, a, b), slo);
    };
  }
  void on_model() override { state_.views_for = nullptr; }  // zoomed views are per model
  void draw_model(const LatencyModel& m, bool in_range) override {
    if (draw_latency_panel(m, in_range, state_, s_.slo)) invalidate();
  }
  LatencyPanelState state_;
};

// Prefill/decode split and cost curves.
class PhasesTab : public RangeTab<PhasesModel> {
 public:
  using RangeTab::RangeTab;
  std::string dump_state() const override {
    if (!model()) return {};
    const PhaseSplit& p = model()->split;
    return "phases: iterations " + std::to_string(p.iterations) + " prefill_fit_n " +
           std::to_string(p.prefill.fit.n) + " decode_fit_n " + std::to_string(p.decode.fit.n) + "\n";
  }

 private:
  std::function<PhasesModel()> job(std::shared_ptr<const Session> s, Ns a, Ns b) override {
    return [s, derived = snap_.derived, a, b] {
      return phases_model(*s, derived ? &derived->stages : nullptr, a, b);
    };
  }
  void draw_model(const PhasesModel& m, bool in_range) override { draw_phases_panel(m, in_range); }
};

// Server load over time.
class LoadTab : public RangeTab<LoadModel> {
 public:
  using RangeTab::RangeTab;
  std::string dump_state() const override {
    if (!model()) return {};
    std::string out = "load: charts " + std::to_string(model()->charts.size());
    for (const auto& c : model()->charts) out += " " + c.concept_name + "=" + std::to_string(c.lines.size());
    if (!state_.plots.empty()) {  // the first chart's plot rectangle, for input-driven tests
      const plot::Rect& r = state_.plots[0];
      out += " plot " + std::to_string(static_cast<int>(r.x0)) + " " +
             std::to_string(static_cast<int>(r.y0)) + " " + std::to_string(static_cast<int>(r.x1)) + " " +
             std::to_string(static_cast<int>(r.y1));
    }
    return out + "\n";
  }

 private:
  std::function<LoadModel()> job(std::shared_ptr<const Session> s, Ns a, Ns b) override {
    const serving::MetricMap* map = &s_.metric_map;
    return [s, map, a, b] { return load_model(*s, map, a, b); };
  }
  void on_model() override { state_.model = nullptr; }  // the columns' cache; the zoom stays
  void draw_model(const LoadModel& m, bool in_range) override {
    draw_load_panel(m, state_, in_range, &vs_->range);
  }
  LoadPanelState state_;
};

// KV cache: usage heatmap, prefix hit rate, residency and the verdict over the ruler's range.
class KvTab : public RangeTab<KvModel> {
 public:
  using RangeTab::RangeTab;
  std::string dump_state() const override {
    if (!model()) return {};
    return "kv: rows " + std::to_string(model()->rows.size()) + " regime " +
           kv::to_string(model()->verdict.regime) + "\n";
  }

 private:
  std::function<KvModel()> job(std::shared_ptr<const Session> s, Ns a, Ns b) override {
    const serving::MetricMap* map = &s_.metric_map;
    return [s, map, a, b] { return kv_model(*s, map, a, b); };
  }
  void draw_model(const KvModel& m, bool in_range) override { draw_kv_panel(m, in_range); }
};

// MoE expert balance of the session's expert-load inputs; rebuilt when the user changes an option.
class ExpertsTab : public Panel {
 public:
  ExpertsTab(PanelServices&, const PanelEntry& e) : Panel(e.key, e.title) {}
  void on_session(const Snapshot& snap, bool same_document) override {
    session_ = snap.session;
    if (!same_document) opts_ = {};
    model_.reset();
  }
  void draw(PanelContext& ctx) override {
    if (!session_) return;
    // The selected range (session time) in epoch ns: sources with timed passes show only those in it.
    std::optional<std::pair<int64_t, int64_t>> range;
    if (ctx.vs.range)
      range = std::make_pair(ctx.vs.range->t0 + session_->epoch_base_ns,
                             ctx.vs.range->t1 + session_->epoch_base_ns);
    if (range != opts_.range_ns) opts_.range_ns = range, model_.reset();
    if (!model_) model_ = experts_model(session_->experts, opts_);
    if (draw_experts_panel(*model_, opts_)) model_ = experts_model(session_->experts, opts_, &*model_);
  }
  std::string dump_state() const override {
    if (!model_) return {};
    return "experts: " + std::to_string(model_->layers) + "x" + std::to_string(model_->experts) +
           " ranks=" + std::to_string(model_->ranks) + "\n";
  }

 private:
  std::shared_ptr<const Session> session_;
  ExpertsOptions opts_;
  std::optional<ExpertsModel> model_;
};

// RL rollout groups (serve-profile --rollouts N): per-group completion bars, lengths, stragglers.
class RolloutsTab : public Panel {
 public:
  RolloutsTab(PanelServices& s, const PanelEntry& e) : Panel(e.key, e.title), s_(s) {}
  void on_session(const Snapshot& snap, bool) override {
    session_ = snap.session;
    model_.reset();
  }
  void draw(PanelContext&) override {
    if (!session_) return;
    if (!model_) model_ = rollouts_model(*session_, &s_.metric_map);
    draw_rollouts_panel(*model_);
  }
  std::string dump_state() const override {
    if (!model_) return {};
    return "rollouts: n " + std::to_string(model_->n) + " groups " + std::to_string(model_->bars.size()) +
           "\n";
  }

 private:
  PanelServices& s_;
  std::shared_ptr<const Session> session_;
  std::optional<RolloutsModel> model_;
};

// The disaggregation what-if: analytic curves on every slider move, the chosen point simulated on a
// worker thread (the panel asks for frames until it is done).
class WhatIfTab : public Panel {
 public:
  WhatIfTab(PanelServices& s, const PanelEntry& e) : Panel(e.key, e.title), s_(s) {}
  void on_session(const Snapshot& snap, bool same_document) override {
    if (same_document && session_ == snap.session) return;
    session_ = snap.session;
    model_.reset();
  }
  void draw(PanelContext&) override {
    if (!session_) return;
    if (!model_) {
      model_ = whatif_model(*session_);
      state_.started = false;
    }
    draw_whatif_panel(*model_, state_);
    if (model_->ready()) {  // for File > Export config...
      const disagg::Layout l = chosen_layout(*model_);
      s_.whatif_prefill = l.prefill, s_.whatif_decode = l.decode, s_.whatif_tp = model_->spec.tp;
    }
  }
  bool wants_frames() const override { return state_.busy(); }
  bool busy() const override { return state_.busy(); }  // a screenshot shows the simulated point
  std::string dump_state() const override {
    if (!model_) return {};
    return "whatif: splits " + std::to_string(model_->by_split.size()) + " simulated " +
           (state_.sim ? "yes" : "no") + "\n";
  }

 private:
  std::shared_ptr<const Session> session_;
  PanelServices& s_;
  std::optional<WhatIfModel> model_;
  WhatIfPanelState state_;
};

class ImportLogTab : public Panel {
 public:
  ImportLogTab(PanelServices& s, const PanelEntry& e) : Panel(e.key, e.title), s_(s) {}
  void on_session(const Snapshot& snap, bool) override { run_ = snap.session->run; }
  void draw(PanelContext& ctx) override {
    draw_import_log_panel(*s_.import_log, state_);
    if (state_.clicked >= s_.import_log->entries().size()) return;
    const LogEntry& e = s_.import_log->entries()[state_.clicked];
    const uint32_t slice = run_ ? slice_named_by(*run_, e) : kNone;
    if (slice != kNone) {
      ctx.vs.pick = {};
      ctx.vs.select_and_reveal(*run_, slice);
    } else if (e.offset != LogEntry::kNoOffset) {
      // No slice to show: the place in the file, on the clipboard for an editor or `xxd -s`.
      ImGui::SetClipboardText((e.file + ":" + std::to_string(e.offset)).c_str());
    }
  }
  std::string dump_state() const override {
    return "import-log-click: " +
           (state_.selected == SIZE_MAX ? std::string("-") : std::to_string(state_.selected)) + "\n";
  }

 private:
  PanelServices& s_;
  std::shared_ptr<const Run> run_;
  ImportLogPanelState state_;
};

template <class P>
std::unique_ptr<Panel> make(PanelServices& s, const PanelEntry& e) {
  return std::make_unique<P>(s, e);
}

}  // namespace

const std::vector<PanelEntry>& panel_registry() {
  static const std::vector<PanelEntry> kPanels = {
      {"timeline", "Timeline", make<TimelineMain>},
      {"summary", "Summary", make<Summary>},
      {"flame", "Flame", make<Flame>},
      {"kernels", "Kernels", make<Kernels>},
      {"triage", "Triage", make<TriageTab>},
      {"ranks", "Ranks", make<Ranks>},
      {"requests", "Requests", make<RequestsTab>},
      {"latency", "Latency", make<LatencyTab>},
      {"phases", "Prefill/decode", make<PhasesTab>},
      {"load", "Load", make<LoadTab>},
      {"experts", "Experts", make<ExpertsTab>},
      {"kv", "KV", make<KvTab>},
      {"rollouts", "Rollouts", make<RolloutsTab>},
      {"whatif", "What-if", make<WhatIfTab>},
      {"import-log", "Import log", make<ImportLogTab>},
  };
  return kPanels;
}

const PanelEntry* find_panel_entry(std::string_view key) {
  for (const auto& e : panel_registry())
    if (e.key == key) return &e;
  return nullptr;
}

std::string timeline_frame_summary(const Panel* timeline) {
  auto* t = dynamic_cast<const TimelineMain*>(timeline);
  return t ? t->frame_summary() : std::string();
}

}  // namespace hp
