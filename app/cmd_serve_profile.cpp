// `hotpath serve-profile`: replays traffic against a live OpenAI-compatible server and records
// every request, the server's /metrics, its log and (optionally) stage-separated torch-profiler
// traces into one .hotpath run file, written incrementally (a kill loses at most ~1 s).
#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "app/commands.h"
#include "capture/dashboard.h"
#include "capture/dcgm_scraper.h"
#include "capture/gpu_sampler.h"
#include "capture/log_tailer.h"
#include "capture/metrics_scraper.h"
#include "capture/profiler_control.h"
#include "capture/prometheus_api.h"
#include "capture/replay_client.h"
#include "capture/rollout_n.h"
#include "core/import/registry.h"
#include "core/serving/traffic.h"
#include "core/store/run_file.h"
#include "core/store/serving_store.h"
#include "core/util/percentile.h"

namespace hp {
namespace {

std::atomic<capture::ReplayClient*> g_client{nullptr};
void on_sigint(int) {
  if (auto* c = g_client.load()) c->stop();
}

struct ServeOpts {
  std::string endpoint = "http://localhost:8000";
  std::string traffic, traffic_format = "auto", engine = "auto", model, output,
                       api_key_env = "OPENAI_API_KEY";
  std::string server_log, prometheus, profile_dir, dcgm;
  int concurrency = 0;
  double rate = 0, burstiness = 1, time_scale = 0, duration = 0, scrape_hz = 2;
  int64_t num_requests = -1, warmup = 0, max_tokens = 256;
  uint64_t seed = 0;
  bool chat = false, whole_conversations = false, torch_profile = false, no_scrape = false, quiet = false,
       nsys = false, no_gpu = false;
  int server_pid = 0, rollouts = 0;
  double request_timeout = 600, read_timeout = 60;
  int probe_input_tokens = 2048, probe_output_tokens = 256, probe_warmup = 10, probe_capture = 5;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

serving::Traffic load_traffic(const std::string& path, std::string format, bool whole_conversations) {
  std::string text = read_file(path);
  if (format == "auto") {
    size_t p = text.find_first_not_of(" \t\r\n");
    char first = p == std::string::npos ? 0 : text[p];
    if (path.size() > 4 && path.substr(path.size() - 4) == ".csv")
      format = "azure-csv";
    else if (first == '[')
      format = "sharegpt";
    else if (text.find("\"hash_ids\"") != std::string::npos ||
             text.find("\"input_length\"") != std::string::npos)
      format = "mooncake";
    else
      format = "jsonl";
  }
  if (format == "sharegpt") return serving::load_sharegpt(text, whole_conversations);
  if (whole_conversations)
    throw std::runtime_error("--sharegpt-conversations needs ShareGPT traffic, not " + format);
  if (format == "azure-csv") return serving::load_azure_csv(text);
  if (format == "mooncake") return serving::load_mooncake(text);
  if (format == "jsonl") return serving::load_jsonl(text);
  throw std::runtime_error("unknown --traffic-format " + format +
                           " (jsonl, sharegpt, azure-csv, mooncake, auto)");
}

// --traffic probe:prefill|probe:decode: one unique probe per request (warm-up included), so that no
// two share a prefix; without --num-requests, 1000 that then repeat.
serving::Traffic probe_traffic(const ServeOpts& o) {
  const size_t n =
      static_cast<size_t>((o.num_requests > 0 ? o.num_requests : 1000) + std::max<int64_t>(0, o.warmup));
  serving::Traffic t;
  t.format = o.traffic;
  const uint64_t seed = o.seed + 2;  // --torch-profile's own probes use seed and seed + 1
  t.requests = o.traffic == "probe:prefill" ? serving::prefill_probes(n, o.probe_input_tokens, seed)
                                            : serving::decode_probes(n, o.probe_output_tokens, seed);
  return t;
}

// Splits "http://host:port/v1/chat/completions" into the base URL and the API path.
void split_endpoint(std::string url, std::string* base, std::string* path) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  size_t scheme = url.find("://");
  size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  *base = slash == std::string::npos ? url : url.substr(0, slash);
  *path = slash == std::string::npos ? "" : url.substr(slash);
}

void remove_run_file(const std::string& p) {
  std::error_code ec;
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(p + s, ec);
}

// Runs `count` probe requests (closed loop, one at a time) and returns how many succeeded. With a
// writer, the requests are recorded with their purpose ("probe:prefill"), which reports leave out.
uint64_t run_probes(const capture::ReplayOptions& base, const std::vector<serving::TrafficRequest>& probes,
                    size_t from, size_t count, ServingWriter* w = nullptr, const std::string& purpose = {}) {
  serving::Traffic t;
  t.requests.assign(probes.begin() + static_cast<std::ptrdiff_t>(from),
                    probes.begin() + static_cast<std::ptrdiff_t>(from + count));
  capture::ReplayOptions o = base;
  o.arrival = {};
  o.arrival.concurrency = 1;
  capture::ReplayClient c(o, t);
  uint64_t ok = 0;
  c.run([&](const serving::RequestRecord& r) {
    ok += r.status == serving::RequestStatus::Ok;
    if (!w) return;
    serving::RequestRecord rec = r;
    rec.purpose = purpose;
    w->add_request(rec);
  });
  return ok;
}

// Prefill probe then decode probe, each: warm-up requests, /start_profile, capture requests,
// /stop_profile, wait for the traces. Returns trace path -> stage.
std::map<std::filesystem::path, std::string> profile_stages(const ServeOpts& o,
                                                            const capture::ReplayOptions& ro,
                                                            const std::string& engine, ServingWriter& w) {
  capture::ProfilerOptions po;
  po.base_url = ro.base_url;
  po.engine = engine;
  po.profile_dir = o.profile_dir;
  po.api_key = ro.api_key;
  std::map<std::filesystem::path, std::string> out;
  size_t n = static_cast<size_t>(o.probe_warmup + o.probe_capture);
  for (const char* stage : {"prefill", "decode"}) {
    bool prefill = std::string(stage) == "prefill";
    auto probes = prefill ? serving::prefill_probes(n, o.probe_input_tokens, o.seed)
                          : serving::decode_probes(n, o.probe_output_tokens, o.seed + 1);
    const std::string purpose = fmt::format("probe:{}", stage);
    run_probes(ro, probes, 0, static_cast<size_t>(o.probe_warmup), &w, purpose);
    auto before = capture::list_traces(o.profile_dir);
    std::string err;
    // The profiler's start on our clock places a trace that carries no absolute time base.
    const int64_t started = capture::epoch_now_ns();
    if (!capture::start_profile(po, &err)) throw std::runtime_error(err);
    // The server started its profiler between these two stamps (the request's round trip).
    w.set_meta(fmt::format("profile.{}.started_ns", stage), std::to_string(started));
    w.set_meta(fmt::format("profile.{}.start_acked_ns", stage), std::to_string(capture::epoch_now_ns()));
    if (prefill) w.set_meta("profile.started_ns", std::to_string(started));
    uint64_t ok = run_probes(ro, probes, static_cast<size_t>(o.probe_warmup),
                             static_cast<size_t>(o.probe_capture), &w, purpose);
    if (!capture::stop_profile(po, &err)) throw std::runtime_error(err);
    auto traces = capture::wait_for_traces(o.profile_dir, before, po.settle_s, po.timeout_s, &err);
    if (traces.empty()) throw std::runtime_error(fmt::format("{} probe: {}", stage, err));
    for (const auto& t : traces) out[t] = stage;
    w.set_meta(fmt::format("profile.{}.requests_ok", stage), std::to_string(ok));
    w.set_meta(fmt::format("profile.{}.traces", stage), std::to_string(traces.size()));
    std::cerr << fmt::format("hotpath: {} probe: {} trace file(s)\n", stage, traces.size());
  }
  return out;
}

int run_serve_profile(const ServeOpts& o) {
  if (o.nsys) std::cerr << "hotpath: --nsys is not part of serve-profile; use `hotpath capture` (ignored)\n";
  if (o.server_pid)
    std::cerr
        << "hotpath: --server-pid is not needed (log and metrics come from --server-log and /metrics)\n";
  if (o.torch_profile && o.profile_dir.empty()) {
    std::cerr
        << "hotpath: --torch-profile needs --profile-dir (the server's torch profiler output directory)\n";
    return 2;
  }
  serving::Traffic traffic;
  try {
    if (o.traffic == "probe:prefill" || o.traffic == "probe:decode")
      traffic = probe_traffic(o);
    else
      traffic = load_traffic(o.traffic, o.traffic_format, o.whole_conversations);
  } catch (const std::exception& e) {
    std::cerr << "hotpath: " << o.traffic << ": " << e.what() << '\n';
    return 1;
  }
  for (size_t i = 0; i < traffic.issues.size() && i < 5; ++i)
    std::cerr << fmt::format("hotpath: {}: line {} (byte {}): {}\n", o.traffic, traffic.issues[i].line,
                             traffic.issues[i].offset, traffic.issues[i].reason);
  if (traffic.issues.size() > 5)
    std::cerr << fmt::format("hotpath: {}: {} more skipped records\n", o.traffic, traffic.issues.size() - 5);
  if (traffic.requests.empty()) {
    std::cerr << "hotpath: " << o.traffic << ": no usable requests\n";
    return 1;
  }

  int64_t warmup = o.warmup, num_requests = o.num_requests;

  capture::ReplayOptions ro;
  std::string path;
  split_endpoint(o.endpoint, &ro.base_url, &path);
  ro.endpoint = !path.empty() && path != "/v1"
                    ? path
                    : (o.chat || o.whole_conversations ? "/v1/chat/completions" : "/v1/completions");
  if (o.whole_conversations && ro.endpoint.find("chat") == std::string::npos) {
    std::cerr << "hotpath: --sharegpt-conversations sends chat messages; " << ro.endpoint
              << " is not a chat endpoint\n";
    return 2;
  }
  if (const char* key = std::getenv(o.api_key_env.c_str())) ro.api_key = key;
  ro.default_max_tokens = o.max_tokens;
  ro.block_tokens = traffic.block_tokens > 0 ? traffic.block_tokens : 512;
  ro.request_timeout_s = o.request_timeout;
  ro.read_timeout_s = o.read_timeout;
  ro.model = o.model;
  serving::ArrivalOptions& a = ro.arrival;
  a.concurrency = o.concurrency;
  a.duration_s = o.duration;
  a.num_requests = num_requests;
  a.warmup = warmup;
  a.seed = o.seed;
  bool has_times = std::any_of(traffic.requests.begin(), traffic.requests.end(),
                               [](const auto& r) { return r.arrival_offset_ns >= 0; });
  if (o.rate > 0) {
    a.kind = o.burstiness == 1 ? serving::ArrivalKind::Poisson : serving::ArrivalKind::Gamma;
    a.rate = o.rate;
    a.burstiness = o.burstiness;
  } else if (o.time_scale > 0 && has_times) {
    a.kind = serving::ArrivalKind::Trace;
    a.time_scale = o.time_scale;
  } else if (o.concurrency <= 0 && !has_times) {
    a.concurrency = 1;  // the predecessor's default
  }
  if (ro.model.empty()) {
    std::string err;
    ro.model = capture::discover_model(ro.base_url, ro.api_key, &err);
    if (ro.model.empty()) {
      std::cerr << "hotpath: " << ro.base_url << ": " << err << " (pass --model)\n";
      return 1;
    }
  }
  // RL rollouts: the API's n when the server honours it, else N requests in a row (capture/rollout_n).
  const capture::RolloutPlan rollouts = capture::plan_rollouts(o.rollouts, ro, traffic, std::cerr);
  warmup = a.warmup, num_requests = a.num_requests;
  std::string engine = o.engine, detected;  // detected: what /metrics said, "" when it said nothing
  if (engine == "auto") {
    engine = capture::detect_engine_at(ro.base_url + "/metrics");
    if (engine.rfind("sglang", 0) == 0)
      detected = engine = "sglang";
    else if (engine.rfind("vllm", 0) == 0)
      detected = engine = "vllm";
    else if (engine.rfind("trtllm", 0) == 0 || engine.rfind("tensorrt", 0) == 0)
      detected = engine = "trtllm";
    else
      engine = "vllm";  // the predecessor's default
  }

  std::string out = o.output;
  if (std::filesystem::is_directory(out) || (!out.empty() && out.back() == '/')) {
    std::filesystem::create_directories(out);
    out = (std::filesystem::path(out) / "serve_profile.hotpath").string();
  }
  remove_run_file(out);
  auto writer = std::make_unique<ServingWriter>(out);
  ServingWriter& w = *writer;
  w.set_meta("kind", "serve-profile");
  w.set_meta("endpoint", ro.base_url);
  w.set_meta("api_path", ro.endpoint);
  w.set_meta("model", ro.model);
  w.set_meta("engine", engine);
  w.set_meta("traffic", o.traffic);
  w.set_meta("traffic_format", traffic.format);
  if (traffic.format == "sharegpt")
    w.set_meta("sharegpt_turns", o.whole_conversations ? "whole conversations" : "first human turn");
  w.set_meta("traffic_requests", std::to_string(traffic.requests.size()));
  w.set_meta("traffic_skipped", std::to_string(traffic.issues.size()));
  static const char* kKinds[] = {"closed-loop", "poisson", "gamma", "trace"};
  w.set_meta("arrival", kKinds[static_cast<int>(a.kind)]);
  w.set_meta("concurrency", std::to_string(a.concurrency));
  w.set_meta("rate", fmt::format("{}", o.rate));
  w.set_meta("burstiness", fmt::format("{}", a.burstiness));
  w.set_meta("duration_s", fmt::format("{}", o.duration));
  w.set_meta("num_requests", std::to_string(num_requests));
  w.set_meta("warmup", std::to_string(warmup));
  for (const auto& [k, v] : rollouts.meta) w.set_meta(k, v);
  w.set_meta("seed", std::to_string(o.seed));
  w.set_meta("clock", "CLOCK_REALTIME epoch ns; intervals from CLOCK_MONOTONIC with one offset");
  w.set_meta("hotpath_version", HOTPATH_VERSION);
  w.set_meta("api_key_sent", ro.api_key.empty() ? "no" : "yes (from $" + o.api_key_env + ", not stored)");
  w.commit();

  std::unique_ptr<capture::MetricsScraper> scraper;
  if (!o.no_scrape) {
    scraper = std::make_unique<capture::MetricsScraper>(ro.base_url + "/metrics", o.scrape_hz, &w);
    scraper->start();
  }
  std::unique_ptr<capture::GpuSampler> gpus;  // NVML at 10 Hz; without a driver a one-line note
  if (!o.no_gpu) {
    gpus = std::make_unique<capture::GpuSampler>(&w);
    if (!gpus->available()) std::cerr << "hotpath: " << gpus->note() << '\n';
    gpus->start();
  }
  std::unique_ptr<capture::DcgmScraper> dcgm;  // dcgm-exporter's /metrics, per-GPU tracks too
  if (!o.dcgm.empty()) {
    dcgm = std::make_unique<capture::DcgmScraper>(o.dcgm, std::min(o.scrape_hz, 1.0), &w);
    dcgm->start();
  }
  std::unique_ptr<capture::LogTailer> tailer;
  if (!o.server_log.empty()) {
    // --engine picks the log parser; with auto, the log's own lines decide, then /metrics' answer.
    capture::LogTailerOptions lo;
    lo.engine = o.engine;
    lo.hint = detected;
    tailer = std::make_unique<capture::LogTailer>(o.server_log, &w, lo);
    tailer->start();
    w.set_meta("server_log", o.server_log);
  }
  int64_t start_ns = capture::epoch_now_ns();
  w.set_meta("started_ns", std::to_string(start_ns));

  std::map<std::filesystem::path, std::string> traces;
  if (o.torch_profile) {
    try {
      traces = profile_stages(o, ro, engine, w);
    } catch (const std::exception& e) {
      std::cerr << "hotpath: --torch-profile: " << e.what() << '\n';
      w.set_meta("profile.error", e.what());
    }
  }

  capture::ReplayClient client(ro, traffic);
  std::atomic<bool> running{true};
  std::thread committer([&] {  // durability: at most ~0.5 s of requests are lost on a kill
    auto dash = capture::Dashboard::for_stdout();
    auto t0 = std::chrono::steady_clock::now();
    auto snapshot = [&] {
      capture::DashboardSnapshot s;
      s.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      s.duration_s = o.duration;
      const auto& p = client.progress();
      s.total = p.total;
      s.sent = p.sent;
      s.ok = p.ok;
      s.failed = p.failed;
      s.in_flight = p.in_flight;
      s.output_tokens = p.output_tokens;
      s.warmup = !p.warmup_done;
      if (scraper) {
        s.running = scraper->stats().running;
        s.waiting = scraper->stats().waiting;
        s.kv_usage = scraper->stats().kv_usage;
      }
      return s;
    };
    while (running) {
      for (int i = 0; i < 5 && running; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      try {
        w.commit();
      } catch (const std::exception& e) {
        std::cerr << "hotpath: " << e.what() << '\n';
      }
      if (!o.quiet) dash.update(snapshot());
    }
    if (!o.quiet) dash.finish(snapshot());
  });
  g_client = &client;
  auto old_handler = std::signal(SIGINT, on_sigint);
  uint64_t sent = 0;
  std::string run_error;
  std::vector<int64_t> ttfts;
  try {
    sent = client.run([&](const serving::RequestRecord& r) {
      w.add_request(r);
      if (!r.warmup && r.purpose.empty() && r.status == serving::RequestStatus::Ok)
        ttfts.push_back(r.ttft_ns());
    });
  } catch (const std::exception& e) {
    run_error = e.what();
  }
  std::signal(SIGINT, old_handler);
  g_client = nullptr;
  running = false;
  committer.join();
  int64_t end_ns = capture::epoch_now_ns();
  if (gpus) gpus->stop();
  if (dcgm) {
    dcgm->stop();
    w.set_meta("measurement.dcgm_scrapes", std::to_string(dcgm->scrapes()));
    if (dcgm->failures()) {
      w.set_meta("measurement.dcgm_error", dcgm->last_error());
      std::cerr << "hotpath: --dcgm: " << dcgm->failures() << " failed scrapes: " << dcgm->last_error()
                << '\n';
    }
  }
  if (scraper) {
    scraper->stop();
    w.set_meta("scrape.count", std::to_string(scraper->stats().scrapes));
    w.set_meta("scrape.failures", std::to_string(scraper->stats().failures));
    w.set_meta("scrape.bad_lines", std::to_string(scraper->stats().bad_lines));
    if (scraper->stats().failures) w.set_meta("scrape.last_error", scraper->last_error());
  }
  if (tailer) {
    tailer->stop();
    w.set_meta("server_log.lines", std::to_string(tailer->stats().lines));
    w.set_meta("server_log.records", std::to_string(tailer->stats().records));
    w.set_meta("server_log.unparsed", std::to_string(tailer->stats().unparsed));
    w.set_meta("server_log.request_events", std::to_string(tailer->stats().request_events));
    w.set_meta("server_log.engine", tailer->engine().empty() ? "none (no lines written)" : tailer->engine());
    w.set_meta("server_log.engine_source", tailer->engine_source());
  }
  if (!o.prometheus.empty()) {
    uint64_t n_series = 0, n_dcgm = 0;
    std::string err;
    for (const auto& name : capture::canonical_series_names(engine)) {
      std::vector<serving::MetricSeries> series;
      capture::RangeQuery q{o.prometheus, capture::name_selector(name), start_ns - 1'000'000'000, end_ns,
                            std::max(1.0, 1.0 / o.scrape_hz)};
      if (!capture::query_range(q, &series, &err)) break;
      // Marked as a fleet read, so that reports and exports tell it from the endpoint's own scrape.
      for (const auto& s : series) w.add_samples(s.key, s.samples, false, "prometheus"), ++n_series;
    }
    // The fleet's GPUs as dcgm-exporter exports them, onto the same per-GPU tracks as NVML's.
    for (const char* sel : {"{__name__=~\"DCGM_FI_DEV_(SM_CLOCK|MEM_CLOCK|POWER_USAGE|GPU_TEMP|GPU_UTIL|MEM_"
                            "COPY_UTIL|FB_USED|CLOCK_THROTTLE_REASONS|CLOCKS_EVENT_REASONS)\"}",
                            "{__name__=~\"DCGM_FI_PROF_.*\"}"}) {
      if (!err.empty()) break;
      std::vector<serving::MetricSeries> series;
      capture::RangeQuery q{o.prometheus, sel, start_ns - 1'000'000'000, end_ns,
                            std::max(1.0, 1.0 / o.scrape_hz)};
      if (!capture::query_range(q, &series, &err)) break;
      for (const auto& s : capture::dcgm_tracks(series))
        w.add_samples(s.key, s.samples, false, "dcgm"), ++n_dcgm;
    }
    w.set_meta("prometheus.url", o.prometheus);
    w.set_meta("prometheus.series", std::to_string(n_series));
    w.set_meta("prometheus.dcgm_series", std::to_string(n_dcgm));
    if (!err.empty()) {
      w.set_meta("prometheus.error", err);
      std::cerr << "hotpath: --prometheus: " << err << '\n';
    }
  }
  const auto& p = client.progress();
  w.set_meta("finished_ns", std::to_string(end_ns));
  w.set_meta("requests_sent", std::to_string(sent));
  w.set_meta("requests_ok", std::to_string(p.ok));
  w.set_meta("requests_failed", std::to_string(p.failed));
  w.finish();  // the requests column by column: a large run opens fast
  writer.reset();

  if (!traces.empty()) {
    try {
      std::vector<std::filesystem::path> paths;
      std::map<std::string, std::string> stages;
      for (const auto& [t, s] : traces) {
        paths.push_back(t);
        stages[t.string()] = s;
      }
      LoadProgress lp;
      register_builtin_importers();
      auto run = load_inputs(paths, lp, stages);
      for (auto& src : run->sources) {
        auto it = traces.find(src.path);
        if (it != traces.end()) src.stage = it->second;
      }
      std::string tmp = out + ".trace-tmp";
      remove_run_file(tmp);
      save_run(*run, tmp);
      copy_serving_tables(out, tmp);
      remove_run_file(out);
      std::filesystem::rename(tmp, out);
      std::cerr << fmt::format("hotpath: saved {} trace file(s), {} slices\n", paths.size(),
                               run->slices.size());
    } catch (const std::exception& e) {
      std::cerr << "hotpath: importing the profiler traces failed: " << e.what() << '\n';
    }
  }

  if (!run_error.empty()) {
    std::cerr << "hotpath: " << run_error << '\n';
    return 1;
  }
  std::sort(ttfts.begin(), ttfts.end());
  // The same percentile as serve-report (core/util/percentile.h), in ms.
  auto pct = [&](double q) {
    return ttfts.empty() ? 0.0 : static_cast<double>(percentile_sorted(ttfts, q)) / 1e6;
  };
  double secs = static_cast<double>(end_ns - start_ns) / 1e9;
  std::cerr << fmt::format(
      "hotpath: {} requests ({} ok, {} failed) in {:.1f} s; TTFT p50 {:.1f} ms, p99 {:.1f} ms; wrote {}\n",
      p.ok + p.failed, p.ok.load(), p.failed.load(), secs, pct(0.5), pct(0.99), out);
  if (p.ok == 0 && p.failed > 0) {
    std::cerr << "hotpath: every request failed\n";
    return 1;
  }
  return 0;
}

}  // namespace

void add_serve_profile_command(CLI::App& app, CliContext& ctx) {
  auto o = std::make_shared<ServeOpts>();
  CLI::App* sub = app.add_subcommand(
      "serve-profile",
      "Replay traffic against an OpenAI-compatible server and record requests, metrics, log and "
      "profiler traces into a .hotpath run file");
  sub->add_option("--endpoint", o->endpoint, "Server base URL (or the full /v1/... URL)")
      ->capture_default_str();
  sub->add_option("--traffic", o->traffic,
                  "Traffic file: JSONL, ShareGPT JSON, Azure CSV, Mooncake JSONL; or probe:prefill "
                  "(--probe-input-tokens in, 1 out) / probe:decode (1 in, --probe-output-tokens out)")
      ->required();
  sub->add_option("--traffic-format", o->traffic_format, "auto|jsonl|sharegpt|azure-csv|mooncake")
      ->capture_default_str();
  sub->add_option("--engine", o->engine,
                  "vllm|sglang|trtllm|auto: metric names, profiler control and the --server-log parser")
      ->check(CLI::IsMember({"auto", "vllm", "sglang", "trtllm"}))
      ->capture_default_str();
  sub->add_option("--model", o->model, "Model name to request (default: first id of /v1/models)");
  sub->add_flag("--chat", o->chat, "Use /v1/chat/completions");
  sub->add_flag(
      "--sharegpt-conversations", o->whole_conversations,
      "ShareGPT: send each conversation up to its last human turn as chat messages (implies --chat)");
  sub->add_option("--concurrency,--max-concurrency", o->concurrency, "Max requests in flight (closed loop)");
  sub->add_option("--rate,--request-rate", o->rate, "Open-loop arrival rate (requests/s)");
  sub->add_option("--burstiness", o->burstiness, "Gamma shape (1 = Poisson)")->capture_default_str();
  sub->add_option("--time-scale", o->time_scale, "Replay the traffic's own timestamps, scaled");
  sub->add_option("--duration", o->duration, "Stop sending after S seconds");
  sub->add_option("--num-requests,--num-prompts", o->num_requests, "Requests to send (cycles the traffic)");
  sub->add_option("--warmup,--num-warmups", o->warmup, "Warm-up requests, excluded from reports");
  sub->add_option("--rollouts", o->rollouts,
                  "RL rollouts: sample each prompt N times as one group, through the API's n or N requests "
                  "(--num-requests counts prompts)")
      ->check(CLI::Range(0, 4096));
  sub->add_option("--seed", o->seed, "Arrival seed")->capture_default_str();
  sub->add_option("--max-tokens", o->max_tokens, "max_tokens when the traffic gives none")
      ->capture_default_str();
  sub->add_option("--api-key-env", o->api_key_env, "Environment variable holding the API key")
      ->capture_default_str();
  sub->add_option("--server-log", o->server_log, "Server log to follow from its current end");
  sub->add_option("--prometheus", o->prometheus,
                  "Prometheus server URL: read the fleet's series (query_range)");
  sub->add_option("--scrape-hz", o->scrape_hz, "/metrics scrape rate (0.1-10 Hz)")->capture_default_str();
  sub->add_flag("--no-scrape", o->no_scrape, "Do not scrape /metrics");
  sub->add_flag("--no-gpu", o->no_gpu, "Do not sample the GPUs through NVML");
  sub->add_option("--dcgm", o->dcgm, "dcgm-exporter /metrics URL: per-GPU tracks of a remote or fleet node");
  sub->add_flag("--torch-profile", o->torch_profile, "Capture prefill and decode torch-profiler traces");
  sub->add_option("--profile-dir", o->profile_dir, "The server's torch-profiler output directory");
  sub->add_option("--probe-input-tokens", o->probe_input_tokens,
                  "Prefill probe length (--torch-profile, probe:prefill)")
      ->capture_default_str();
  sub->add_option("--probe-output-tokens", o->probe_output_tokens,
                  "Decode probe length (--torch-profile, probe:decode)")
      ->capture_default_str();
  sub->add_option("--probe-warmup", o->probe_warmup, "Probe requests before /start_profile")
      ->capture_default_str();
  sub->add_option("--probe-capture", o->probe_capture, "Probe requests profiled")->capture_default_str();
  sub->add_option("--request-timeout", o->request_timeout, "Seconds per request")->capture_default_str();
  sub->add_option("--read-timeout", o->read_timeout, "Seconds without a byte before a request times out")
      ->capture_default_str();
  sub->add_option("-o,--output", o->output, "Run file to write (a directory gets serve_profile.hotpath)")
      ->required();
  sub->add_flag("-q,--quiet", o->quiet, "No live dashboard");
  sub->add_flag("--nsys", o->nsys)->group("");  // predecessor flags, accepted with a note
  sub->add_option("--server-pid", o->server_pid)->group("");
  sub->callback([o, &ctx] { ctx.exit_code = run_serve_profile(*o); });
}

}  // namespace hp
