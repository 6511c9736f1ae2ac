#include "core/serving/log_run.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>

#include <fmt/format.h>

#include "core/import/input_file.h"
#include "core/serving/correlate.h"
#include "core/serving/sglang_log.h"
#include "core/serving/trtllm_log.h"
#include "core/serving/vllm_log.h"

namespace hp::serving {

namespace {

// Collects samples per series key, in arrival order; sorted (stable) at the end.
class SeriesSink {
 public:
  void add(const std::string& name, const Labels& labels, int64_t ts, double v) {
    series_[SeriesKey{name, labels}].push_back({ts, v});
  }
  // A running total: starts with a 0 at its first time so that increase() counts the first step too.
  void add_total(const std::string& name, const Labels& labels, int64_t ts, double total) {
    auto& s = series_[SeriesKey{name, labels}];
    if (s.empty()) s.push_back({ts, 0});
    s.push_back({ts, total});
  }
  std::vector<MetricSeries> take() {
    std::vector<MetricSeries> out;
    for (auto& [k, s] : series_) {
      std::stable_sort(s.begin(), s.end(),
                       [](const Sample& a, const Sample& b) { return a.ts_ns < b.ts_ns; });
      out.push_back({k, std::move(s)});
    }
    return out;
  }

 private:
  std::map<SeriesKey, std::vector<Sample>> series_;
};

void from_vllm(std::string_view text, const LogRunOptions& opt, LogRun& run) {
  VllmLog log = parse_vllm_log(text, {opt.year, opt.utc_offset_s});
  SeriesSink sink;
  std::map<Labels, double> preempt;  // cumulative per engine
  for (const auto& s : log.stats) {
    Labels l;
    if (s.engine >= 0)
      l.push_back({"engine", std::to_string(s.engine)});
    else if (s.engines_aggregated > 0)
      l.push_back({"engines", std::to_string(s.engines_aggregated)});
    sink.add("requests_running", l, s.ts_ns, static_cast<double>(s.running));
    sink.add("requests_waiting", l, s.ts_ns, static_cast<double>(s.waiting));
    sink.add("kv_cache_usage", l, s.ts_ns, s.gpu_kv_usage_pct / 100.0);
    sink.add("prompt_throughput", l, s.ts_ns, s.prompt_tps);
    sink.add("gen_throughput", l, s.ts_ns, s.gen_tps);
    if (s.prefix_hit_pct >= 0) sink.add("prefix_cache_hit_rate", l, s.ts_ns, s.prefix_hit_pct / 100.0);
    if (s.cpu_kv_usage_pct >= 0) sink.add("cpu_kv_cache_usage", l, s.ts_ns, s.cpu_kv_usage_pct / 100.0);
    if (s.swapped >= 0) sink.add("requests_swapped", l, s.ts_ns, static_cast<double>(s.swapped));
    if (!s.v0) {  // V1 prints "Preemptions: N" for the interval, only when N > 0
      double& total = preempt[l];
      total += static_cast<double>(std::max<int64_t>(s.preemptions, 0));
      sink.add_total("preemptions", l, s.ts_ns, total);
    }
  }
  for (const auto& it : log.iterations) {
    if (it.dummy) continue;
    sink.add("iteration.ctx_reqs", {}, it.ts_ns, static_cast<double>(it.ctx_reqs));
    sink.add("iteration.ctx_tokens", {}, it.ts_ns, static_cast<double>(it.ctx_tokens));
    sink.add("iteration.gen_reqs", {}, it.ts_ns, static_cast<double>(it.gen_reqs));
    sink.add("iteration.gen_tokens", {}, it.ts_ns, static_cast<double>(it.gen_tokens));
    sink.add("iteration.elapsed_ms", {}, it.ts_ns, it.elapsed_ms);
  }
  for (const auto& sd : log.spec_decode)
    sink.add("spec_accept_length", {}, sd.ts_ns, sd.mean_acceptance_length);
  run.data.log_series = sink.take();
  run.data.server_events = events_to_store(log.requests);
  auto& m = run.data.meta;
  size_t received = 0, finished = 0;
  for (const auto& e : log.requests) {
    received += e.kind == VllmRequestEventKind::Received;
    finished += e.kind == VllmRequestEventKind::Finished;
  }
  m["log.lines"] = std::to_string(log.lines);
  m["log.stats_lines"] = std::to_string(log.stats.size());
  m["log.iterations"] = std::to_string(log.iterations.size());
  m["log.requests_received"] = std::to_string(received);
  m["log.requests_finished"] = std::to_string(finished);
  m["log.http_requests"] = std::to_string(log.access.size());
  if (log.capacity.kv_cache_tokens >= 0) m["kv_cache_tokens"] = std::to_string(log.capacity.kv_cache_tokens);
  if (log.capacity.max_concurrency >= 0)
    m["max_concurrency"] = fmt::format("{}", log.capacity.max_concurrency);
  if (log.malformed)
    run.warnings.push_back(fmt::format("{} malformed vLLM log lines skipped", log.malformed));
  m["engine"] = std::any_of(log.stats.begin(), log.stats.end(), [](const VllmStats& s) { return s.v0; })
                    ? "vllm-v0"
                    : "vllm";
}

void from_sglang(std::string_view text, const LogRunOptions& opt, LogRun& run) {
  SglangLog log = parse_sglang_log(text, opt.utc_offset_s);
  SeriesSink sink;
  std::map<Labels, std::pair<double, double>> cache;  // cumulative (cached, cached + new)
  for (const auto& b : log.batches) {
    Labels l;
    if (b.dp_rank >= 0) l.push_back({"dp", std::to_string(b.dp_rank)});
    if (b.tp_rank >= 0) l.push_back({"tp", std::to_string(b.tp_rank)});
    if (b.running_req >= 0) sink.add("requests_running", l, b.ts_ns, static_cast<double>(b.running_req));
    if (b.queue_req >= 0) sink.add("requests_waiting", l, b.ts_ns, static_cast<double>(b.queue_req));
    if (b.token_usage >= 0) sink.add("kv_cache_usage", l, b.ts_ns, b.token_usage);
    if (b.gen_throughput >= 0) sink.add("gen_throughput", l, b.ts_ns, b.gen_throughput);
    if (b.accept_len >= 0) sink.add("spec_accept_length", l, b.ts_ns, b.accept_len);
    if (b.prefill && b.new_token >= 0 && b.cached_token >= 0) {
      auto& [hits, queries] = cache[l];
      hits += static_cast<double>(b.cached_token);
      queries += static_cast<double>(b.cached_token + b.new_token);
      sink.add_total("prefix_cache_hits", l, b.ts_ns, hits);
      sink.add_total("prefix_cache_queries", l, b.ts_ns, queries);
      sink.add("batch_new_tokens", l, b.ts_ns, static_cast<double>(b.new_token));
      sink.add("batch_cached_tokens", l, b.ts_ns, static_cast<double>(b.cached_token));
    }
  }
  run.data.log_series = sink.take();
  run.data.meta["engine"] = "sglang";
  run.data.meta["log.lines"] = std::to_string(log.lines);
  run.data.meta["log.batches"] = std::to_string(log.batches.size());
  if (log.malformed)
    run.warnings.push_back(fmt::format("{} malformed SGLang batch lines skipped", log.malformed));
}

void from_trtllm(std::string_view text, LogRun& run) {
  TrtllmLog log = parse_trtllm_log(text);
  SeriesSink sink;
  size_t untimed = 0;
  for (const auto& it : log.iterations) {
    if (!it.ts_ns) {
      ++untimed;
      continue;
    }
    Labels l;
    if (it.rank >= 0) l.push_back({"rank", std::to_string(it.rank)});
    const int64_t running = it.active_requests >= 0 ? it.active_requests : it.num_scheduled_requests;
    if (running >= 0) sink.add("requests_running", l, it.ts_ns, static_cast<double>(running));
    if (it.kv_cache_util >= 0)
      sink.add("kv_cache_usage", l, it.ts_ns,
               it.kv_cache_util > 1 ? it.kv_cache_util / 100 : it.kv_cache_util);
    if (it.ctx_requests >= 0)
      sink.add("iteration.ctx_reqs", l, it.ts_ns, static_cast<double>(it.ctx_requests));
    if (it.ctx_tokens >= 0) sink.add("iteration.ctx_tokens", l, it.ts_ns, static_cast<double>(it.ctx_tokens));
    if (it.gen_tokens >= 0) sink.add("iteration.gen_tokens", l, it.ts_ns, static_cast<double>(it.gen_tokens));
    if (it.host_step_ms >= 0) sink.add("iteration.elapsed_ms", l, it.ts_ns, it.host_step_ms);
  }
  run.data.log_series = sink.take();
  run.data.meta["engine"] = "trtllm";
  run.data.meta["log.lines"] = std::to_string(log.lines);
  run.data.meta["log.iterations"] = std::to_string(log.iterations.size());
  if (untimed)
    run.warnings.push_back(
        fmt::format("{} TensorRT-LLM iterations without a timestamp were not plotted", untimed));
  if (log.malformed)
    run.warnings.push_back(fmt::format("{} malformed TensorRT-LLM iteration lines skipped", log.malformed));
}

}  // namespace

std::string detect_log_engine(std::string_view text) {
  const std::string_view head = text.substr(0, std::min<size_t>(text.size(), 4 << 20));
  if (head.find("[TRT-LLM]") != std::string_view::npos && head.find("iter = ") != std::string_view::npos)
    return "trtllm";
  if (head.find("Prefill batch") != std::string_view::npos ||
      head.find("Decode batch") != std::string_view::npos)
    return "sglang";
  if (head.find("[loggers.py:") != std::string_view::npos ||
      head.find("[core.py:") != std::string_view::npos ||
      head.find("metrics.py:") != std::string_view::npos ||
      head.find("Avg prompt throughput") != std::string_view::npos ||
      head.find("api_server.py") != std::string_view::npos || head.find("vllm") != std::string_view::npos)
    return "vllm";
  return {};
}

LogRun log_run_from_text(std::string_view text, const LogRunOptions& opt) {
  LogRun run;
  run.engine = detect_log_engine(text);
  if (run.engine == "vllm")
    from_vllm(text, opt, run);
  else if (run.engine == "sglang")
    from_sglang(text, opt, run);
  else if (run.engine == "trtllm")
    from_trtllm(text, run);
  if (!opt.source_name.empty()) run.data.meta["log.file"] = opt.source_name;
  if (run.engine == "vllm") run.data.meta["log.year"] = std::to_string(opt.year);
  run.data.meta["source"] = "server-log";
  return run;
}

LogRun log_run_from_file(const std::filesystem::path& path, LogRunOptions opt) {
  LoadProgress progress;
  InputBuffer buf = read_input_file(path, progress);
  if (opt.year == 1970) {
    std::error_code ec;
    auto mtime = std::filesystem::last_write_time(path, ec);
    if (!ec) {
      auto sys = std::chrono::file_clock::to_sys(mtime);
      std::time_t t = std::chrono::system_clock::to_time_t(sys);
      std::tm tm{};
      gmtime_r(&t, &tm);
      opt.year = tm.tm_year + 1900;
    }
  }
  if (opt.source_name.empty()) opt.source_name = path.filename().string();
  LogRun run = log_run_from_text(buf.view(), opt);
  if (run.engine.empty())
    throw ImportError(path.string(), 0, "no vLLM, SGLang or TensorRT-LLM log lines found");
  if (run.data.log_series.empty())
    throw ImportError(path.string(), 0,
                      fmt::format("a {} log without stats or iteration lines: nothing to chart", run.engine));
  return run;
}

bool looks_like_log_path(const std::filesystem::path& path) {
  std::string name = path.filename().string();
  for (const char* suf : {".gz", ".zst"})
    if (name.size() > 4 && name.ends_with(suf)) name.resize(name.size() - std::string_view(suf).size());
  return name.ends_with(".log") || name.ends_with(".txt");
}

}  // namespace hp::serving
