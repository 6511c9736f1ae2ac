#pragma once
// Loading for CLI commands: runs the load on a worker thread and draws a progress bar on stderr
// (only when stderr is a terminal and the load takes long enough to need one).
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/analysis/kernel_category.h"
#include "core/model/run.h"
#include "core/serving/metric_map.h"
#include "core/session/session.h"

namespace hp {

// Null after printing "hotpath: <file>: byte N: <what>" to stderr.
std::shared_ptr<const Run> load_for_cli(const std::vector<std::string>& inputs);
// The whole Session (trace and serving tables), likewise.
std::shared_ptr<const Session> load_session_for_cli(const std::vector<std::string>& inputs);

// The built-in kernel categories (core/util/assets.h) with the rules of `user_rules` (a --rules
// file; "" = none) tried first, or null after printing why not ("hotpath: <file>: byte N: <what>").
std::unique_ptr<KernelCategorizer> load_cli_categorizer(const std::string& user_rules = "");

// assets/metric_map.json (core/util/assets.h); empty after a warning on stderr when it cannot be read,
// so that only canonical metric names are read.
serving::MetricMap load_cli_metric_map();

}  // namespace hp
