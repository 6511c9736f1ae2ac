#include "core/serving/trtllm_log.h"

#include <re2/re2.h>

#include <charconv>
#include <string>

#include "core/serving/log_lines.h"

namespace hp::serving {
namespace {

int64_t to_i64(std::string_view s, int64_t fallback = -1) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() ? v : fallback;
}
double to_f64(std::string_view s, double fallback = -1) {
  if (s.size() > 2 && s.substr(s.size() - 2) == "ms") s.remove_suffix(2);
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() ? v : fallback;
}

}  // namespace

TrtllmLog parse_trtllm_log(std::string_view text) {
  static const RE2 field(R"(([a-z_]+)\s*(?:=|:)\s*([^,{}]*?)\s*(?:,|$))");
  static const RE2 state(R"('([a-z_]+)':\s*(\d+))");
  static const RE2 ymd(R"(^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?$)");
  static const RE2 mdy(R"(^(\d\d)-(\d\d)-(\d{4}) (\d\d):(\d\d):(\d\d)$)");
  TrtllmLog out;
  for_each_log_segment(text, [&](uint32_t line, uint64_t, std::string_view seg) {
    out.lines = line;
    size_t at = seg.find("iter = ");
    if (at == std::string_view::npos) return;
    std::string_view body = seg.substr(at);
    size_t st = body.find("states = {");
    if (st == std::string_view::npos) {
      ++out.malformed;
      return;
    }
    TrtllmIteration it;
    it.line = line;
    std::string head(body.substr(0, st)), key, val;
    re2::StringPiece hp(head);
    while (RE2::FindAndConsume(&hp, field, &key, &val)) {
      if (key == "iter")
        it.iter = to_i64(val, 0);
      else if (key == "global_rank")
        it.global_rank = static_cast<int>(to_i64(val));
      else if (key == "rank")
        it.rank = static_cast<int>(to_i64(val));
      else if (key == "num_scheduled_requests")
        it.num_scheduled_requests = to_i64(val);
      else if (key == "kv_cache_util")
        it.kv_cache_util = to_f64(val);
      else if (key == "host_step_time")
        it.host_step_ms = to_f64(val);
      else if (key == "prev_device_step_time")
        it.prev_device_step_ms = to_f64(val);
      else if (key == "currank_total_requests") {
        size_t slash = val.find('/');
        if (slash != std::string::npos) {
          it.active_requests = to_i64(std::string_view(val).substr(0, slash));
          it.total_requests = to_i64(std::string_view(val).substr(slash + 1));
        }
      } else if (key == "timestamp") {
        std::string a, b, c, h, m, s, f;
        if (RE2::FullMatch(val, ymd, &a, &b, &c, &h, &m, &s, &f))
          it.ts_ns = civil_to_epoch_ns(int(to_i64(a)), int(to_i64(b)), int(to_i64(c)), int(to_i64(h)),
                                       int(to_i64(m)), int(to_i64(s)), fraction_to_ns(f));
        else if (RE2::FullMatch(val, mdy, &b, &c, &a, &h, &m, &s))
          it.ts_ns = civil_to_epoch_ns(int(to_i64(a)), int(to_i64(b)), int(to_i64(c)), int(to_i64(h)),
                                       int(to_i64(m)), int(to_i64(s)));
      }
    }
    std::string states(body.substr(st));
    re2::StringPiece sp(states);
    while (RE2::FindAndConsume(&sp, state, &key, &val)) {
      if (key == "num_ctx_requests")
        it.ctx_requests = to_i64(val);
      else if (key == "num_ctx_tokens")
        it.ctx_tokens = to_i64(val);
      else if (key == "num_generation_tokens")
        it.gen_tokens = to_i64(val);
      else if (key == "cached_kv_tokens")
        it.cached_kv_tokens = to_i64(val);
    }
    // Older builds print `num_scheduled_requests: 3` after the states dict.
    std::string tail(body.substr(st)), n;
    static const RE2 sched(R"(num_scheduled_requests:\s*(\d+))");
    if (it.num_scheduled_requests < 0 && RE2::PartialMatch(tail, sched, &n))
      it.num_scheduled_requests = to_i64(n);
    out.iterations.push_back(it);
  });
  return out;
}

}  // namespace hp::serving
