#include "app/cli_load.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <future>
#include <iostream>

#include "app/async_load.h"
#include "core/analysis/asset_json.h"
#include "core/util/assets.h"

namespace hp {

std::shared_ptr<const Run> load_for_cli(const std::vector<std::string>& inputs) {
  auto s = load_session_for_cli(inputs);
  return s ? s->run : nullptr;
}

std::shared_ptr<const Session> load_session_for_cli(const std::vector<std::string>& inputs) {
  LoadProgress progress;
  std::vector<std::filesystem::path> paths(inputs.begin(), inputs.end());
  auto job = std::async(std::launch::async, [&] { return load_now(paths, progress, false); });
  const bool tty = isatty(STDERR_FILENO);
  bool drew = false;
  auto start = std::chrono::steady_clock::now();
  while (job.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
    if (!tty || std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500)) continue;
    int pct = static_cast<int>(progress.fraction() * 100);
    std::fprintf(stderr, "\rloading [%-40.*s] %3d%%", pct * 40 / 100,
                 "########################################", pct);
    drew = true;
  }
  if (drew) std::fprintf(stderr, "\r%60s\r", "");
  LoadOutcome out = job.get();
  if (!out.run) {
    std::cerr << "hotpath: " << load_error_text(*out.error) << '\n';
    return nullptr;
  }
  return out.snapshot.session;
}

std::unique_ptr<KernelCategorizer> load_cli_categorizer(const std::string& user_rules) {
  std::unique_ptr<KernelCategorizer> c;
  try {
    c = std::make_unique<KernelCategorizer>(KernelCategorizer::load_builtin(assets_dir()));
  } catch (const std::exception& e) {
    std::cerr << "hotpath: " << e.what() << " (set HOTPATH_ASSETS_DIR to the assets directory)\n";
    return nullptr;
  }
  if (user_rules.empty()) return c;
  try {
    c->prepend_user_rules(user_rules);
  } catch (const std::exception& e) {
    std::cerr << "hotpath: --rules " << e.what() << '\n';
    return nullptr;
  }
  return c;
}

serving::MetricMap load_cli_metric_map() {
  std::string err;
  serving::MetricMap map = serving::MetricMap::load((assets_dir() / "metric_map.json").string(), &err);
  if (err.empty()) return map;
  std::cerr << "hotpath: warning: " << err << "; only canonical metric names are read\n";
  return {};
}

}  // namespace hp
