#include "core/serving/log_run.h"

#include "core/serving/log_requests.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "core/serving/correlate.h"
#include "core/serving/sglang_log.h"
#include "core/serving/trtllm_log.h"
#include "core/serving/vllm_log.h"
#include "core/util/input_file.h"

namespace hp::serving {

namespace {

// Collects samples per series key, in arrival order; sorted (stable) at the end.
class SeriesSink {
 public:
  explicit SeriesSink(std::set<SeriesKey>& totals_started) : started_(totals_started) {}
  void add(const std::string& name, const Labels& labels, int64_t ts, double v) {
    series_[SeriesKey{name, labels}].push_back({ts, v});
  }
  // A running total: starts with a 0 at its first time so that increase() counts the first step too.
  void add_total(const std::string& name, const Labels& labels, int64_t ts, double total) {
    SeriesKey key{name, labels};
    auto& s = series_[key];
    if (started_.insert(key).second) s.push_back({ts, 0});
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
  std::set<SeriesKey>& started_;
};

}  // namespace

LogConverter::LogConverter(std::string engine, const LogRunOptions& opt)
    : engine_(std::move(engine)), opt_(opt) {
  if (engine_ != "vllm" && engine_ != "sglang" && engine_ != "trtllm")
    throw std::invalid_argument("unknown log engine '" + engine_ + "' (vllm, sglang, trtllm)");
}

LogConverter::Piece LogConverter::feed(std::string_view text) {
  Piece out;
  SeriesSink sink(totals_started_);
  if (engine_ == "vllm") {
    VllmLog log = parse_vllm_log(text, {opt_.year, opt_.utc_offset_s});
    out.lines = log.lines;
    out.malformed = log.malformed;
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
        double& total = preempt_[l];
        total += static_cast<double>(std::max<int64_t>(s.preemptions, 0));
        sink.add_total("preemptions", l, s.ts_ns, total);
      }
      v0_ = v0_ || s.v0;
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
    out.events = events_to_store(log.requests);
    out.records = static_cast<uint32_t>(log.stats.size() + log.iterations.size() + log.spec_decode.size());
    stats_ += log.stats.size();
    iterations_ += log.iterations.size();
    for (const auto& e : log.requests) {
      received_ += e.kind == VllmRequestEventKind::Received;
      finished_ += e.kind == VllmRequestEventKind::Finished;
    }
    access_ += log.access.size();
    if (log.capacity.kv_cache_tokens >= 0 && kv_cache_tokens_ < 0)
      kv_cache_tokens_ = log.capacity.kv_cache_tokens;
    if (tp_ < 0) tp_ = log.capacity.tensor_parallel_size;
    if (pp_ < 0) pp_ = log.capacity.pipeline_parallel_size;
    if (dp_ < 0) dp_ = log.capacity.data_parallel_size;
    if (model_.empty()) model_ = log.capacity.model;
    if (log.capacity.max_concurrency >= 0 && max_concurrency_ < 0)
      max_concurrency_ = log.capacity.max_concurrency;
  } else if (engine_ == "sglang") {
    SglangLog log = parse_sglang_log(text, opt_.utc_offset_s);
    out.lines = log.lines;
    out.malformed = log.malformed;
    for (const auto& b : log.batches) {
      Labels l;
      if (b.dp_rank >= 0) l.push_back({"dp", std::to_string(b.dp_rank)});
      if (b.tp_rank >= 0) l.push_back({"tp", std::to_string(b.tp_rank)});
      if (b.running_req >= 0) sink.add("requests_running", l, b.ts_ns, static_cast<double>(b.running_req));
      if (b.queue_req >= 0) sink.add("requests_waiting", l, b.ts_ns, static_cast<double>(b.queue_req));
      if (b.token_usage >= 0) sink.add("kv_cache_usage", l, b.ts_ns, b.token_usage);
      if (b.swa_token_usage >= 0) sink.add("kv_cache_usage_swa", l, b.ts_ns, b.swa_token_usage);
      if (b.gen_throughput >= 0) sink.add("gen_throughput", l, b.ts_ns, b.gen_throughput);
      if (b.retracted_req >= 0)
        sink.add("requests_retracted", l, b.ts_ns, static_cast<double>(b.retracted_req));
      if (b.accept_len >= 0) sink.add("spec_accept_length", l, b.ts_ns, b.accept_len);
      // Engine iterations (session/engine_iterations.h): a prefill line is one prefill batch; a decode
      // line stands for the decode steps since the last one (decode_log_interval), running-req each.
      const int64_t ctx_reqs = b.prefill ? std::max<int64_t>(b.new_seq, 0) : 0;
      const int64_t ctx_tokens = b.prefill ? std::max<int64_t>(b.new_token, 0) : 0;
      const int64_t gen_reqs = b.prefill ? 0 : std::max<int64_t>(b.running_req, 0);
      sink.add("iteration.ctx_reqs", l, b.ts_ns, static_cast<double>(ctx_reqs));
      sink.add("iteration.ctx_tokens", l, b.ts_ns, static_cast<double>(ctx_tokens));
      sink.add("iteration.gen_reqs", l, b.ts_ns, static_cast<double>(gen_reqs));
      sink.add("iteration.gen_tokens", l, b.ts_ns, static_cast<double>(gen_reqs));
      if (b.prefill && b.new_token >= 0 && b.cached_token >= 0) {
        auto& [hits, queries] = cache_[l];
        hits += static_cast<double>(b.cached_token);
        queries += static_cast<double>(b.cached_token + b.new_token);
        sink.add_total("prefix_cache_hits", l, b.ts_ns, hits);
        sink.add_total("prefix_cache_queries", l, b.ts_ns, queries);
        sink.add("batch_new_tokens", l, b.ts_ns, static_cast<double>(b.new_token));
        sink.add("batch_cached_tokens", l, b.ts_ns, static_cast<double>(b.cached_token));
      }
    }
    // Preemptions: the running total of the retraction lines per rank, from the first line of the rank (a
    // log without retraction lines had none: 0, not "unknown").
    std::vector<std::pair<int64_t, std::pair<Labels, int64_t>>> pre;  // (ts, (labels, retracted))
    auto labels_of = [](int dp, int tp) {
      Labels l;
      if (dp >= 0) l.push_back({"dp", std::to_string(dp)});
      if (tp >= 0) l.push_back({"tp", std::to_string(tp)});
      return l;
    };
    for (const auto& b : log.batches) pre.push_back({b.ts_ns, {labels_of(b.dp_rank, b.tp_rank), 0}});
    for (const auto& r : log.retractions)
      pre.push_back({r.ts_ns, {labels_of(r.dp_rank, r.tp_rank), std::max<int64_t>(r.requests, 0)}});
    std::stable_sort(pre.begin(), pre.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [ts, lr] : pre) {
      double& total = preempt_[lr.first];
      total += static_cast<double>(lr.second);
      sink.add_total("preemptions", lr.first, ts, total);
    }
    retractions_ += log.retractions.size();
    out.records = static_cast<uint32_t>(log.batches.size() + log.retractions.size());
    batches_ += log.batches.size();
    if (log.max_total_num_tokens >= 0 && kv_cache_tokens_ < 0) kv_cache_tokens_ = log.max_total_num_tokens;
    if (log.tp_size > 0 && tp_ < 0) tp_ = log.tp_size, pp_ = log.pp_size, dp_ = log.dp_size;
  } else {
    TrtllmLog log = parse_trtllm_log(text);
    out.lines = log.lines;
    out.malformed = log.malformed;
    for (const auto& it : log.iterations) {
      if (!it.ts_ns) {
        ++untimed_;
        continue;
      }
      ++out.records;
      Labels l;
      if (it.rank >= 0) l.push_back({"rank", std::to_string(it.rank)});
      const int64_t running = it.active_requests >= 0 ? it.active_requests : it.num_scheduled_requests;
      if (running >= 0) sink.add("requests_running", l, it.ts_ns, static_cast<double>(running));
      if (it.kv_cache_util >= 0)
        sink.add("kv_cache_usage", l, it.ts_ns,
                 it.kv_cache_util > 1 ? it.kv_cache_util / 100 : it.kv_cache_util);
      if (it.ctx_requests >= 0)
        sink.add("iteration.ctx_reqs", l, it.ts_ns, static_cast<double>(it.ctx_requests));
      if (it.ctx_tokens >= 0)
        sink.add("iteration.ctx_tokens", l, it.ts_ns, static_cast<double>(it.ctx_tokens));
      if (it.gen_tokens >= 0)
        sink.add("iteration.gen_tokens", l, it.ts_ns, static_cast<double>(it.gen_tokens));
      if (it.host_step_ms >= 0) sink.add("iteration.elapsed_ms", l, it.ts_ns, it.host_step_ms);
    }
    iterations_ += log.iterations.size();
  }
  lines_ += out.lines;
  malformed_ += out.malformed;
  out.series = sink.take();
  return out;
}

void LogConverter::finish(std::map<std::string, std::string>& m, std::vector<std::string>& warnings) const {
  m["log.lines"] = std::to_string(lines_);
  if (tp_ > 0) {  // the engine's startup line (what the disaggregation advisor takes tp and GPUs from)
    m["parallel.tp"] = std::to_string(tp_);
    if (pp_ > 0) m["parallel.pp"] = std::to_string(pp_);
    if (dp_ > 0) m["parallel.dp"] = std::to_string(dp_);
  }
  if (!model_.empty()) m.emplace("model", model_);  // a capture's own (/v1/models) stays
  if (engine_ == "vllm") {
    m["log.stats_lines"] = std::to_string(stats_);
    m["log.iterations"] = std::to_string(iterations_);
    m["log.requests_received"] = std::to_string(received_);
    m["log.requests_finished"] = std::to_string(finished_);
    m["log.http_requests"] = std::to_string(access_);
    if (kv_cache_tokens_ >= 0) m["kv_cache_tokens"] = std::to_string(kv_cache_tokens_);
    if (max_concurrency_ >= 0) m["max_concurrency"] = fmt::format("{}", max_concurrency_);
    if (malformed_) warnings.push_back(fmt::format("{} malformed vLLM log lines skipped", malformed_));
    m["engine"] = v0_ ? "vllm-v0" : "vllm";
  } else if (engine_ == "sglang") {
    m["engine"] = "sglang";
    if (kv_cache_tokens_ >= 0) m["kv_cache_tokens"] = std::to_string(kv_cache_tokens_);
    m["log.batches"] = std::to_string(batches_);
    m["log.retractions"] = std::to_string(retractions_);
    if (malformed_) warnings.push_back(fmt::format("{} malformed SGLang batch lines skipped", malformed_));
  } else {
    m["engine"] = "trtllm";
    m["log.iterations"] = std::to_string(iterations_);
    if (untimed_)
      warnings.push_back(
          fmt::format("{} TensorRT-LLM iterations without a timestamp were not plotted", untimed_));
    if (malformed_)
      warnings.push_back(fmt::format("{} malformed TensorRT-LLM iteration lines skipped", malformed_));
  }
}

std::string detect_log_engine(std::string_view text) {
  const std::string_view head = text.substr(0, std::min<size_t>(text.size(), 4 << 20));
  if (head.find("[TRT-LLM]") != std::string_view::npos && head.find("iter = ") != std::string_view::npos)
    return "trtllm";
  if (head.find("Prefill batch") != std::string_view::npos ||
      head.find("Decode batch") != std::string_view::npos ||
      head.find("server_args=ServerArgs(") != std::string_view::npos)  // SGLang's start-up line
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
  if (!run.engine.empty()) {
    LogConverter conv(run.engine, opt);
    LogConverter::Piece piece = conv.feed(text);
    run.data.log_series = std::move(piece.series);
    run.data.server_events = std::move(piece.events);
    conv.finish(run.data.meta, run.warnings);
    if (!run.data.server_events.empty()) {  // no client measured them: the log's own requests
      LogRequests lr = requests_from_server_events(run.data.server_events);
      run.data.requests = std::move(lr.requests);
      run.data.meta["requests.from_log"] = lr.fields;
    }
  }
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
