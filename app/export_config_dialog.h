#pragma once
// File > Export config...: the deployment configs of `hotpath disagg-config` written from the window.
// The dialog's state is a plain model (defaults, validation, writing) tested without a display; the
// ImGui modal around it is thin. P:D defaults to the What-if panel's slider when that panel has been
// shown, else to the analytic advice for the session (the best split's maximum rate, monolithic unless a
// split beats it by more than 5%, as `hotpath disagg` decides).
#include <array>
#include <string>
#include <vector>

#include "core/disagg/deploy_plan.h"
#include "core/session/session.h"

namespace hp {

inline constexpr std::array<const char*, 5> kExportTargets{"vllm", "sglang", "dynamo", "llm-d", "trtllm"};

struct ExportConfigDialog {
  bool open = false;  // the modal is (to be) shown
  std::array<bool, kExportTargets.size()> targets{true, true, true, true, true};
  int prefill = 0, decode = 1, tp = 1;  // instances (prefill 0: monolithic with `decode` instances)
  std::string pd_from;                  // where P:D came from, shown beside it
  std::string model = disagg::DeployPlan{}.model;
  std::string out_dir;
  std::vector<std::string> basis;    // comment lines heading every file
  std::vector<std::string> written;  // after Write: the paths
  std::string error;                 // after Write: what was wrong
};

// The What-if panel's chosen layout (instances), when it has one.
struct WhatIfChoice {
  int prefill = 0, decode = 0, tp = 1;
  bool valid() const { return decode > 0; }
};

// Defaults for `s` (may be null: no run open); `out_dir` is where files go unless the user changes it.
ExportConfigDialog export_config_dialog(const Session* s, const WhatIfChoice& choice,
                                        const std::string& out_dir);
// The plan the dialog describes (targets aside).
disagg::DeployPlan export_plan(const ExportConfigDialog& d);
// Validates and writes every chosen target's files (app/disagg_run.h save_config_files): fills `written`,
// or `error` when nothing could be written. Returns true on success.
bool write_export_config(ExportConfigDialog& d);
// The modal (opens itself when d.open is set); call every frame.
void draw_export_config_dialog(ExportConfigDialog& d);

}  // namespace hp
