#pragma once
// One serving capture, driven headless by `serve-profile` and with the workbench by `attach`: it
// replays traffic (or only watches), scrapes /metrics, tails the server log, samples the GPUs, arms
// the torch profiler, and writes everything to the run file as it arrives (WAL, committed twice a
// second, so a kill loses at most about a second). With live(), the same data also feeds snapshots.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "capture/replay_client.h"
#include "capture/serve_options.h"
#include "core/serving/traffic.h"
#include "core/session/live_serving.h"

namespace hp {
class ServingWriter;
}

namespace hp::capture {

class MetricsScraper;
class GpuSampler;
class DcgmScraper;
class LogTailer;
class KvEventSubscriber;

// What the capture toolbar and the dashboard show; a copy, safe to read from any thread.
struct ServeStatus {
  bool traffic_running = false, watching = false, paused = false;
  bool warmup = false;  // the warm-up requests are still running
  int concurrency = 0;  // the closed loop's, now (0: an open loop)
  double rate = 0;      // the open loop's arrival rate now, req/s (0: not an open loop)
  uint64_t total = 0, sent = 0, ok = 0, failed = 0, in_flight = 0, output_tokens = 0;
  uint64_t scrapes = 0, scrape_failures = 0;
  int64_t last_scrape_ok_ns = 0;  // epoch ns of the last good /metrics answer; 0 never
  std::string scrape_error;       // the last failure ("" none)
  uint64_t log_lines = 0, log_unparsed = 0;
  int64_t log_last_line_ns = 0;  // epoch ns when the tailer last read a line; 0 never
  double running = 0.0 / 0.0, waiting = 0.0 / 0.0, kv_usage = 0.0 / 0.0;
  std::string profiler;  // "" idle, else what the profiler is doing ("armed for 5 s", "importing", an error)
  uint64_t traces_imported = 0;
  bool kv_events = false;  // --kv-events subscribed
  uint64_t kv_messages = 0, kv_block_events = 0, kv_missed = 0, kv_refilled = 0;
};

class ServeSession {
 public:
  explicit ServeSession(ServeOpts o);
  ~ServeSession();
  ServeSession(const ServeSession&) = delete;
  ServeSession& operator=(const ServeSession&) = delete;

  // Loads the traffic, finds the model and engine, creates the run file and writes its meta.
  // Returns 0, or the exit code (1 bad input or endpoint, 2 contradicting flags) with *error set.
  int prepare(std::string* error);
  // Keep an in-memory copy for snapshots (call before start()).
  LiveServing* enable_live();
  LiveServing* live() const { return live_.get(); }
  // Starts the scrapers, the GPU sampler, the log tailer and the committer.
  void start();
  // On the calling thread: the torch-profile probes when asked, then the traffic until it ends or
  // stop_traffic(); with --watch (no traffic) it returns at once. Returns false on a replay error.
  bool run_traffic();
  void stop_traffic();              // thread-safe; in-flight requests end as Cancelled
  void pause_traffic(bool paused);  // thread-safe; nothing new is sent while paused
  void set_concurrency(int n);      // thread-safe; a closed loop's concurrency from now on
  void set_rate(double rps);        // thread-safe; an open loop's arrival rate from now on
  // Live: arms the torch profiler now for `seconds`, then imports its traces on a worker thread
  // and hands them to on_traces (and to the run file at finish()). False with *error when busy.
  bool arm_profiler(double seconds, std::string* error);
  // SGLang: arms it for `steps` engine steps (it stops itself), with `by_stage` one capture each for
  // prefill and decode. vLLM takes no step count over HTTP: false with *error saying so.
  bool arm_profiler_steps(int steps, bool by_stage, std::string* error);
  void on_traces(std::function<void(std::shared_ptr<const Run>)> f) { on_traces_ = std::move(f); }
  // Stops everything, writes the closing meta, stores the requests as columns and the traces, and
  // prints the one-line summary. Returns the exit code.
  int finish();

  ServeStatus status() const;
  const std::string& output() const { return out_; }
  const std::string& endpoint() const { return ro_.base_url; }
  const std::string& engine() const { return engine_; }

 private:
  bool arm(double seconds, int steps, bool by_stage, std::string* error);
  ServingSink& sink();
  void commit_loop();
  void poll_fleet(int64_t to_ns);
  void pump_kv_events();  // --kv-events: what arrived since the last pump, into the sink  // --prometheus:
                          // what the fleet recorded since the last poll

  ServeOpts o_;
  serving::Traffic traffic_;
  ReplayOptions ro_;
  std::string engine_, detected_, out_;
  std::unique_ptr<ServingWriter> writer_;
  std::unique_ptr<LiveServing> live_;
  std::unique_ptr<MetricsScraper> scraper_;
  std::unique_ptr<GpuSampler> gpus_;
  std::unique_ptr<DcgmScraper> dcgm_;
  std::unique_ptr<LogTailer> tailer_;
  std::unique_ptr<KvEventSubscriber> kv_;
  std::set<std::filesystem::path> expert_before_;  // --expert-recorder: dumps there before the start
  bool expert_started_ = false;
  void finish_expert_recorder(ServingSink& w, std::vector<std::filesystem::path>* dumps);
  size_t kv_pumped_ = 0;  // events handed to the sink (the committer pumps, then finish())
  int64_t start_ns_ = 0, end_ns_ = 0;
  std::atomic<bool> running_{false}, traffic_running_{false};
  std::thread committer_, profiler_, fleet_;
  int64_t fleet_to_ = 0;  // the fleet was read up to here (epoch ns)
  std::set<std::string> fleet_series_, dcgm_series_;
  std::string fleet_error_;
  mutable std::mutex client_mu_;
  ReplayClient* client_ = nullptr;  // the running one, for stop_traffic() and status()
  uint64_t sent_ = 0;
  std::vector<int64_t> ttfts_;
  std::string run_error_;
  mutable std::mutex mu_;  // guards the fields below
  ServeStatus last_;       // the finished client's counts, kept after it ends
  std::string profiler_state_;
  std::map<std::filesystem::path, std::string> traces_;  // path -> stage ("" live)
  uint64_t traces_imported_ = 0;
  std::function<void(std::shared_ptr<const Run>)> on_traces_;
};

}  // namespace hp::capture
