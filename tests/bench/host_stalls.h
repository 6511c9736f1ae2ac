#pragma once
// Host stall detector for latency benchmarks (the idea of jHiccup and cyclictest): one thread per CPU
// sleeps to absolute 1 ms deadlines and records every wake-up later than a threshold. At a higher
// real-time priority than the measured processes, a late wake-up means the CPU ran nobody of ours:
// the hypervisor stole it (steal time) or the kernel held it. A benchmark can then tell the error its
// subject made from the error the machine imposed, and report both.
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace hp::bench {

class HostStallMonitor {
 public:
  struct Stall {
    int64_t from_ns, to_ns;  // CLOCK_REALTIME: the missed deadline and the late wake-up
    int cpu;
  };

  // rt_priority > 0 asks for SCHED_FIFO at that priority (root); without it the threads also see
  // ordinary scheduling delays. threshold_ns: smaller delays are timer noise and not recorded.
  HostStallMonitor(unsigned cpus, int rt_priority, int64_t threshold_ns = 300'000)
      : threshold_(threshold_ns) {
    for (unsigned c = 0; c < cpus; ++c)
      threads_.emplace_back([this, c, rt_priority] { watch(c, rt_priority); });
  }
  ~HostStallMonitor() { stop(); }
  HostStallMonitor(const HostStallMonitor&) = delete;
  HostStallMonitor& operator=(const HostStallMonitor&) = delete;

  void stop() {
    stop_ = true;
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  bool real_time() const { return rt_ok_.load(); }
  // After stop(): every stall, by start time.
  std::vector<Stall> stalls() {
    std::lock_guard lock(mu_);
    std::sort(stalls_.begin(), stalls_.end(),
              [](const Stall& a, const Stall& b) { return a.from_ns < b.from_ns; });
    return stalls_;
  }

 private:
  static int64_t now(clockid_t clock) {
    timespec ts;
    clock_gettime(clock, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
  }

  void watch(unsigned cpu, int rt_priority) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    sched_param sp{};
    sp.sched_priority = rt_priority;
    bool rt = rt_priority > 0 && pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) == 0;
    if (rt) rt_ok_ = true;
    const int64_t to_epoch = now(CLOCK_REALTIME) - now(CLOCK_MONOTONIC);
    int64_t next = now(CLOCK_MONOTONIC);
    std::vector<Stall> mine;
    while (!stop_) {
      next += 1'000'000;
      timespec ts{static_cast<time_t>(next / 1'000'000'000), static_cast<long>(next % 1'000'000'000)};
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
      int64_t woke = now(CLOCK_MONOTONIC);
      if (woke - next > threshold_) mine.push_back({next + to_epoch, woke + to_epoch, static_cast<int>(cpu)});
      next = std::max(next, woke - 1'000'000);  // after a long stall, resume the 1 ms grid from now
    }
    std::lock_guard lock(mu_);
    stalls_.insert(stalls_.end(), mine.begin(), mine.end());
  }

  int64_t threshold_;
  std::atomic<bool> stop_{false}, rt_ok_{false};
  std::mutex mu_;
  std::vector<Stall> stalls_;
  std::vector<std::thread> threads_;
};

}  // namespace hp::bench
