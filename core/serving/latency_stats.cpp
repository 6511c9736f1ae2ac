#include "core/serving/latency_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

namespace hp::serving {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
double ms(int64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

double parse_duration_ms(std::string_view key, std::string_view v) {
  double scale = 1;
  if (v.size() > 2 && v.substr(v.size() - 2) == "ms") {
    v.remove_suffix(2);
  } else if (v.size() > 1 && v.back() == 's') {
    v.remove_suffix(1);
    scale = 1000;
  }
  std::string s(trim(v));
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !(d >= 0) || std::isinf(d))
    throw std::invalid_argument(fmt::format("--slo: '{}' needs a non-negative duration, got '{}'", key, s));
  return d * scale;
}
}  // namespace

Dist distribution(std::vector<double> v) {
  Dist d;
  d.n = v.size();
  if (v.empty()) {
    d.mean = d.p50 = d.p90 = d.p99 = d.max = kNaN;
    return d;
  }
  d.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  d.p50 = percentile(v, 50);
  d.p90 = percentile(v, 90);
  d.p99 = percentile(v, 99);
  d.max = v.back();
  return d;
}

Slo parse_slo(std::string_view text) {
  Slo slo;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (item.empty()) continue;
    size_t eq = item.find_first_of("=:");
    if (eq == std::string_view::npos)
      throw std::invalid_argument(fmt::format("--slo: '{}' is not key=value (e.g. ttft=200,tpot=50)", item));
    std::string_view key = trim(item.substr(0, eq));
    double v = parse_duration_ms(key, item.substr(eq + 1));
    if (key == "ttft")
      slo.ttft_ms = v;
    else if (key == "tpot")
      slo.tpot_ms = v;
    else if (key == "itl")
      slo.itl_ms = v;
    else if (key == "e2e" || key == "e2el")
      slo.e2e_ms = v;
    else
      throw std::invalid_argument(fmt::format("--slo: unknown key '{}' (ttft, tpot, itl, e2e)", key));
  }
  return slo;
}

std::string format_slo(const Slo& slo) {
  std::string out;
  auto add = [&](const char* k, const std::optional<double>& v) {
    if (!v) return;
    if (!out.empty()) out += ',';
    out += fmt::format("{}={}ms", k, *v);
  };
  add("ttft", slo.ttft_ms);
  add("tpot", slo.tpot_ms);
  add("itl", slo.itl_ms);
  add("e2e", slo.e2e_ms);
  return out;
}

LatencyStats latency_stats(const std::vector<RequestRecord>& requests, const Slo& slo) {
  LatencyStats st;
  std::vector<double> ttft, tpot, itl, e2e, queue, prefill, decode;
  int64_t begin = std::numeric_limits<int64_t>::max(), end = std::numeric_limits<int64_t>::min();
  for (const auto& r : requests) {
    if (r.warmup) {
      ++st.warmup;
      continue;
    }
    if (!r.purpose.empty()) {  // --torch-profile's probes measure the profiler run, not the workload
      ++st.probes;
      continue;
    }
    ++st.total;
    const auto& s = r.server;
    // The window: client times, else (requests rebuilt from a server log) the server's own.
    if (r.sent_ns) {
      begin = std::min(begin, r.sent_ns);
      if (r.end_ns) end = std::max(end, r.end_ns);
    } else if (s.received_ns) {
      begin = std::min(begin, s.received_ns);
      end = std::max({end, s.received_ns, s.queued_ns, s.finished_ns});
    }
    if (s.queued_ns && s.scheduled_ns) queue.push_back(ms(s.scheduled_ns - s.queued_ns));
    if (s.scheduled_ns && s.first_token_ns) prefill.push_back(ms(s.first_token_ns - s.scheduled_ns));
    if (s.first_token_ns && s.finished_ns) decode.push_back(ms(s.finished_ns - s.first_token_ns));
    if (r.status != RequestStatus::Ok) {
      ++st.failed;
      continue;
    }
    ++st.ok;
    st.input_tokens += r.prompt_tokens;
    st.output_tokens += r.output_tokens;
    const int64_t t = r.ttft_ns(), e = r.e2e_ns(), p = r.tpot_ns();
    if (t >= 0) ttft.push_back(ms(t));
    if (e >= 0) e2e.push_back(ms(e));
    if (p >= 0) tpot.push_back(ms(p));
    double worst_gap = 0;
    for (size_t i = 1; i < r.token_chunk_ns.size(); ++i) {
      const double g = ms(r.token_chunk_ns[i] - r.token_chunk_ns[i - 1]);
      itl.push_back(g);
      worst_gap = std::max(worst_gap, g);
    }
    if (!slo.empty()) {
      bool good = true;
      if (slo.ttft_ms) good &= t >= 0 && ms(t) <= *slo.ttft_ms;
      if (slo.tpot_ms) good &= (p >= 0 ? ms(p) : 0.0) <= *slo.tpot_ms;
      if (slo.itl_ms) good &= worst_gap <= *slo.itl_ms;
      if (slo.e2e_ms) good &= e >= 0 && ms(e) <= *slo.e2e_ms;
      st.good += good;
    }
  }
  st.ttft_ms = distribution(std::move(ttft));
  st.tpot_ms = distribution(std::move(tpot));
  st.itl_ms = distribution(std::move(itl));
  st.e2e_ms = distribution(std::move(e2e));
  st.queue_ms = distribution(std::move(queue));
  st.prefill_ms = distribution(std::move(prefill));
  st.decode_ms = distribution(std::move(decode));
  if (end > begin) {
    st.window_begin_ns = begin;
    st.window_end_ns = end;
    st.duration_s = static_cast<double>(end - begin) / 1e9;
    st.req_s = static_cast<double>(st.ok) / st.duration_s;
    st.input_tok_s = static_cast<double>(st.input_tokens) / st.duration_s;
    st.output_tok_s = static_cast<double>(st.output_tokens) / st.duration_s;
    st.goodput_req_s = static_cast<double>(st.good) / st.duration_s;
  }
  return st;
}

}  // namespace hp::serving
