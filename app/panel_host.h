#pragma once
// The workbench's panels: one instance of each registry entry (app/panel_registry.h), the state
// they share (PanelServices) and the snapshot they show. The workbench draws them by key.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/analysis/fuse_catalog.h"
#include "core/analysis/kernel_category.h"
#include "core/model/import_log.h"
#include "core/serving/metric_map.h"
#include "views/panel.h"

namespace hp {

// What panels share besides the snapshot. Owned by the PanelHost; summary and import_log point at
// the workbench's own text and log.
struct PanelServices {
  ViewState vs;
  std::optional<KernelCategorizer> categorizer;
  std::optional<FuseCatalog> fuses;
  std::string categorizer_error;  // why the built-in rules did not load (shown by Kernels and Triage)
  serving::MetricMap metric_map;  // exposed series -> canonical concepts (empty if the asset is missing)
  std::string slo;                // "ttft=200,tpot=50" (--slo, edited in the Latency panel); checked
  std::function<void()> wake;     // called from a panel's worker thread when its model is ready
  const std::string* summary = nullptr;
  const ImportLog* import_log = nullptr;
  // The What-if panel's chosen layout in instances (File > Export config... defaults to it); decode 0: none.
  int whatif_prefill = 0, whatif_decode = 0, whatif_tp = 1;
  std::string categorize(std::string_view kernel) const;
};

class PanelHost {
 public:
  PanelHost(const std::string* summary, const ImportLog* import_log);
  void set_snapshot(const Snapshot& snap, bool same_document = false);
  const Snapshot& snapshot() const { return snap_; }
  Panel* find(std::string_view key) const;
  const std::vector<std::unique_ptr<Panel>>& panels() const { return panels_; }
  bool wants_frames() const;
  bool busy() const;  // some panel computes its model in the background
  void set_wake(std::function<void()> wake) { services_.wake = std::move(wake); }
  ViewState& state() { return services_.vs; }
  const ViewState& state() const { return services_.vs; }
  const PanelServices& services() const { return services_; }
  // Replaces the built-in categorizer (e.g. one with --rules); null keeps the current one.
  void set_slo(const std::string& slo) { services_.slo = slo; }
  void use_categorizer(std::unique_ptr<KernelCategorizer> c);
  // "timeline: rects=N folded=M kernel_colours=K" and the serving tracks, for tests and bug reports.
  std::string frame_summary() const;
  // The shared view state and every panel's dump_state(), one "key: value" per line.
  std::string state_lines() const;

 private:
  PanelServices services_;
  std::vector<std::unique_ptr<Panel>> panels_;
  Snapshot snap_;
};

}  // namespace hp
