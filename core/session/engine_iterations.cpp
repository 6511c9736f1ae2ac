#include "core/session/engine_iterations.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace hp {
namespace {

constexpr std::string_view kPrefix = "iteration.";
constexpr Ns kSecond = 1'000'000'000;

struct Fields {
  double ctx_reqs = -1, ctx_tokens = -1, gen_reqs = -1, gen_tokens = -1, elapsed_ms = -1;
};

double* field(Fields& f, std::string_view name) {
  if (name == "ctx_reqs") return &f.ctx_reqs;
  if (name == "ctx_tokens") return &f.ctx_tokens;
  if (name == "gen_reqs") return &f.gen_reqs;
  if (name == "gen_tokens") return &f.gen_tokens;
  if (name == "elapsed_ms") return &f.elapsed_ms;
  return nullptr;
}

uint32_t count(double v) {
  return v > 0 ? static_cast<uint32_t>(std::min(v, 4e9)) : 0;
}

IterationKind kind_of(const IterationRow& r) {
  const bool ctx = r.ctx_reqs > 0 || r.ctx_tokens > 0, gen = r.gen_reqs > 0 || r.gen_tokens > 0;
  return ctx && gen ? IterationKind::Mixed
         : ctx      ? IterationKind::Prefill
         : gen      ? IterationKind::Decode
                    : IterationKind::Idle;
}

}  // namespace

EngineIterations engine_iterations(const std::vector<serving::MetricSeries>& log_series) {
  // (labels, ts, order within ts) -> fields
  std::map<std::string, std::map<std::pair<Ns, uint32_t>, Fields>> groups;
  for (const auto& s : log_series) {
    std::string_view name = s.key.name;
    if (name.substr(0, kPrefix.size()) != kPrefix) continue;
    std::string labels = serving::format_series({"", s.key.labels});
    auto& rows = groups[labels];
    Ns last = kNoTime;
    uint32_t nth = 0;
    for (const auto& smp : s.samples) {
      nth = smp.ts_ns == last ? nth + 1 : 0;
      last = smp.ts_ns;
      if (double* f = field(rows[{smp.ts_ns, nth}], name.substr(kPrefix.size()))) *f = smp.value;
    }
  }
  EngineIterations out;
  bool all_whole_seconds = true;
  for (const auto& [labels, rows] : groups)
    for (const auto& [key, f] : rows) all_whole_seconds &= key.first % kSecond == 0;
  out.coarse = all_whole_seconds && !groups.empty();
  for (const auto& [labels, rows] : groups) {
    Ns prev_end = kNoTime;
    for (const auto& [key, f] : rows) {
      IterationRow r;
      r.replica = labels;
      r.ctx_reqs = count(f.ctx_reqs);
      r.ctx_tokens = count(f.ctx_tokens);
      r.gen_reqs = count(f.gen_reqs);
      r.gen_tokens = count(f.gen_tokens);
      r.kind = kind_of(r);
      r.dur = f.elapsed_ms > 0 ? static_cast<Ns>(f.elapsed_ms * 1e6) : 0;
      if (out.coarse)  // ended somewhere in [ts, ts + 1 s): lay out after the previous one
        r.start = std::max(key.first, prev_end == kNoTime ? key.first : prev_end);
      else
        r.start = key.first - r.dur;
      prev_end = r.start + r.dur;
      out.rows.push_back(std::move(r));
    }
  }
  return out;
}

void append_iteration(IterationTable& t, const IterationRow& r, uint32_t source, StringPool& strings) {
  t.start.push_back(r.start);
  t.dur.push_back(r.dur);
  t.kind.push_back(r.kind);
  t.ctx_reqs.push_back(r.ctx_reqs);
  t.ctx_tokens.push_back(r.ctx_tokens);
  t.gen_reqs.push_back(r.gen_reqs);
  t.gen_tokens.push_back(r.gen_tokens);
  t.replica.push_back(strings.intern(r.replica));
  t.source.push_back(source);
}

}  // namespace hp
