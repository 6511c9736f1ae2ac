#include "core/serving/vllm_log.h"

#include <re2/re2.h>

#include <charconv>
#include <cstdlib>
#include <optional>

#include "core/serving/log_lines.h"

namespace hp::serving {
namespace {

int64_t to_i64(const std::string& s, int64_t fallback = -1) {
  if (s.empty()) return fallback;
  int64_t v = 0;
  std::string digits;
  for (char c : s)
    if (c != ',') digits += c;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  return ec == std::errc() && p == digits.data() + digits.size() ? v : fallback;
}
double to_f64(const std::string& s, double fallback = -1) {
  if (s.empty()) return fallback;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() ? v : fallback;
}

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}
bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// "-<8 hex>" suffix removed, or nullopt.
std::optional<std::string_view> strip_engine_suffix(std::string_view s) {
  if (s.size() < 10 || s[s.size() - 9] != '-') return std::nullopt;
  for (size_t i = s.size() - 8; i < s.size(); ++i)
    if (!is_lower_hex(s[i])) return std::nullopt;
  return s.substr(0, s.size() - 9);
}
// Length without a trailing "-<digits>", or npos when there is none.
size_t index_suffix_start(std::string_view s) {
  size_t i = s.size();
  while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9') --i;
  if (i == s.size() || i < 2 || s[i - 1] != '-') return std::string_view::npos;
  return i - 1;
}

struct Rules {
  RE2 prefix{
      R"(^(?:\(([A-Za-z0-9_]+) pid=(\d+)\) )?(DEBUG|INFO|WARNING|ERROR|CRITICAL) (\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:[.,](\d+))? \[?([\w.]+):(\d+)\] ?(.*)$)"};
  RE2 uvicorn{R"(^(?:\(([A-Za-z0-9_]+) pid=(\d+)\) )?(?:INFO|WARNING|ERROR):\s+(.*)$)"};
  RE2 access{R"(^(\S+) - "([A-Z]+) (\S+) HTTP/[\d.]+" (\d{3}))"};
  RE2 v1_stats{
      R"((?:(?:Engine (\d+)|(\d+) Engines Aggregated): )?Avg prompt throughput: ([\d.]+) tokens/s, Avg generation throughput: ([\d.]+) tokens/s, Running: (\d+) reqs, Waiting: (\d+) reqs, (?:Preemptions: (\d+), )?GPU KV cache usage: ([\d.]+)%, Prefix cache hit rate: ([\d.]+)%(.*)$)"};
  RE2 v0_stats{
      R"(Avg prompt throughput: ([\d.]+) tokens/s, Avg generation throughput: ([\d.]+) tokens/s, Running: (\d+) reqs, Swapped: (\d+) reqs, Pending: (\d+) reqs, GPU KV cache usage: ([\d.]+)%, CPU KV cache usage: ([\d.]+)%)"};
  RE2 v0_prefix{R"(Prefix cache hit rate: GPU: ([\d.]+)%, CPU: ([\d.]+)%)"};
  RE2 corrupted{R"(Corrupted: (\d+) reqs)"};
  RE2 ext_prefix{R"(External prefix cache hit rate: ([\d.]+)%)"};
  RE2 mm_hit{R"(MM cache hit rate: ([\d.]+)%)"};
  RE2 iteration{
      R"(Iteration\((\d+)\): (\d+) context requests, (\d+) context tokens, (\d+) generation requests, (\d+) generation tokens, iteration elapsed time: ([\d.]+) ms( \(dummy\))?)"};
  RE2 received{R"(Received request (\S+?):)"};
  RE2 max_tokens{R"(\bmax_tokens=(\d+))"};
  RE2 added{R"((Added|Finished|Aborted) request (\S+?)\.?$)"};
  RE2 spec{
      R"(SpecDecoding metrics: Mean acceptance length: ([\d.]+), Accepted throughput: ([\d.]+) tokens/s, Drafted throughput: ([\d.]+) tokens/s, Accepted: (\d+) tokens, Drafted: (\d+) tokens, Per-position acceptance rate: ([\d., ]*?), Avg Draft acceptance rate: ([\d.]+|nan)%)"};
  RE2 batch_desc{R"(BatchDescriptor\(num_tokens=(\d+)(?:, uniform_decode=(True|False))?)"};
  RE2 kv_size{R"(GPU KV cache size: ([\d,]+) tokens)"};
  RE2 kv_mem{R"(Available KV cache memory: ([\d.]+) GiB)"};
  RE2 max_conc{R"(Maximum concurrency for ([\d,]+) tokens per request: ([\d.]+)x)"};
  // The engine config line (`tensor_parallel_size=4`) or the non-default args (`'tensor_parallel_size': 4`).
  RE2 tp_size{R"(\btensor_parallel_size'?[=:] ?(\d+))"};
  RE2 pp_size{R"(\bpipeline_parallel_size'?[=:] ?(\d+))"};
  RE2 dp_size{R"(\bdata_parallel_size'?[=:] ?(\d+))"};
  RE2 model{R"((?:\bmodel=|'model': )'([^']+)')"};
};

const Rules& rules() {
  static const Rules r;
  return r;
}

struct Parser {
  const VllmLogOptions& opt;
  VllmLog& out;
  std::unordered_set<std::string> received_ids;
  int year = 1970;
  int last_month = 0;
  int64_t last_ts = 0;

