#pragma once
// Live terminal dashboard for serve-profile: progress, req/s, ok/failed, and the server's running,
// waiting and KV usage. On a TTY it redraws three lines in place (colours unless NO_COLOR is set or
// TERM=dumb); otherwise it prints one plain line every `plain_every_s` seconds.
#include <cstdint>
#include <cstdio>
#include <string>

namespace hp::capture {

struct DashboardSnapshot {
  double elapsed_s = 0, duration_s = 0;  // duration 0: none
  uint64_t total = 0;                    // 0: unbounded
  uint64_t sent = 0, ok = 0, failed = 0, in_flight = 0, output_tokens = 0;
  double running = 0.0 / 0.0, waiting = 0.0 / 0.0, kv_usage = 0.0 / 0.0;  // NaN: not scraped
  bool warmup = false;
};

class Dashboard {
 public:
  // tty/color as decided by the caller (isatty, NO_COLOR); see for_stdout().
  Dashboard(FILE* out, bool tty, bool color, double plain_every_s = 5);
  static Dashboard for_stdout();
  void update(const DashboardSnapshot& s);
  void finish(const DashboardSnapshot& s);
  // The lines of a snapshot, without escape codes when color is false (tested).
  std::string render(const DashboardSnapshot& s, bool color) const;

 private:
  FILE* out_;
  bool tty_, color_;
  double plain_every_s_, last_plain_ = -1e9;
  int drawn_lines_ = 0;
};

}  // namespace hp::capture
