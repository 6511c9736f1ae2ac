#pragma once
// The panels that show a loaded Run (timeline with details, flame, kernels), their shared
// ViewState, and the kernel categorizer they colour and group by.
#include <memory>
#include <optional>
#include <string>

#include "core/analysis/fuse_catalog.h"
#include "core/analysis/kernel_category.h"
#include "core/analysis/rank_skew.h"
#include "core/analysis/triage.h"
#include "views/details_panel.h"
#include "views/flame_panel.h"
#include "views/kernels_panel.h"
#include "views/panel_ids.h"
#include "views/timeline/timeline_panel.h"
#include "views/triage_panel.h"

namespace hp {

class TracePanels {
 public:
  TracePanels();
  void set_run(std::shared_ptr<const Run> run);
  void draw_main(float dt);     // search bar, timeline and the details pane
  bool draw_panel(PanelId id);  // false when `id` is not one of these panels
  bool wants_frames() const;    // animating: keep rendering
  ViewState& state() { return vs_; }
  // Applies --range START:END (ns from the trace start) and --select NAME (first match).
  void apply_view_options(const std::string& range, const std::string& select);
  std::string categorize(std::string_view kernel) const;
  // Replaces the built-in categorizer (e.g. one with --rules); null keeps the current one.
  void use_categorizer(std::unique_ptr<KernelCategorizer> c);
  // "timeline: rects=N folded=M kernel_colours=K" for the last frame (tests and bug reports).
  std::string frame_summary() const;

 private:
  void draw_search_bar();
  static std::vector<StageBand> stage_bands(const Run& run);
  std::shared_ptr<const Run> run_;
  std::optional<KernelCategorizer> categorizer_;
  std::optional<FuseCatalog> fuses_;
  std::optional<RankSkew> ranks_;  // computed when the Ranks panel is first shown
  bool triage_ready_ = false;      // likewise for the Triage panel
  TriagePanel triage_;
  std::string categorizer_error_;
  ViewState vs_;
  TimelinePanel timeline_;
  FlamePanel flame_;
  KernelsPanel kernels_;
  DetailsPanel details_;
  std::string search_error_;
  float details_w_ = 380;
};

}  // namespace hp
