#pragma once
// The disaggregation advisor as `hotpath disagg` and `hotpath disagg-config RUN|SPEC` both run it: a
// run (or server log) fitted into a what-if spec and self-checked, or a spec file taken as written;
// then monolithic and every P:D split evaluated (core/disagg/advise.h).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/disagg/advise.h"
#include "core/disagg/deploy_plan.h"
#include "core/session/session.h"

namespace hp {

struct DisaggArgs {
  std::string input;         // run file, server log, or a what-if spec (.json)
  std::string model_config;  // config.json for KV bytes per token ("" = the HF cache, if found)
  std::string slo;           // "ttft=500,itl=50"
  std::string emit_spec;     // write the spec here ("" = no)
  int gpus = 0, tp = 0;      // 0 = as fitted / as written
  double rate = 0, bandwidth = 0;
  size_t requests = 0;
};

struct DisaggResult {
  disagg::Evaluation ev;
  disagg::SelfCheck check;  // valid only for a run
  std::vector<std::string> warnings;
  std::string model;  // the run's model, as its meta names it ("" for a spec, or when unnamed)
};

// The model the run names (its capture's /v1/models, or its log's startup lines), or "".
std::string run_model(const Session& s);
// Throws std::runtime_error saying what was wrong; a run that fails to load throws too.
DisaggResult run_disagg(const DisaggArgs& a);
// The JSON of `hotpath disagg --format json` (what disagg-config's --basis reads).
nlohmann::json disagg_json(const DisaggResult& r);
// Writes generated config files into `dir` (created; .sh files made executable) and returns their paths,
// as `hotpath disagg-config` and File > Export config... both do. Throws std::runtime_error naming the
// path that could not be written.
std::vector<std::string> save_config_files(const disagg::ConfigFiles& files, const std::string& dir);

}  // namespace hp
