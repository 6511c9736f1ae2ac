// Replay client cost and timing accuracy: N concurrent streams against the test server running as a
// separate process (so getrusage counts the client only). Prints the client's CPU time per request
// and the TTFT error (client-measured TTFT - the server's scheduled TTFT) at p50 and p99, plus the
// dispatch lag (sent - scheduled), and splits the error with the server's timing log into
//   transit  = server received - client sent      (request on the wire, server parse)
//   lateness = first chunk written - first chunk due (the server's own schedule error)
//   delivery = client first chunk - server written  (loopback, client wake-up)
// (one machine, one CLOCK_REALTIME). Usage: bench_replay [streams=1000] [requests=3000]
// [ttft_ms=50] [itl_ms=25] [output_tokens=32] [spread|fixed] [itl_jitter_pct=20]. The jitter (the test
// server's --itl-jitter-pct) keeps the streams out of lockstep; with 0 every chunk of every stream
// falls on one itl_ms grid and the server writes (and the client reads) ~800 chunks at once.
// HOTPATH_BENCH_PIN=1 pins the client to CPU 0 and the server to the other CPUs; HOTPATH_BENCH_RT=1
// runs both at SCHED_FIFO (root), so that other tasks on the machine cannot preempt them, and then a
// stall monitor (host_stalls.h) records when the machine itself ran none of our threads: the TTFT
// error is also given over the requests that met no such stall.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "capture/replay_client.h"
#include "tests/bench/host_stalls.h"

extern char** environ;

