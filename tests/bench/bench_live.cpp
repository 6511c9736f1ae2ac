// Live attach costs (issue 18): publishing a snapshot at 10k, 100k and 1M requests (the first one,
// which builds everything, then the next ones, which append what came since), against a memcpy of
// the same request bytes in the same run; then the workbench's frame time (CPU, headless ImGui) while a
// capture grows at 1,000 requests/s and the publisher republishes.
//   bench_live [MAX_REQUESTS=1000000] [SECONDS=5]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "app/live_publisher.h"
#include "app/workbench.h"
#include "core/session/live_serving.h"
#include "core/session/live_session_builder.h"
#include "support/imgui_harness.h"

using namespace hp;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

serving::RequestRecord request(size_t i, int64_t t0) {
  serving::RequestRecord r;
  r.request_id = "hp-bench-" + std::to_string(i);
  const int64_t t = t0 + static_cast<int64_t>(i) * 1'000'000;  // 1,000 requests/s
  r.scheduled_ns = r.sent_ns = t;
  r.first_token_ns = r.first_chunk_ns = t + 50'000'000;
  r.end_ns = t + 130'000'000;
  for (int k = 0; k < 8; ++k) r.token_chunk_ns.push_back(r.first_token_ns + k * 10'000'000);
  r.prompt_tokens = 512;
  r.output_tokens = 8;
  return r;
}

void fill(LiveServing& live, size_t from, size_t to, int64_t t0) {
  for (size_t i = from; i < to; ++i) {
    live.add_request(request(i, t0));
    if (i % 250 == 0)  // 4 scrapes/s of 20 gauges
      for (int s = 0; s < 20; ++s)
        live.add_samples({"vllm:gauge_" + std::to_string(s), {}},
                         {{t0 + static_cast<int64_t>(i) * 1'000'000, static_cast<double>(i % 97)}});
  }
}

}  // namespace

int main(int argc, char** argv) {
  const size_t max_n = argc > 1 ? std::stoul(argv[1]) : 1'000'000;
  const double seconds = argc > 2 ? std::stod(argv[2]) : 5;
  const int64_t t0 = 1'700'000'000'000'000'000;
  std::printf(
      "publish: the first snapshot (every request), then the median of 20 snapshots each 250 requests later "
      "(a quarter second at 1,000 requests/s), against a memcpy of the request bytes\n");
  for (size_t n : {size_t{10'000}, size_t{100'000}, size_t{1'000'000}}) {
    if (n > max_n) break;
    LiveServing live;
    fill(live, 0, n, t0);
    const size_t bytes = n * (sizeof(serving::RequestRecord) + 8 * sizeof(int64_t) + 16);
    std::vector<char> a(bytes, 1), b(bytes);
    auto tm = Clock::now();
    std::memcpy(b.data(), a.data(), bytes);
    const double memcpy_ms = ms_since(tm);
    auto run = std::make_shared<const Run>();
    LiveSessionBuilder builder("bench");
    auto t1 = Clock::now();
    Snapshot first = builder.update(live, run);
    const double first_ms = ms_since(t1);
    std::vector<double> next;
    size_t rebuilt = 0;
    for (size_t k = 0; k < 20; ++k) {
      fill(live, n + k * 250, n + (k + 1) * 250, t0);
      auto t2 = Clock::now();
      Snapshot snap = builder.update(live, run);
      next.push_back(ms_since(t2));
      rebuilt += builder.rebuilt();
      if (snap.session->requests.size() != n + (k + 1) * 250) std::printf("  WRONG request count\n");
    }
    std::sort(next.begin(), next.end());
    std::printf(
        "  %8zu requests: first %8.1f ms; next: median %.1f ms, max %.1f ms (%zu started over); memcpy of "
        "%zu MB "
        "%.1f ms; median/memcpy %.2fx\n",
        n, first_ms, next[next.size() / 2], next.back(), rebuilt, bytes >> 20, memcpy_ms,
        next[next.size() / 2] / std::max(memcpy_ms, 1e-3));
  }

  // Frames while the capture grows at 1,000 requests/s on top of 100k already captured.
  LiveServing live;
  const size_t preload = std::min<size_t>(100'000, max_n);
  fill(live, 0, preload, t0);
  LivePublisher pub(&live, "bench");
  pub.start();
  std::atomic<bool> stop{false};
  std::thread producer([&] {
    size_t i = preload;
    auto next = Clock::now();
    while (!stop) {
      fill(live, i, i + 10, t0);  // 10 every 10 ms
      i += 10;
      next += std::chrono::milliseconds(10);
      std::this_thread::sleep_until(next);
    }
  });
  test::ImGuiHarness h(1600, 1000);
  Workbench wb(Settings{});
  wb.attach_live(&pub, nullptr);
  std::vector<double> frames;
  auto end = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    auto f0 = Clock::now();
    wb.poll();
    h.frame([&] { wb.draw(); });
    frames.push_back(ms_since(f0));
    std::this_thread::sleep_for(std::chrono::milliseconds(16));
  }
  stop = true;
  producer.join();
  pub.stop();
  std::sort(frames.begin(), frames.end());
  const PublishStats ps = pub.stats();
  std::printf(
      "frames at 1,000 requests/s (from %zu to %zu requests): %zu frames, median %.2f ms, p99 %.2f ms; "
      "%llu snapshots, %.1f ms each on average, %.1f ms at most\n",
      preload, live.requests(), frames.size(), frames[frames.size() / 2], frames[frames.size() * 99 / 100],
      static_cast<unsigned long long>(ps.published), ps.total_ms / std::max<uint64_t>(1, ps.published),
      ps.max_ms);
  return 0;
}
