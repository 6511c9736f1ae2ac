// Standalone vLLM-like test server (tests/support/server_vllm.h) for tests that need it in another
// process (kill -9 of the client, the replay benchmark). Prints "PORT <n>" on stdout once it
// listens; runs until SIGINT/SIGTERM or --lifetime-s.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "tests/support/server_vllm.h"

namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) {
  g_stop = 1;
}
}  // namespace

int main(int argc, char** argv) {
  hp::testing::TestServerOptions opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "hotpath_test_server: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--ttft-ms")
      opt.ttft_ms = std::stoi(next());
    else if (a == "--itl-ms")
      opt.itl_ms = std::stoi(next());
    else if (a == "--prefill-us-per-token")
      opt.prefill_us_per_token = std::stoi(next());
    else if (a == "--itl-jitter-pct")
      opt.itl_jitter_pct = std::clamp(std::stoi(next()), 0, 40);
    else if (a == "--output-tokens")
      opt.output_tokens = std::stoi(next());
    else if (a == "--max-running")
      opt.max_running = std::stoi(next());
    else if (a == "--lifetime-s")
      opt.max_lifetime_s = std::stod(next());
    else if (a == "--completed-log")
      opt.completed_log = next();
    else if (a == "--server-log")
      opt.server_log = next();
    else if (a == "--timing-log")
      opt.timing_log = next();
    else if (a == "--profile-dir")
      opt.profile_dir = next();
    else if (a == "--trace-fixture")
      opt.trace_fixture = next();
    else if (a == "--model")
      opt.model = next();
    else if (a == "--n") {
      const std::string v = next();
      opt.n_support = v == "refuse"   ? hp::testing::NSupport::Refuse
                      : v == "ignore" ? hp::testing::NSupport::Ignore
                                      : hp::testing::NSupport::Honour;
    } else {
      std::fprintf(stderr,
                   "usage: hotpath_test_server [--ttft-ms N] [--itl-ms N] [--prefill-us-per-token N] "
                   "[--itl-jitter-pct P] "
                   "[--output-tokens N] [--max-running N]\n"
                   "  [--lifetime-s S] [--completed-log F] [--server-log F] [--timing-log F]\n"
                   "  [--profile-dir D] [--trace-fixture F] [--model NAME] [--n honour|refuse|ignore]\n");
      return 2;
    }
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  hp::testing::TestServer server(opt);
  int port = server.start();
  if (!port) {
    std::fprintf(stderr, "hotpath_test_server: cannot listen on 127.0.0.1\n");
    return 1;
  }
  std::printf("PORT %d\n", port);
  std::fflush(stdout);
  auto end = std::chrono::steady_clock::now() +
             std::chrono::milliseconds(static_cast<int64_t>(opt.max_lifetime_s * 1000));
  while (!g_stop && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  server.stop();
  auto c = server.counts();
  std::fprintf(stderr, "hotpath_test_server: %llu requests, %llu completed\n",
               static_cast<unsigned long long>(c.requests), static_cast<unsigned long long>(c.completed));
  return 0;
}
