#include "capture/serve_session.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include "capture/dashboard.h"
#include "capture/dcgm_scraper.h"
#include "capture/expert_recorder.h"
#include "capture/gpu_sampler.h"
#include "capture/kv_events.h"
#include "capture/log_tailer.h"
#include "capture/metrics_scraper.h"
#include "capture/profile_probes.h"
#include "capture/profiler_control.h"
#include "capture/rollout_n.h"
#include "capture/serve_finish.h"
#include "capture/serve_traffic.h"
#include "core/store/serving_store.h"
#include "core/util/percentile.h"

namespace hp::capture {

ServeSession::ServeSession(ServeOpts o) : o_(std::move(o)) {}

ServeSession::~ServeSession() {
  stop_traffic();
  running_ = false;
  if (committer_.joinable()) committer_.join();
  if (fleet_.joinable()) fleet_.join();
  if (profiler_.joinable()) profiler_.join();
}

ServingSink& ServeSession::sink() {
  return live_ ? static_cast<ServingSink&>(*live_) : *writer_;
}

LiveServing* ServeSession::enable_live() {
  if (!live_) live_ = std::make_unique<LiveServing>(writer_.get());
  return live_.get();
}

int ServeSession::prepare(std::string* error) {
  if (o_.nsys) std::cerr << "hotpath: --nsys is not part of serve-profile; use `hotpath capture` (ignored)\n";
  if (o_.server_pid)
    std::cerr
        << "hotpath: --server-pid is not needed (log and metrics come from --server-log and /metrics)\n";
  if (o_.torch_profile && o_.profile_dir.empty()) {
    *error = "--torch-profile needs --profile-dir (the server's torch profiler output directory)";
    return 2;
  }
  if (!o_.watch) {
    try {
      if (o_.traffic == "probe:prefill" || o_.traffic == "probe:decode")
        traffic_ = probe_traffic(o_);
      else
        traffic_ = load_traffic(o_.traffic, o_.traffic_format, o_.whole_conversations);
    } catch (const std::exception& e) {
      *error = o_.traffic + ": " + e.what();
      return 1;
    }
    for (size_t i = 0; i < traffic_.issues.size() && i < 5; ++i)
      std::cerr << fmt::format("hotpath: {}: line {} (byte {}): {}\n", o_.traffic, traffic_.issues[i].line,
                               traffic_.issues[i].offset, traffic_.issues[i].reason);
    if (traffic_.issues.size() > 5)
      std::cerr << fmt::format("hotpath: {}: {} more skipped records\n", o_.traffic,
                               traffic_.issues.size() - 5);
    if (traffic_.requests.empty()) {
      *error = o_.traffic + ": no usable requests";
      return 1;
    }
  }
  int64_t warmup = o_.warmup, num_requests = o_.num_requests;
  if (!replay_options(o_, traffic_, warmup, num_requests, &ro_, error)) return 2;
  if (ro_.model.empty() && !o_.watch) {
    std::string err;
    ro_.model = discover_model(ro_.base_url, ro_.api_key, &err);
    if (ro_.model.empty()) {
      *error = ro_.base_url + ": " + err + " (pass --model)";
      return 1;
    }
  }
  // RL rollouts: the API's n when the server honours it, else N requests in a row (capture/rollout_n.h).
  RolloutPlan rollouts;
  if (!o_.watch) {
    rollouts = plan_rollouts(o_.rollouts, ro_, traffic_, std::cerr);
    warmup = ro_.arrival.warmup, num_requests = ro_.arrival.num_requests;
  }
  engine_ = o_.engine;
  if (engine_ == "auto") {
    engine_ = detect_engine_at(ro_.base_url + "/metrics");
    for (const char* e : {"sglang", "vllm", "trtllm"})
      if (engine_.rfind(e, 0) == 0) detected_ = e;
    if (engine_.rfind("tensorrt", 0) == 0) detected_ = "trtllm";
    engine_ = detected_.empty() ? "vllm" : detected_;  // the predecessor's default
  }

  out_ = o_.output;
  if (std::filesystem::is_directory(out_) || (!out_.empty() && out_.back() == '/')) {
    std::filesystem::create_directories(out_);
    out_ = (std::filesystem::path(out_) / "serve_profile.hotpath").string();
  }
  remove_run_file(out_);
  writer_ = std::make_unique<ServingWriter>(out_);
  write_start_meta(*writer_, o_, ro_, traffic_, engine_, warmup, num_requests);
  for (const auto& [k, v] : rollouts.meta) writer_->set_meta(k, v);
  writer_->commit();
  return 0;
}

void ServeSession::start() {
  ServingSink* w = &sink();
  if (!o_.no_scrape) {
    scraper_ = std::make_unique<MetricsScraper>(ro_.base_url + "/metrics", o_.scrape_hz, w);
    scraper_->start();
  }
  if (!o_.no_gpu) {  // NVML at 10 Hz; without a driver a one-line note
    gpus_ = std::make_unique<GpuSampler>(w);
    if (!gpus_->available()) std::cerr << "hotpath: " << gpus_->note() << '\n';
    gpus_->start();
  }
  if (!o_.dcgm.empty()) {  // dcgm-exporter's /metrics, per-GPU tracks too
    dcgm_ = std::make_unique<DcgmScraper>(o_.dcgm, std::min(o_.scrape_hz, 1.0), w);
    dcgm_->start();
  }
  if (!o_.server_log.empty()) {
    // --engine picks the log parser; with auto, the log's own lines decide, then /metrics' answer.
    LogTailerOptions lo;
    lo.engine = o_.engine;
    lo.hint = detected_;
    tailer_ = std::make_unique<LogTailer>(o_.server_log, w, lo);
    tailer_->start();
    w->set_meta("server_log", o_.server_log);
  }
  if (!o_.kv_events.empty()) {
    kv_ = std::make_unique<KvEventSubscriber>(
        KvEventSubscriber::Options{o_.kv_events, o_.kv_events_replay, "", 1000});
    try {
      kv_->start();
      w->set_meta("kv_events.endpoint", o_.kv_events);
    } catch (const std::exception& e) {  // a bad address: said, recorded, and the capture goes on
      std::cerr << "hotpath: --kv-events " << o_.kv_events << ": " << e.what() << '\n';
      w->set_meta("kv_events.error", e.what());
      kv_.reset();
    }
  }
  if (!o_.expert_recorder.empty()) {  // a failure is said and recorded; the capture goes on
    ExpertRecorderOptions eo{ro_.base_url, ro_.api_key, o_.expert_recorder, o_.expert_recorder_mode};
    expert_before_ = list_expert_dumps(eo.dir);
    std::string err;
    expert_started_ = start_expert_record(eo, &err);
    w->set_meta("expert_recorder.dir", o_.expert_recorder);
    w->set_meta("expert_recorder.mode", o_.expert_recorder_mode);
    if (!expert_started_) {
      std::cerr << "hotpath: --expert-recorder: " << err << '\n';
      w->set_meta("expert_recorder.error", err);
    }
  }
  start_ns_ = epoch_now_ns();
  w->set_meta("started_ns", std::to_string(start_ns_));
  running_ = true;
  committer_ = std::thread([this] { commit_loop(); });
  if (!o_.prometheus.empty()) {  // the fleet's series during the capture, so live panels show every replica
    fleet_to_ = start_ns_ - 1'000'000'001;
    fleet_ = std::thread([this] {
      const auto period =
          std::chrono::milliseconds(static_cast<int64_t>(1000 * std::max(2.0, 1.0 / o_.scrape_hz)));
      auto next = std::chrono::steady_clock::now() + period;
      while (running_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (std::chrono::steady_clock::now() < next) continue;
        next += period;
        poll_fleet(epoch_now_ns());
      }
    });
  }
}

void ServeSession::poll_fleet(int64_t to_ns) {
  FleetRead r = read_fleet(sink(), o_, engine_, fleet_to_ + 1, to_ns);
  fleet_series_.insert(r.series.begin(), r.series.end());
  dcgm_series_.insert(r.dcgm_series.begin(), r.dcgm_series.end());
  if (r.error.empty())
    fleet_to_ = to_ns;  // else the same range again next time
  else if (fleet_error_.empty())
    fleet_error_ = r.error;
}

void ServeSession::commit_loop() {  // durability: at most ~0.5 s of data is lost on a kill
  auto dash = Dashboard::for_stdout();
  auto t0 = std::chrono::steady_clock::now();
  auto snapshot = [&] {
    ServeStatus st = status();
    DashboardSnapshot s;
    s.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    s.duration_s = o_.duration;
    s.total = st.total;
    s.sent = st.sent;
    s.ok = st.ok;
    s.failed = st.failed;
    s.in_flight = st.in_flight;
    s.output_tokens = st.output_tokens;
    s.warmup = st.warmup;
    s.running = st.running;
    s.waiting = st.waiting;
    s.kv_usage = st.kv_usage;
    return s;
  };
  const bool show = !o_.quiet && !o_.watch;
  while (running_) {
    for (int i = 0; i < 5 && running_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    pump_kv_events();
    try {
      writer_->commit();
    } catch (const std::exception& e) {
      std::cerr << "hotpath: " << e.what() << '\n';
    }
    if (show) dash.update(snapshot());
  }
  if (show) dash.finish(snapshot());
}

void ServeSession::pump_kv_events() {
  if (!kv_) return;
  auto fresh = kv_->events_since(kv_pumped_);
  if (fresh.empty()) return;
  kv_pumped_ += fresh.size();
  sink().add_kv_events(fresh);
}

bool ServeSession::run_traffic() {
  if (o_.torch_profile) {
    try {
      auto t = profile_stages(o_, ro_, engine_, sink());
      std::lock_guard lock(mu_);
      traces_.insert(t.begin(), t.end());
    } catch (const std::exception& e) {
      std::cerr << "hotpath: --torch-profile: " << e.what() << '\n';
      sink().set_meta("profile.error", e.what());
    }
  }
  if (o_.watch) return true;
  ReplayClient client(ro_, traffic_);
  {
    std::lock_guard lock(client_mu_);
    client_ = &client;
  }
  traffic_running_ = true;
  bool ok = true;
  try {
    sent_ += client.run([&](const serving::RequestRecord& r) {
      sink().add_request(r);
      if (!r.warmup && r.purpose.empty() && r.status == serving::RequestStatus::Ok)
        ttfts_.push_back(r.ttft_ns());
    });
  } catch (const std::exception& e) {
    run_error_ = e.what();
    ok = false;
  }
  traffic_running_ = false;
  std::lock_guard lock(client_mu_);
  const ReplayProgress& p = client.progress();
  {
    std::lock_guard l2(mu_);
    last_.total = p.total;
    last_.sent = p.sent;
    last_.ok = p.ok;
    last_.failed = p.failed;
    last_.output_tokens = p.output_tokens;
    last_.in_flight = 0;
  }
  client_ = nullptr;
  return ok;
}

void ServeSession::stop_traffic() {
  std::lock_guard lock(client_mu_);
  if (client_) client_->stop();
}

void ServeSession::pause_traffic(bool paused) {
  std::lock_guard lock(client_mu_);
  if (client_) client_->set_paused(paused);
}

void ServeSession::set_concurrency(int n) {
  std::lock_guard lock(client_mu_);
  if (client_ && n > 0) {
    client_->set_concurrency(n);
    sink().set_meta("concurrency.changed_ns." + std::to_string(epoch_now_ns()), std::to_string(n));
  }
}

void ServeSession::set_rate(double rps) {
  std::lock_guard lock(client_mu_);
  if (client_ && rps > 0 && client_->rate() > 0) {
    client_->set_rate(rps);
    sink().set_meta("rate.changed_ns." + std::to_string(epoch_now_ns()), fmt::format("{}", rps));
  }
}

ServeStatus ServeSession::status() const {
  ServeStatus s;
  {
    std::lock_guard lock(mu_);
    s = last_;
    s.profiler = profiler_state_;
    s.traces_imported = traces_imported_;
  }
  {
    std::lock_guard lock(client_mu_);
    if (client_) {
      const ReplayProgress& p = client_->progress();
      s.total = p.total;
      s.sent = p.sent;
      s.ok = p.ok;
      s.failed = p.failed;
      s.in_flight = p.in_flight;
      s.output_tokens = p.output_tokens;
      s.paused = client_->paused();
      s.warmup = !p.warmup_done;
      s.concurrency = ro_.arrival.concurrency > 0 ? client_->concurrency() : 0;
      s.rate = client_->rate();
    }
  }
  s.traffic_running = traffic_running_;
  s.watching = o_.watch;
  if (scraper_) {
    const ScrapeStats& st = scraper_->stats();
    s.scrapes = st.scrapes;
    s.scrape_failures = st.failures;
    s.last_scrape_ok_ns = st.last_ok_ns;
    s.running = st.running;
    s.waiting = st.waiting;
    s.kv_usage = st.kv_usage;
    if (st.failures) s.scrape_error = scraper_->last_error();
  }
  if (kv_) {
    const KvEventSubscriber::Stats ks = kv_->stats();
    s.kv_events = true;
    s.kv_messages = ks.messages;
    s.kv_block_events = ks.block_events;
    s.kv_missed = ks.missed;
    s.kv_refilled = ks.refilled;
  }
  if (tailer_) {
    s.log_lines = tailer_->stats().lines;
    s.log_unparsed = tailer_->stats().unparsed;
    s.log_last_line_ns = tailer_->stats().last_line_ns;
  }
  return s;
}

int ServeSession::finish() {
  stop_traffic();
  running_ = false;
  if (committer_.joinable()) committer_.join();
  if (profiler_.joinable()) profiler_.join();
  end_ns_ = epoch_now_ns();
  ServingSink& w = sink();
  if (gpus_) gpus_->stop();
  if (kv_) {
    kv_->stop();
    pump_kv_events();
    const KvEventSubscriber::Stats ks = kv_->stats();
    w.set_meta("kv_events.messages", std::to_string(ks.messages));
    w.set_meta("kv_events.block_events", std::to_string(ks.block_events));
    w.set_meta("kv_events.gaps", std::to_string(ks.gaps));
    w.set_meta("kv_events.missed", std::to_string(ks.missed));
    w.set_meta("kv_events.refilled", std::to_string(ks.refilled));
    w.set_meta("kv_events.bad", std::to_string(ks.bad));
    if (!ks.last_error.empty()) w.set_meta("kv_events.last_error", ks.last_error);
  }
  if (dcgm_) {
    dcgm_->stop();
    w.set_meta("measurement.dcgm_scrapes", std::to_string(dcgm_->scrapes()));
    if (dcgm_->failures()) {
      w.set_meta("measurement.dcgm_error", dcgm_->last_error());
      std::cerr << "hotpath: --dcgm: " << dcgm_->failures() << " failed scrapes: " << dcgm_->last_error()
                << '\n';
    }
  }
  if (scraper_) {
    scraper_->stop();
    const ScrapeStats& st = scraper_->stats();
    w.set_meta("scrape.count", std::to_string(st.scrapes));
    w.set_meta("scrape.failures", std::to_string(st.failures));
    w.set_meta("scrape.bad_lines", std::to_string(st.bad_lines));
    if (st.json_scrapes) w.set_meta("scrape.format", "trtllm-iteration-stats-json");
    if (st.failures) w.set_meta("scrape.last_error", scraper_->last_error());
  }
  if (tailer_) {
    tailer_->stop();
    const TailStats& st = tailer_->stats();
    w.set_meta("server_log.lines", std::to_string(st.lines));
    w.set_meta("server_log.records", std::to_string(st.records));
    w.set_meta("server_log.unparsed", std::to_string(st.unparsed));
    w.set_meta("server_log.request_events", std::to_string(st.request_events));
    if (st.restarts) w.set_meta("server_log.restarts", std::to_string(st.restarts));
    w.set_meta("server_log.engine",
               tailer_->engine().empty() ? "none (no lines written)" : tailer_->engine());
    w.set_meta("server_log.engine_source", tailer_->engine_source());
  }
  if (fleet_.joinable()) fleet_.join();
  if (!o_.prometheus.empty()) {
    poll_fleet(end_ns_);
    w.set_meta("prometheus.url", o_.prometheus);
    if (!o_.prometheus_selector.empty()) w.set_meta("prometheus.selector", o_.prometheus_selector);
    w.set_meta("prometheus.series", std::to_string(fleet_series_.size()));
    w.set_meta("prometheus.dcgm_series", std::to_string(dcgm_series_.size()));
    if (!fleet_error_.empty()) {
      w.set_meta("prometheus.error", fleet_error_);
      std::cerr << "hotpath: --prometheus: " << fleet_error_ << '\n';
    }
  }
  std::vector<std::filesystem::path> expert_dumps;
  if (expert_started_) finish_expert_recorder(w, &expert_dumps);
  const ServeStatus st = status();
  w.set_meta("finished_ns", std::to_string(end_ns_));
  w.set_meta("requests_sent", std::to_string(sent_));
  w.set_meta("requests_ok", std::to_string(st.ok));
  w.set_meta("requests_failed", std::to_string(st.failed));
  w.set_meta("capture.ended", "cleanly");
  writer_->finish();  // the requests column by column: a large run opens fast
  writer_.reset();
  if (!expert_dumps.empty()) {
    try {
      std::cerr << fmt::format("hotpath: stored {} expert dump(s) in the run\n",
                               save_expert_dumps(out_, expert_dumps));
    } catch (const std::exception& e) {
      std::cerr << "hotpath: --expert-recorder: storing the dumps failed: " << e.what() << '\n';
    }
  }

  std::map<std::filesystem::path, std::string> traces;
  {
    std::lock_guard lock(mu_);
    traces = traces_;
  }
  if (!traces.empty()) {
    try {
      auto run = import_traces(traces);
      save_traces_into(out_, *run);
      std::cerr << fmt::format("hotpath: saved {} trace file(s), {} slices\n", traces.size(),
                               run->slices.size());
    } catch (const std::exception& e) {
      std::cerr << "hotpath: importing the profiler traces failed: " << e.what() << '\n';
    }
  }
  if (!run_error_.empty()) {
    std::cerr << "hotpath: " << run_error_ << '\n';
    return 1;
  }
  std::sort(ttfts_.begin(), ttfts_.end());
  // The same percentile as serve-report (core/util/percentile.h), in ms.
  auto pct = [&](double q) {
    return ttfts_.empty() ? 0.0 : static_cast<double>(percentile_sorted(ttfts_, q)) / 1e6;
  };
  double secs = static_cast<double>(end_ns_ - start_ns_) / 1e9;
  std::cerr << fmt::format(
      "hotpath: {} requests ({} ok, {} failed) in {:.1f} s; TTFT p50 {:.1f} ms, p99 {:.1f} ms; wrote {}\n",
      st.ok + st.failed, st.ok, st.failed, secs, pct(0.5), pct(0.99), out_);
  if (st.ok == 0 && st.failed > 0) {
    std::cerr << "hotpath: every request failed\n";
    return 1;
  }
  return 0;
}

}  // namespace hp::capture
