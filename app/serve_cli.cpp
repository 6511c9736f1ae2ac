#include "app/serve_cli.h"

namespace hp {

void add_serve_flags(CLI::App* sub, capture::ServeOpts& o, bool traffic_required) {
  sub->add_option("--endpoint", o.endpoint, "Server base URL (or the full /v1/... URL)")
      ->capture_default_str();
  sub->add_option("--traffic", o.traffic,
                  "Traffic file: JSONL, ShareGPT JSON, Azure CSV, Mooncake JSONL; or probe:prefill "
                  "(--probe-input-tokens in, 1 out) / probe:decode (1 in, --probe-output-tokens out)")
      ->required(traffic_required);
  sub->add_option("--traffic-format", o.traffic_format, "auto|jsonl|sharegpt|azure-csv|mooncake")
      ->capture_default_str();
  sub->add_option("--engine", o.engine,
                  "vllm|sglang|trtllm|auto: metric names, profiler control and the --server-log parser")
      ->check(CLI::IsMember({"auto", "vllm", "sglang", "trtllm"}))
      ->capture_default_str();
  sub->add_option("--model", o.model, "Model name to request (default: first id of /v1/models)");
  sub->add_flag("--chat", o.chat, "Use /v1/chat/completions");
  sub->add_flag(
      "--sharegpt-conversations", o.whole_conversations,
      "ShareGPT: send each conversation up to its last human turn as chat messages (implies --chat)");
  sub->add_option("--concurrency,--max-concurrency", o.concurrency, "Max requests in flight (closed loop)");
  sub->add_option("--rate,--request-rate", o.rate, "Open-loop arrival rate (requests/s)");
  sub->add_option("--burstiness", o.burstiness, "Gamma shape (1 = Poisson)")->capture_default_str();
  sub->add_option("--time-scale", o.time_scale, "Replay the traffic's own timestamps, scaled");
  sub->add_option("--duration", o.duration, "Stop sending after S seconds");
  sub->add_option("--num-requests,--num-prompts", o.num_requests, "Requests to send (cycles the traffic)");
  sub->add_option("--warmup,--num-warmups", o.warmup, "Warm-up requests, excluded from reports");
  sub->add_option("--rollouts", o.rollouts,
                  "RL rollouts: sample each prompt N times as one group, through the API's n or N requests "
                  "(--num-requests counts prompts)")
      ->check(CLI::Range(0, 4096));
  sub->add_option("--seed", o.seed, "Arrival seed")->capture_default_str();
  sub->add_option("--max-tokens", o.max_tokens, "max_tokens when the traffic gives none")
      ->capture_default_str();
  sub->add_option("--api-key-env", o.api_key_env, "Environment variable holding the API key")
      ->capture_default_str();
  sub->add_option("--server-log", o.server_log, "Server log to follow from its current end");
  sub->add_option("--prometheus", o.prometheus,
                  "Prometheus server URL: read the fleet's series (query_range)");
  sub->add_option(
      "--kv-events", o.kv_events,
      "vLLM KV-event publisher (--kv-events-config endpoint, tcp://HOST:PORT): every block stored and "
      "removed");
  sub->add_option("--kv-events-replay", o.kv_events_replay,
                  "Its replay socket (tcp://HOST:PORT): gaps in the sequence numbers are refilled from it");
  sub->add_option(
      "--prometheus-selector", o.prometheus_selector,
      "PromQL label matchers that pick the fleet's replicas, e.g. 'job=\"vllm\",namespace=\"prod\"'");
  sub->add_option(
      "--expert-recorder", o.expert_recorder,
      "SGLang expert-distribution recorder: start it now, stop and dump it at the end, and store the "
      "dump(s) the server writes into DIR (its SGLANG_EXPERT_DISTRIBUTION_RECORDER_DIR) in the run");
  sub->add_option("--expert-recorder-mode", o.expert_recorder_mode,
                  "The recorder mode the server runs with (--expert-distribution-recorder-mode)")
      ->check(CLI::IsMember({"stat", "per_pass"}))
      ->capture_default_str();
  sub->add_option("--scrape-hz", o.scrape_hz, "/metrics scrape rate (0.1-10 Hz)")->capture_default_str();
  sub->add_flag("--no-scrape", o.no_scrape, "Do not scrape /metrics");
  sub->add_flag("--no-gpu", o.no_gpu, "Do not sample the GPUs through NVML");
  sub->add_option("--dcgm", o.dcgm, "dcgm-exporter /metrics URL: per-GPU tracks of a remote or fleet node");
  sub->add_flag("--torch-profile", o.torch_profile, "Capture prefill and decode torch-profiler traces");
  sub->add_option("--profile-dir", o.profile_dir, "The server's torch-profiler output directory");
  sub->add_option("--probe-input-tokens", o.probe_input_tokens,
                  "Prefill probe length (--torch-profile, probe:prefill)")
      ->capture_default_str();
  sub->add_option("--probe-output-tokens", o.probe_output_tokens,
                  "Decode probe length (--torch-profile, probe:decode)")
      ->capture_default_str();
  sub->add_option("--probe-warmup", o.probe_warmup, "Probe requests before /start_profile")
      ->capture_default_str();
  sub->add_option("--probe-capture", o.probe_capture, "Probe requests profiled")->capture_default_str();
  sub->add_option("--request-timeout", o.request_timeout, "Seconds per request")->capture_default_str();
  sub->add_option("--read-timeout", o.read_timeout, "Seconds without a byte before a request times out")
      ->capture_default_str();
  sub->add_option("-o,--output", o.output, "Run file to write (a directory gets serve_profile.hotpath)")
      ->required(traffic_required);
  sub->add_flag("-q,--quiet", o.quiet, "No live dashboard");
  sub->add_flag("--nsys", o.nsys)->group("");  // predecessor flags, accepted with a note
  sub->add_option("--server-pid", o.server_pid)->group("");
}

}  // namespace hp