namespace {

double cpu_s(int who) {
  rusage u;
  getrusage(who, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Noise {
  double steal_ms = 0;     // time the hypervisor ran someone else on our vCPUs
  long client_nivcsw = 0;  // preemptions of this process
  long client_majflt = 0;  // page faults that had to read the disk (evicted code or data)
};
Noise noise_now() {
  Noise n;
  std::ifstream stat("/proc/stat");
  std::string cpu;
  unsigned long long v[8] = {};
  if (stat >> cpu >> v[0] >> v[1] >> v[2] >> v[3] >> v[4] >> v[5] >> v[6] >> v[7] && cpu == "cpu")
    n.steal_ms = static_cast<double>(v[7]) * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  n.client_nivcsw = u.ru_nivcsw;
  n.client_majflt = u.ru_majflt;
  return n;
}

double pct(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

constexpr int kClientPriority = 50, kMonitorPriority = 60;  // the monitor must preempt what it watches

// Whether [from, to] (epoch ns) overlaps a stall or the millisecond after one (the backlog it leaves).
bool met_stall(const std::vector<hp::bench::HostStallMonitor::Stall>& stalls, int64_t from, int64_t to) {
  for (const auto& s : stalls)  // a few dozen per run
    if (s.from_ns <= to && s.to_ns + 1'000'000 >= from) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  int streams = argc > 1 ? std::atoi(argv[1]) : 1000;
  int requests = argc > 2 ? std::atoi(argv[2]) : 3000;
  int ttft_ms = argc > 3 ? std::atoi(argv[3]) : 50;
  int itl_ms = argc > 4 ? std::atoi(argv[4]) : 25;
  int out_tokens = argc > 5 ? std::atoi(argv[5]) : 32;
  const bool fixed_len = argc > 6 && std::string(argv[6]) == "fixed";
  const int jitter_pct = argc > 7 ? std::atoi(argv[7]) : 20;
  auto env_on = [](const char* name) { return std::getenv(name) && std::string(std::getenv(name)) == "1"; };
  const bool pin = env_on("HOTPATH_BENCH_PIN"), rt = env_on("HOTPATH_BENCH_RT");
  const unsigned ncpu = std::thread::hardware_concurrency();
  rlimit nofile{};
  getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile);

  auto out_file =
      std::filesystem::temp_directory_path() / ("bench_replay_server_" + std::to_string(getpid()));
  auto timing_file = out_file.string() + ".timing";
  std::vector<std::string> args = {HOTPATH_TEST_SERVER_BIN,
                                   "--ttft-ms",
                                   std::to_string(ttft_ms),
                                   "--itl-ms",
                                   std::to_string(itl_ms),
                                   "--itl-jitter-pct",
                                   std::to_string(jitter_pct),
                                   "--lifetime-s",
                                   "300",
                                   "--timing-log",
                                   timing_file};
  std::vector<char*> av;
  for (auto& a : args) av.push_back(a.data());
  av.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t sa;
  posix_spawnattr_init(&sa);
  if (rt) {
    sched_param sp{};
    sp.sched_priority = kClientPriority;
    posix_spawnattr_setschedpolicy(&sa, SCHED_FIFO);
    posix_spawnattr_setschedparam(&sa, &sp);
    posix_spawnattr_setflags(&sa, POSIX_SPAWN_SETSCHEDULER);
  }
  pid_t server = 0;
  if (posix_spawn(&server, av[0], &fa, &sa, av.data(), environ) != 0) {
    std::fprintf(stderr, "cannot start %s\n", av[0]);
    return 1;
  }
  if (pin && ncpu >= 2) {
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    for (unsigned c = 1; c < ncpu; ++c) CPU_SET(c, &cpus);
    sched_setaffinity(server, sizeof cpus, &cpus);  // threads created later inherit it
    CPU_ZERO(&cpus);
    CPU_SET(0, &cpus);
    sched_setaffinity(0, sizeof cpus, &cpus);
  }
  bool rt_ok = false;
  if (rt) {
    sched_param sp{};
    sp.sched_priority = kClientPriority;
    rt_ok = sched_setscheduler(0, SCHED_FIFO, &sp) == 0;
  }
  std::string loadavg;
  std::getline(std::ifstream("/proc/loadavg"), loadavg);
  int port = 0;
  for (int i = 0; i < 500 && !port; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::ifstream in(out_file);
    std::string word;
    if (in >> word >> port && word != "PORT") port = 0;
  }
  if (!port) {
    std::fprintf(stderr, "the test server did not start\n");
    kill(server, SIGTERM);
    return 1;
  }

  hp::serving::Traffic traffic;
  for (int i = 0; i < 64; ++i) {
    hp::serving::TrafficRequest r;
    r.prompt = "benchmark prompt with a few words number " + std::to_string(i);
    // Output lengths spread over [out/2, 3*out/2) (mean out), as real traffic's do, so streams fall out
    // of step after the warm-up; "fixed" keeps every stream in step: a 1000-chunk burst per token.
    r.max_tokens = fixed_len ? out_tokens : std::max(1, out_tokens / 2 + (i * 37) % std::max(1, out_tokens));
    traffic.requests.push_back(r);
  }
  hp::capture::ReplayOptions opt;
  opt.base_url = "http://127.0.0.1:" + std::to_string(port);
  opt.model = "test-model";
  opt.arrival.concurrency = streams;
  opt.arrival.num_requests = requests;
  opt.arrival.warmup = 2 * streams;  // opens every connection, then lets the streams fall out of step
  hp::capture::ReplayClient client(opt, traffic);
  std::vector<double> ttft_err_ms, lag_ms;
  struct Client {
    int64_t sent, first;
  };
  std::map<std::string, Client> by_id;
  uint64_t ok = 0, failed = 0, chunks = 0, all_requests = 0, all_chunks = 0;
  // At normal priority the monitor would only compete with what it watches.
  std::optional<hp::bench::HostStallMonitor> monitor;
  if (rt_ok) monitor.emplace(ncpu, kMonitorPriority);
  const Noise noise0 = noise_now();
  double thread0 = cpu_s(RUSAGE_THREAD), proc0 = cpu_s(RUSAGE_SELF);
  auto t0 = std::chrono::steady_clock::now();  // CPU and wall include the warm-up requests
  client.run([&](const hp::serving::RequestRecord& r) {
    ++all_requests;  // warm-up included: the CPU figures include them
    if (r.status == hp::serving::RequestStatus::Ok) all_chunks += r.token_chunk_ns.size();
    if (r.warmup) return;
    if (r.status != hp::serving::RequestStatus::Ok) {
      ++failed;
      return;
    }
    ++ok;
    chunks += r.token_chunk_ns.size();
    ttft_err_ms.push_back(static_cast<double>(r.ttft_ns()) / 1e6 - ttft_ms);
    lag_ms.push_back(static_cast<double>(r.sent_ns - r.scheduled_ns) / 1e6);
    by_id[r.request_id] = {r.sent_ns, r.first_token_ns};
  });
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const Noise noise1 = noise_now();
  std::vector<hp::bench::HostStallMonitor::Stall> stalls;
  if (monitor) {
    monitor->stop();
    stalls = monitor->stalls();
  }
  double thread_cpu = cpu_s(RUSAGE_THREAD) - thread0, proc_cpu = cpu_s(RUSAGE_SELF) - proc0;
  kill(server, SIGTERM);
  int st = 0;
  rusage server_ru{};
  wait4(server, &st, 0, &server_ru);
  std::filesystem::remove(out_file);
  std::vector<double> transit_ms, late_ms, deliver_ms, clean_err_ms;
  for (const auto& [id, c] : by_id)  // the error window: from the first chunk's due time to its arrival
    if (!met_stall(stalls, c.sent + ttft_ms * 1'000'000LL, c.first))
      clean_err_ms.push_back(static_cast<double>(c.first - c.sent) / 1e6 - ttft_ms);
  double stall_total_ms = 0, stall_max_ms = 0;
  for (const auto& s : stalls) {
    stall_total_ms += static_cast<double>(s.to_ns - s.from_ns) / 1e6;
    stall_max_ms = std::max(stall_max_ms, static_cast<double>(s.to_ns - s.from_ns) / 1e6);
  }
  // HOTPATH_BENCH_DUMP=FILE: one line per request, "<sent epoch ns> <transit> <lateness> <delivery>" (ms).
  FILE* dump =
      std::getenv("HOTPATH_BENCH_DUMP") ? std::fopen(std::getenv("HOTPATH_BENCH_DUMP"), "w") : nullptr;
  {
    std::ifstream in(timing_file);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      std::string id;
      long long recv = 0, due = 0, written = 0;
      if (!(ls >> id >> recv >> due >> written)) continue;
      auto it = by_id.find(id);
      if (it == by_id.end()) continue;  // warm-up or failed
      transit_ms.push_back(static_cast<double>(recv - it->second.sent) / 1e6);
      late_ms.push_back(static_cast<double>(written - due) / 1e6);
      deliver_ms.push_back(static_cast<double>(it->second.first - written) / 1e6);
      if (dump)
        std::fprintf(dump, "%lld %.3f %.3f %.3f\n", static_cast<long long>(it->second.sent),
                     transit_ms.back(), late_ms.back(), deliver_ms.back());
    }
  }
  std::filesystem::remove(timing_file);
  if (dump) std::fclose(dump);

  std::printf(
      "bench_replay: %d concurrent streams, %d requests x %s%d tokens, server TTFT %d ms, ITL %d ms +-%d%%\n",
      streams, requests, fixed_len ? "" : "mean ", out_tokens, ttft_ms, itl_ms, jitter_pct);
  std::printf("  %u CPUs, %s, %s; load average at start: %s\n", ncpu,
              pin && ncpu >= 2 ? "client pinned to CPU 0, server to the others" : "not pinned",
              rt_ok ? "both at SCHED_FIFO"
              : rt  ? "SCHED_FIFO refused"
                    : "normal priority",
              loadavg.c_str());
  std::printf(
      "  ok %llu  failed %llu  (%llu content chunks); with the warm-up: %llu requests in %.2f s = %.0f "
      "req/s, %.0f chunks/s\n",
      static_cast<unsigned long long>(ok), static_cast<unsigned long long>(failed),
      static_cast<unsigned long long>(chunks), static_cast<unsigned long long>(all_requests), wall,
      static_cast<double>(all_requests) / wall, static_cast<double>(all_chunks) / wall);
  std::printf(
      "  host noise during the run: steal %.0f ms (all CPUs); client involuntary context switches %ld, "
      "server's %ld; major page faults: client %ld, server %ld\n",
      noise1.steal_ms - noise0.steal_ms, noise1.client_nivcsw - noise0.client_nivcsw, server_ru.ru_nivcsw,
      noise1.client_majflt - noise0.client_majflt, server_ru.ru_majflt);
  std::printf(
      "  client CPU per request (%llu, warm-up included): event-loop thread %.1f us, whole process %.1f us\n",
      static_cast<unsigned long long>(all_requests), thread_cpu / static_cast<double>(all_requests) * 1e6,
      proc_cpu / static_cast<double>(all_requests) * 1e6);
  std::printf(
      "  server process CPU (whole life, warm-up included): user %.2f s, system %.2f s\n",
      static_cast<double>(server_ru.ru_utime.tv_sec) + static_cast<double>(server_ru.ru_utime.tv_usec) / 1e6,
      static_cast<double>(server_ru.ru_stime.tv_sec) + static_cast<double>(server_ru.ru_stime.tv_usec) / 1e6);
  std::printf("  TTFT error (measured - scheduled): p50 %.3f ms  p99 %.3f ms  max %.3f ms\n",
              pct(ttft_err_ms, 0.5), pct(ttft_err_ms, 0.99), pct(ttft_err_ms, 1.0));
  if (monitor) {
    std::printf(
        "  host stalls (a %s thread per CPU woke > 0.3 ms late): %zu, %.1f ms in all, longest %.1f ms\n",
        monitor->real_time() ? "SCHED_FIFO" : "normal-priority (SCHED_FIFO refused)", stalls.size(),
        stall_total_ms, stall_max_ms);
    std::printf(
        "  TTFT error over the %zu requests (%.1f%%) that met no host stall: p50 %.3f ms  p99 %.3f ms  max "
        "%.3f ms\n",
        clean_err_ms.size(),
        100.0 * static_cast<double>(clean_err_ms.size()) /
            static_cast<double>(std::max<size_t>(1, by_id.size())),
        pct(clean_err_ms, 0.5), pct(clean_err_ms, 0.99), pct(clean_err_ms, 1.0));
  }
  std::printf("  dispatch lag (sent - scheduled): p50 %.3f ms  p99 %.3f ms\n", pct(lag_ms, 0.5),
              pct(lag_ms, 0.99));
  std::printf("  error split over %zu requests (p50 / p99 / max, ms):\n", late_ms.size());
  std::printf("    transit  (server received - client sent)   %8.3f %8.3f %8.3f\n", pct(transit_ms, 0.5),
              pct(transit_ms, 0.99), pct(transit_ms, 1.0));
  std::printf("    lateness (server wrote - schedule due)      %8.3f %8.3f %8.3f\n", pct(late_ms, 0.5),
              pct(late_ms, 0.99), pct(late_ms, 1.0));
  std::printf("    delivery (client first chunk - server wrote) %7.3f %8.3f %8.3f\n", pct(deliver_ms, 0.5),
              pct(deliver_ms, 0.99), pct(deliver_ms, 1.0));
  return failed ? 1 : 0;
}