  bool message(std::string_view msg, int64_t ts, uint32_t line) {
    const Rules& r = rules();
    std::string a, b, c, d, e, f, g, h, i, j;
    if (msg.find("Avg prompt throughput") != std::string_view::npos) {
      VllmStats s;
      s.ts_ns = ts;
      s.line = line;
      if (RE2::PartialMatch(msg, r.v1_stats, &a, &b, &c, &d, &e, &f, &g, &h, &i, &j)) {
        s.engine = static_cast<int>(to_i64(a));
        s.engines_aggregated = static_cast<int>(to_i64(b, 0));
        s.prompt_tps = to_f64(c);
        s.gen_tps = to_f64(d);
        s.running = to_i64(e);
        s.waiting = to_i64(f);
        s.preemptions = to_i64(g);
        s.gpu_kv_usage_pct = to_f64(h);
        s.prefix_hit_pct = to_f64(i);
        if (RE2::PartialMatch(j, r.corrupted, &a)) s.corrupted = to_i64(a);
        if (RE2::PartialMatch(j, r.ext_prefix, &a)) s.external_prefix_hit_pct = to_f64(a);
        if (RE2::PartialMatch(j, r.mm_hit, &a)) s.mm_hit_pct = to_f64(a);
      } else if (RE2::PartialMatch(msg, r.v0_stats, &a, &b, &c, &d, &e, &f, &g)) {
        s.v0 = true;
        s.prompt_tps = to_f64(a);
        s.gen_tps = to_f64(b);
        s.running = to_i64(c);
        s.swapped = to_i64(d);
        s.waiting = to_i64(e);
        s.gpu_kv_usage_pct = to_f64(f);
        s.cpu_kv_usage_pct = to_f64(g);
      } else {
        ++out.malformed;
        return true;
      }
      out.stats.push_back(s);
      return true;
    }
    if (RE2::PartialMatch(msg, r.v0_prefix, &a, &b)) {
      if (!out.stats.empty() && out.stats.back().v0) out.stats.back().prefix_hit_pct = to_f64(a);
      return true;
    }
    if (msg.find("Iteration(") != std::string_view::npos) {
      if (!RE2::PartialMatch(msg, r.iteration, &a, &b, &c, &d, &e, &f, &g)) {
        ++out.malformed;
        return true;
      }
      out.iterations.push_back(
          {ts, line, to_i64(a), to_i64(b), to_i64(c), to_i64(d), to_i64(e), to_f64(f), !g.empty()});
      return true;
    }
    if (RE2::PartialMatch(msg, r.received, &a)) {
      VllmRequestEvent ev{ts, line, VllmRequestEventKind::Received, a, {}, {}, -1};
      auto ids = canonical_request_id(a, &received_ids);
      ev.server_id = ids.server_id;
      ev.client_id = ids.client_id;
      received_ids.insert(ev.server_id);
      if (RE2::PartialMatch(msg, r.max_tokens, &b)) ev.max_tokens = to_i64(b);
      out.requests.push_back(std::move(ev));
      return true;
    }
    if (RE2::PartialMatch(msg, r.added, &a, &b)) {
      auto kind = a == "Added"      ? VllmRequestEventKind::Added
                  : a == "Finished" ? VllmRequestEventKind::Finished
                                    : VllmRequestEventKind::Aborted;
      auto ids = canonical_request_id(b, &received_ids);
      out.requests.push_back({ts, line, kind, b, ids.server_id, ids.client_id, -1});
      return true;
    }
    if (msg.find("SpecDecoding metrics") != std::string_view::npos) {
      VllmSpecDecode s;
      if (!RE2::PartialMatch(msg, r.spec, &a, &b, &c, &d, &e, &f, &g)) {
        ++out.malformed;
        return true;
      }
      s.ts_ns = ts;
      s.line = line;
      s.mean_acceptance_length = to_f64(a);
      s.accepted_tps = to_f64(b);
      s.drafted_tps = to_f64(c);
      s.accepted = to_i64(d);
      s.drafted = to_i64(e);
      std::string_view list = f;
      while (!list.empty()) {
        size_t comma = list.find(',');
        std::string item(list.substr(0, comma));
        item.erase(0, item.find_first_not_of(' '));
        if (!item.empty()) s.per_position.push_back(to_f64(item));
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
      }
      s.avg_acceptance_pct = g == "nan" ? -1 : to_f64(g);
      out.spec_decode.push_back(std::move(s));
      return true;
    }
    if (msg.find("EngineCore loop active") != std::string_view::npos) {
      out.engine_events.push_back({ts, line, VllmEngineEventKind::LoopActive, -1, -1});
      return true;
    }
    if (msg.find("EngineCore waiting for work") != std::string_view::npos) {
      out.engine_events.push_back({ts, line, VllmEngineEventKind::WaitingForWork, -1, -1});
      return true;
    }
    if (RE2::PartialMatch(msg, r.batch_desc, &a, &b)) {
      out.engine_events.push_back(
          {ts, line, VllmEngineEventKind::Batch, to_i64(a), b.empty() ? -1 : (b == "True" ? 1 : 0)});
      return true;
    }
    bool cap = false;
    if (RE2::PartialMatch(msg, r.kv_size, &a)) out.capacity.kv_cache_tokens = to_i64(a), cap = true;
    if (RE2::PartialMatch(msg, r.kv_mem, &a)) out.capacity.available_kv_gib = to_f64(a), cap = true;
    // Each size from the first line that gives it (the non-default args line may give only tp).
    for (auto [re, v] : {std::pair{&r.tp_size, &out.capacity.tensor_parallel_size},
                         std::pair{&r.pp_size, &out.capacity.pipeline_parallel_size},
                         std::pair{&r.dp_size, &out.capacity.data_parallel_size}})
      if (*v < 0 && RE2::PartialMatch(msg, *re, &a)) *v = to_i64(a), cap = true;
    if (out.capacity.model.empty() && RE2::PartialMatch(msg, r.model, &a)) out.capacity.model = a, cap = true;
    if (RE2::PartialMatch(msg, r.max_conc, &a, &b)) {
      out.capacity.max_concurrency_tokens = to_i64(a);
      out.capacity.max_concurrency = to_f64(b);
      cap = true;
    }
    return cap;
  }

