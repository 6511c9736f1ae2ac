#include "capture/dashboard.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace hp::capture {
namespace {

std::string bar(double frac, int width) {
  frac = std::clamp(frac, 0.0, 1.0);
  int full = static_cast<int>(std::lround(frac * width));
  std::string s;
  for (int i = 0; i < width; ++i) s += i < full ? "#" : ".";
  return s;
}

std::string num(double v, const char* fmt_spec) {
  return std::isnan(v) ? std::string("-") : fmt::format(fmt::runtime(fmt_spec), v);
}

}  // namespace

Dashboard::Dashboard(FILE* out, bool tty, bool color, double plain_every_s)
    : out_(out), tty_(tty), color_(color), plain_every_s_(plain_every_s) {}

Dashboard Dashboard::for_stdout() {
  bool tty = isatty(fileno(stdout));
  const char* term = std::getenv("TERM");
  bool color = tty && !std::getenv("NO_COLOR") && !(term && std::strcmp(term, "dumb") == 0);
  return Dashboard(stdout, tty, color);
}

std::string Dashboard::render(const DashboardSnapshot& s, bool color) const {
  auto c = [&](const char* code, const std::string& text) {
    return color ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : text;
  };
  double req_s = s.elapsed_s > 0 ? static_cast<double>(s.ok + s.failed) / s.elapsed_s : 0;
  double tok_s = s.elapsed_s > 0 ? static_cast<double>(s.output_tokens) / s.elapsed_s : 0;
  double frac = s.duration_s > 0 ? s.elapsed_s / s.duration_s
                : s.total        ? static_cast<double>(s.ok + s.failed) / static_cast<double>(s.total)
                                 : 0;
  std::string progress =
      s.total ? fmt::format("{}/{}", s.ok + s.failed, s.total) : fmt::format("{}", s.ok + s.failed);
  std::string l1 =
      fmt::format("{} {} {:.1f}s{}  {} requests", s.warmup ? "warm-up " : "time    ", c("36", bar(frac, 24)),
                  s.elapsed_s, s.duration_s > 0 ? fmt::format("/{:.0f}s", s.duration_s) : "", progress);
  std::string l2 = fmt::format("client   {} ok  {} failed  {} in flight  {:.1f} req/s  {:.0f} tok/s",
                               c("32", std::to_string(s.ok)),
                               c(s.failed ? "31" : "0", std::to_string(s.failed)), s.in_flight, req_s, tok_s);
  std::string l3 = fmt::format("server   running {}  waiting {}  KV {}%", num(s.running, "{:.0f}"),
                               num(s.waiting, "{:.0f}"), num(s.kv_usage * 100, "{:.1f}"));
  return l1 + "\n" + l2 + "\n" + l3 + "\n";
}

void Dashboard::update(const DashboardSnapshot& s) {
  if (tty_) {
    if (drawn_lines_) std::fprintf(out_, "\x1b[%dF\x1b[J", drawn_lines_);
    std::string text = render(s, color_);
    std::fputs(text.c_str(), out_);
    drawn_lines_ = 3;
  } else if (s.elapsed_s - last_plain_ >= plain_every_s_) {
    last_plain_ = s.elapsed_s;
    std::string text = render(s, false);
    for (char& ch : text)
      if (ch == '\n') ch = ' ';
    std::fprintf(out_, "serve-profile: %s\n", text.c_str());
  }
  std::fflush(out_);
}

void Dashboard::finish(const DashboardSnapshot& s) {
  last_plain_ = -1e9;
  update(s);
}

}  // namespace hp::capture
