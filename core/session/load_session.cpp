#include "core/session/load_session.h"

#include <fmt/format.h>

#include <chrono>
#include <fstream>

#include "core/experts/balance_log.h"
#include "core/experts/eplb_metrics.h"
#include "core/experts/load_experts.h"
#include "core/experts/placement.h"
#include "core/experts/run_experts.h"
#include "core/import/registry.h"
#include "core/serving/log_run.h"
#include "core/serving/prometheus_text.h"
#include "core/serving/trtllm_stats.h"
#include "core/session/session_builder.h"
#include "core/store/run_file.h"
#include "core/store/serving_store.h"
#include "core/util/input_file.h"

namespace hp {
namespace {

std::string head_of(const std::filesystem::path& p, size_t n) {
  std::ifstream in(p, std::ios::binary);
  std::string head(n, '\0');
  in.read(head.data(), static_cast<std::streamsize>(n));
  head.resize(static_cast<size_t>(in.gcount()));
  return head;
}

bool is_sqlite(std::string_view head) {
  return head.rfind("SQLite format 3", 0) == 0;
}

bool looks_like_prom(const std::filesystem::path& p, std::string_view head) {
  auto ext = p.extension().string();
  if (ext == ".prom" || ext == ".metrics") return true;
  return head.rfind("# HELP ", 0) == 0 || head.rfind("# TYPE ", 0) == 0;
}

Ns mtime_ns(const std::filesystem::path& p) {
  std::error_code ec;
  auto t = std::filesystem::last_write_time(p, ec);
  if (ec) return 0;
  auto sys = std::chrono::file_clock::to_sys(t);
  return std::chrono::duration_cast<std::chrono::nanoseconds>(sys.time_since_epoch()).count();
}

// One scrape: every sample becomes a one-sample series at its own timestamp, else the file's mtime.
ServingData prom_dump(const std::filesystem::path& p) {
  LoadProgress progress;
  InputBuffer text = read_input_file(p, progress);
  serving::Scrape scrape = serving::parse_prometheus_text(text.view());
  if (scrape.samples.empty())
    throw ImportError(p.string(), 0, "no Prometheus samples (expected the text exposition format)");
  const Ns when = mtime_ns(p);
  ServingData d;
  d.meta["prom.file"] = p.filename().string();
  d.meta["prom.bad_lines"] = std::to_string(scrape.bad_lines.size());
  std::map<serving::SeriesKey, size_t> index;
  for (const auto& s : scrape.samples) {
    serving::SeriesKey key{s.name, s.labels};
    auto [it, fresh] = index.emplace(key, d.metrics.size());
    if (fresh) d.metrics.push_back({key, {}});
    d.metrics[it->second].samples.push_back({s.has_timestamp ? s.ts_ns : when, s.value});
  }
  return d;
}

// TensorRT-LLM's /metrics JSON (iteration stats) saved to a file: a .json/.jsonl whose head has its fields.
bool looks_like_trtllm_stats_file(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  return (ext == ".json" || ext == ".jsonl") && serving::looks_like_trtllm_stats(head_of(p, 1 << 14));
}

ServingData trtllm_stats_dump(const std::filesystem::path& p) {
  LoadProgress progress;
  InputBuffer text = read_input_file(p, progress);
  serving::TrtllmStats st;
  try {
    st = serving::parse_trtllm_iteration_stats(text.view());
  } catch (const serving::TrtllmStatsError& e) {
    throw ImportError(p.string(), e.offset, std::string("TensorRT-LLM iteration stats: ") + e.what());
  }
  if (st.series.empty())
    throw ImportError(p.string(), 0,
                      "TensorRT-LLM iteration stats: no usable item (" +
                          (st.first_issue.empty() ? std::string("empty array") : st.first_issue) + ")");
  ServingData d;
  d.meta["engine"] = "trtllm";
  d.meta["trtllm_stats.file"] = p.filename().string();
  d.meta["trtllm_stats.items"] = std::to_string(st.items);
  d.meta["trtllm_stats.skipped"] = std::to_string(st.skipped);
  if (!st.first_issue.empty()) d.meta["trtllm_stats.first_issue"] = st.first_issue;
  if (st.kv_cache_tokens >= 0) d.meta["kv_cache_tokens"] = std::to_string(st.kv_cache_tokens);
  d.metrics = std::move(st.series);
  return d;
}

SourceKind kind_of_run_file(const ServingData& d) {
  if (d.meta.count("log.file")) return SourceKind::Log;
  return SourceKind::Capture;
}

}  // namespace

std::shared_ptr<const Session> session_of(std::shared_ptr<const Run> run, std::string name) {
  SessionBuilder b;
  b.set_run(std::move(run), std::move(name));
  return b.finish();
}

void save_clock_shift(const std::filesystem::path& run_file, const std::string& source, Ns shift_ns) {
  ServingWriter w(run_file);
  w.set_meta("clock.shift_ns." + source, std::to_string(shift_ns));
  w.commit();
}

std::shared_ptr<const Session> load_session(const std::vector<std::filesystem::path>& inputs,
                                            LoadProgress& progress, const ClockShifts& shifts) {
  register_builtin_importers();
  SessionBuilder b;
  std::vector<std::filesystem::path> traces;
  std::shared_ptr<const Run> run_from_file;
  std::string run_name;
  // Logs are added last: their server-only requests stand in for client ones only when no other
  // input measured requests (else the same requests would appear twice).
  std::vector<std::pair<ServingData, std::string>> logs;
  bool client_requests = false;
  auto measured = [](const ServingData& d) {
    return d.request_columns.size() && !d.meta.count("requests.from_log");
  };
  std::vector<experts::PlacementMap> placements;
  std::vector<std::pair<experts::ExpertLoad, std::string>> expert_loads;
  for (const auto& p : inputs) {
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) throw ImportError(p.string(), 0, "no such file or directory");
    if (std::filesystem::is_directory(p, ec) && experts::is_expert_input(p, {})) {
      expert_loads.emplace_back(experts::load_expert_input(p), p.filename().string());
      continue;
    }
    if (std::filesystem::is_directory(p, ec)) {
      traces.push_back(p);
      continue;
    }
    const std::string name = p.filename().string();
    if (p.extension() == ".json" && experts::is_placement_json(head_of(p, 1 << 16))) {
      placements.push_back(experts::read_placement(p));  // applied to the expert inputs below
      continue;
    }
    if (looks_like_trtllm_stats_file(p)) {  // before the trace importers: a JSON array would pass for one
      b.add_serving(trtllm_stats_dump(p), SourceKind::Prometheus, name);
      continue;
    }
    const Importer* imp = ImporterRegistry::instance().find(p);
    if (imp && imp->name == "hotpath-run") {
      std::shared_ptr<const Run> r = open_run(p, &progress);
      ServingData d = read_serving(p, RequestForm::Columns);
      if (r->slices.size() || r->counters.series.size() || r->instants.size()) {
        if (run_from_file)
          throw ImportError(p.string(), 0, "two run files with traces cannot open together; open one");
        run_from_file = std::move(r);
        run_name = name;
      }
      for (const auto& [k, v] : d.meta)
        if (k.rfind("clock.shift_ns.", 0) == 0) b.set_shift(k.substr(15), std::stoll(v));
      client_requests |= measured(d);
      for (auto& e : experts::read_run_expert_dumps(p)) {
        std::string src = name + ": " + e.source;
        expert_loads.emplace_back(std::move(e), std::move(src));
      }
      if (auto e = experts::eplb_from_series(d.metrics, name))
        expert_loads.emplace_back(std::move(*e), name + " (eplb)");
      if (!d.empty()) {
        SourceKind kind = kind_of_run_file(d);
        b.add_serving(std::move(d), kind, name);
      }
      continue;
    }
    if (imp) {
      traces.push_back(p);
      continue;
    }
    const std::string head = head_of(p, 1 << 16);
    // Expert-load files (pickles, .pt/CSV dumps, safetensors); logs with balance lines stay logs below.
    if (experts::is_expert_input(p, head) && !experts::has_balance_lines(head) && !looks_like_prom(p, head)) {
      expert_loads.emplace_back(experts::load_expert_input(p), name);
      continue;
    }
    const std::string text =
        detect_compression(head) == Compression::None ? head : decompress_head(head, 1 << 16);
    // A Prometheus dump first: its metric names ("vllm:...") would pass for a vLLM log's text.
    if (looks_like_prom(p, text)) {
      ServingData d = prom_dump(p);
      if (auto e = experts::eplb_from_series(d.metrics, name))
        expert_loads.emplace_back(std::move(*e), name + " (eplb)");
      b.add_serving(std::move(d), SourceKind::Prometheus, name);
      continue;
    }
    // A server log: an engine's lines in its head, or a *.log name (whose parse error then says why).
    const std::string fname = p.filename().string();
    if (!serving::detect_log_engine(text).empty() || fname.find(".log") != std::string::npos) {
      logs.emplace_back(serving::log_run_from_file(p).data, name);
      if (experts::has_balance_lines(text)) b.add_experts(experts::load_expert_input(p), name + " (balance)");
      continue;
    }
    if (is_sqlite(head)) {
      ServingData d = read_serving(p, RequestForm::Columns);
      if (d.empty()) throw ImportError(p.string(), 0, "SQLite file holds no trace and no serving tables");
      client_requests |= measured(d);
      b.add_serving(std::move(d), SourceKind::Predecessor, name);
      continue;
    }
    throw ImportError(p.string(), 0, "unsupported file type");
  }
  if (placements.size() > 1)
    throw ImportError(placements[1].source, 0, "two placement maps given; open one with the expert inputs");
  for (auto& [load, name] : expert_loads) {
    if (!placements.empty() && load.has_counts() && !load.columns_are_ranks)
      experts::apply_placement(load, placements[0]);  // eplb metrics columns are ranks already
    b.add_experts(std::move(load), std::move(name));
  }
  for (auto& [d, name] : logs) {
    if (client_requests && d.meta.count("requests.from_log")) {
      d.requests.clear();
      d.meta["requests.from_log"] = "not used: another input has the client's requests";
    }
    b.add_serving(std::move(d), SourceKind::Log, name);
  }
  if (!traces.empty()) {
    if (run_from_file)
      throw ImportError(traces.front().string(), 0,
                        "a run file with a trace opens on its own, not with other traces");
    run_from_file = std::shared_ptr<const Run>(load_inputs(traces, progress));
    run_name =
        traces.size() == 1 ? traces.front().filename().string() : fmt::format("{} traces", traces.size());
  }
  if (run_from_file) b.set_run(std::move(run_from_file), run_name);
  for (const auto& [name, ns] : shifts) b.set_shift(name, ns);
  return b.finish();
}

}  // namespace hp