  void segment(uint32_t line, std::string_view seg) {
    ++out.segments;
    const Rules& r = rules();
    std::string proc, pid, lvl, mo, dd, hh, mi, ss, frac, file, fline, msg;
    if (RE2::FullMatch(seg, r.prefix, &proc, &pid, &lvl, &mo, &dd, &hh, &mi, &ss, &frac, &file, &fline,
                       &msg)) {
      ++out.prefixed;
      int month = static_cast<int>(to_i64(mo));
      if (last_month && month < last_month - 6) ++year;  // Dec -> Jan
      last_month = month;
      int64_t ts = civil_to_epoch_ns(year, month, static_cast<int>(to_i64(dd)), static_cast<int>(to_i64(hh)),
                                     static_cast<int>(to_i64(mi)), static_cast<int>(to_i64(ss)),
                                     fraction_to_ns(frac)) -
                   opt.utc_offset_s * 1000000000LL;
      last_ts = ts;
      if (!message(msg, ts, line)) ++out.unrecognized;
      return;
    }
    std::string client, method, path, status;
    if (RE2::FullMatch(seg, r.uvicorn, &proc, &pid, &msg)) {
      ++out.prefixed;
      if (RE2::PartialMatch(msg, r.access, &client, &method, &path, &status))
        out.access.push_back({last_ts, line, client, method, path, static_cast<int>(to_i64(status))});
      else
        ++out.unrecognized;
      return;
    }
    ++out.unprefixed;
  }
};

}  // namespace

RequestIds canonical_request_id(std::string_view raw, const std::unordered_set<std::string>* known) {
  while (!raw.empty() && (raw.back() == '.' || raw.back() == ',')) raw.remove_suffix(1);
  std::string_view server = raw;
  if (auto base = strip_engine_suffix(raw)) {
    std::string b(*base), r(raw);
    if (known && known->count(b))
      server = *base;
    else if (known && known->count(r))
      server = raw;
    else if (starts_with(raw, "cmpl-") && index_suffix_start(*base) != std::string_view::npos)
      server = *base;
    else if (starts_with(raw, "chatcmpl-") || starts_with(raw, "responses-"))
      server = *base;
  }
  std::string_view client = server;
  if (starts_with(client, "cmpl-")) {
    client.remove_prefix(5);
    size_t idx = index_suffix_start(client);
    if (idx != std::string_view::npos) client = client.substr(0, idx);
  } else if (starts_with(client, "chatcmpl-")) {
    client.remove_prefix(9);
  } else if (starts_with(client, "responses-")) {
    client.remove_prefix(10);
  }
  return {std::string(server), std::string(client)};
}

VllmLog parse_vllm_log(std::string_view text, const VllmLogOptions& opt) {
  VllmLog out;
  Parser p{opt, out, {}, opt.year, 0, 0};
  uint32_t last_line = 0;
  for_each_log_segment(text, [&](uint32_t line, uint64_t, std::string_view seg) {
    last_line = line;
    p.segment(line, seg);
  });
  out.lines = last_line;
  return out;
}

}  // namespace hp::serving
