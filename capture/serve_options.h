#pragma once
// The options of a serving capture, shared by `serve-profile` (headless) and `attach` (the workbench
// on the live capture). The CLI fills them (app/serve_cli.h); capture/serve_session.h runs them.
#include <cstdint>
#include <string>

namespace hp::capture {

struct ServeOpts {
  std::string endpoint = "http://localhost:8000";
  std::string traffic, traffic_format = "auto", engine = "auto", model, output,
                       api_key_env = "OPENAI_API_KEY";
  std::string server_log, prometheus, profile_dir, dcgm;
  // Extra PromQL matchers for --prometheus, e.g. job="vllm",namespace="prod".
  std::string prometheus_selector;
  // vLLM's KV-event publisher (tcp://HOST:PORT) and its replay socket.
  std::string kv_events, kv_events_replay;
  // SGLang's expert-distribution recorder: the directory the server writes its dumps to, and the
  // mode it was started with (--expert-distribution-recorder-mode stat | per_pass).
  std::string expert_recorder, expert_recorder_mode = "stat";
  int concurrency = 0;
  double rate = 0, burstiness = 1, time_scale = 0, duration = 0, scrape_hz = 2;
  int64_t num_requests = -1, warmup = 0, max_tokens = 256;
  uint64_t seed = 0;
  bool chat = false, whole_conversations = false, torch_profile = false, no_scrape = false, quiet = false,
       nsys = false, no_gpu = false;
  bool watch = false;  // attach --watch: no traffic, only scrape, tail and listen
  int server_pid = 0, rollouts = 0;
  double request_timeout = 600, read_timeout = 60;
  int probe_input_tokens = 2048, probe_output_tokens = 256, probe_warmup = 10, probe_capture = 5;
};

}  // namespace hp::capture
