#include "core/serving/log_lines.h"

namespace hp::serving {

std::string strip_ansi(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {
      size_t j = i + 2;
      while (j < s.size() && !(s[j] >= '@' && s[j] <= '~')) ++j;
      i = j;  // skip the final byte too
      continue;
    }
    out += s[i];
  }
  return out;
}

void for_each_log_segment(std::string_view text,
                          const std::function<void(uint32_t, uint64_t, std::string_view)>& fn) {
  size_t pos = 0;
  uint32_t line = 0;
  std::string clean;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    ++line;
    std::string_view raw = text.substr(pos, end - pos);
    std::string_view l = raw;
    if (raw.find('\x1b') != std::string_view::npos) {
      clean = strip_ansi(raw);
      l = clean;
    }
    size_t seg = 0;
    while (seg <= l.size()) {
      size_t cr = l.find('\r', seg);
      size_t seg_end = cr == std::string_view::npos ? l.size() : cr;
      if (seg_end > seg) fn(line, pos, l.substr(seg, seg_end - seg));
      if (cr == std::string_view::npos) break;
      seg = cr + 1;
    }
    pos = end + 1;
  }
}

int64_t civil_to_epoch_ns(int y, int m, int d, int hh, int mi, int ss, int64_t nanos) {
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy =
      (153 * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
  return ((days * 24 + hh) * 60 + mi) * 60 * 1000000000LL + static_cast<int64_t>(ss) * 1000000000LL + nanos;
}

int64_t fraction_to_ns(std::string_view digits) {
  int64_t ns = 0;
  int n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') break;
    if (n < 9) ns = ns * 10 + (c - '0');
    ++n;
  }
  for (; n < 9; ++n) ns *= 10;
  return ns;
}

}  // namespace hp::serving
