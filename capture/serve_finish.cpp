#include "capture/serve_finish.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "capture/dcgm_scraper.h"
#include "capture/prometheus_api.h"
#include "core/import/registry.h"
#include "core/store/run_file.h"
#include "core/store/serving_store.h"

namespace hp::capture {

void remove_run_file(const std::string& p) {
  std::error_code ec;
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(p + s, ec);
}

void write_start_meta(ServingSink& w, const ServeOpts& o, const ReplayOptions& ro,
                      const serving::Traffic& traffic, const std::string& engine, int64_t warmup,
                      int64_t num_requests) {
  w.set_meta("kind", o.watch ? "attach --watch" : "serve-profile");
  w.set_meta("endpoint", ro.base_url);
  w.set_meta("api_path", ro.endpoint);
  w.set_meta("model", ro.model);
  w.set_meta("engine", engine);
  if (!o.watch) {
    w.set_meta("traffic", o.traffic);
    w.set_meta("traffic_format", traffic.format);
    if (traffic.format == "sharegpt")
      w.set_meta("sharegpt_turns", o.whole_conversations ? "whole conversations" : "first human turn");
    w.set_meta("traffic_requests", std::to_string(traffic.requests.size()));
    w.set_meta("traffic_skipped", std::to_string(traffic.issues.size()));
    const serving::ArrivalOptions& a = ro.arrival;
    static const char* kKinds[] = {"closed-loop", "poisson", "gamma", "trace"};
    w.set_meta("arrival", kKinds[static_cast<int>(a.kind)]);
    w.set_meta("concurrency", std::to_string(a.concurrency));
    w.set_meta("rate", fmt::format("{}", o.rate));
    w.set_meta("burstiness", fmt::format("{}", a.burstiness));
    w.set_meta("duration_s", fmt::format("{}", o.duration));
    w.set_meta("num_requests", std::to_string(num_requests));
    w.set_meta("warmup", std::to_string(warmup));
  }
  w.set_meta("seed", std::to_string(o.seed));
  w.set_meta("clock", "CLOCK_REALTIME epoch ns; intervals from CLOCK_MONOTONIC with one offset");
  w.set_meta("hotpath_version", HOTPATH_VERSION);
  w.set_meta("api_key_sent", ro.api_key.empty() ? "no" : "yes (from $" + o.api_key_env + ", not stored)");
}

std::string with_selector(const std::string& query, const std::string& selector) {
  std::string sel = selector;
  while (!sel.empty() && (sel.front() == '{' || sel.front() == ' ')) sel.erase(0, 1);
  while (!sel.empty() && (sel.back() == '}' || sel.back() == ' ')) sel.pop_back();
  if (sel.empty() || query.empty() || query.back() != '}') return query;
  return query.substr(0, query.size() - 1) + "," + sel + "}";
}

FleetRead read_fleet(ServingSink& w, const ServeOpts& o, const std::string& engine, int64_t start_ns,
                     int64_t end_ns) {
  FleetRead r;
  const double step = std::max(1.0, 1.0 / o.scrape_hz);
  for (const auto& name : canonical_series_names(engine)) {
    std::vector<serving::MetricSeries> series;
    RangeQuery q{o.prometheus, with_selector(name_selector(name), o.prometheus_selector), start_ns, end_ns,
                 step};
    if (!query_range(q, &series, &r.error)) return r;
    // Marked as a fleet read, so that reports and exports tell it from the endpoint's own scrape.
    for (const auto& s : series) {
      w.add_samples(s.key, s.samples, false, "prometheus");
      r.series.insert(serving::format_series(s.key));
    }
  }
  // The fleet's GPUs as dcgm-exporter exports them, onto the same per-GPU tracks as NVML's.
  for (const char* sel : {"{__name__=~\"DCGM_FI_DEV_(SM_CLOCK|MEM_CLOCK|POWER_USAGE|GPU_TEMP|GPU_UTIL|MEM_"
                          "COPY_UTIL|FB_USED|CLOCK_THROTTLE_REASONS|CLOCKS_EVENT_REASONS)\"}",
                          "{__name__=~\"DCGM_FI_PROF_.*\"}"}) {
    std::vector<serving::MetricSeries> series;
    RangeQuery q{o.prometheus, with_selector(sel, o.prometheus_selector), start_ns, end_ns, step};
    if (!query_range(q, &series, &r.error)) return r;
    for (const auto& s : dcgm_tracks(series)) {
      w.add_samples(s.key, s.samples, false, "dcgm");
      r.dcgm_series.insert(serving::format_series(s.key));
    }
  }
  return r;
}

std::shared_ptr<const Run> import_traces(const std::map<std::filesystem::path, std::string>& traces) {
  std::vector<std::filesystem::path> paths;
  std::map<std::string, std::string> stages;
  for (const auto& [t, s] : traces) {
    paths.push_back(t);
    if (!s.empty()) stages[t.string()] = s;
  }
  LoadProgress lp;
  register_builtin_importers();
  auto run = load_inputs(paths, lp, stages);
  for (auto& src : run->sources) {
    auto it = traces.find(src.path);
    if (it != traces.end() && !it->second.empty()) src.stage = it->second;
  }
  return run;
}

void save_traces_into(const std::string& out, const Run& run) {
  std::string tmp = out + ".trace-tmp";
  remove_run_file(tmp);
  save_run(run, tmp);
  copy_serving_tables(out, tmp);
  remove_run_file(out);
  std::filesystem::rename(tmp, out);
}

}  // namespace hp::capture
