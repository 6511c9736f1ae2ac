#include "core/serving/sglang_log.h"

#include <re2/re2.h>

#include <charconv>

#include "core/serving/log_lines.h"

namespace hp::serving {
namespace {

int64_t to_i64(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() ? v : -1;
}
int to_int(const std::string& s) {
  return static_cast<int>(to_i64(s));
}

bool num(std::string_view s, double& out) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == ',')) s.remove_suffix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Applies one `key: value` field to the record; unknown keys are ignored.
void apply_field(SglangBatch& b, std::string_view key, std::string_view val) {
  double v = 0;
  if (key == "cuda graph" || key == "cpu graph") {
    b.cuda_graph = val.substr(0, 4) == "True" ? 1 : (val.substr(0, 5) == "False" ? 0 : -1);
    return;
  }
  if (!num(val, v)) return;
  auto i = static_cast<int64_t>(v);
  if (key == "#new-seq")
    b.new_seq = i;
  else if (key == "#new-token")
    b.new_token = i;
  else if (key == "#cached-token")
    b.cached_token = i;
  else if (key == "#token" || key == "#full token")
    b.num_token = i;
  else if (key == "token usage" || key == "full token usage")
    b.token_usage = v;
  else if (key == "swa token usage")
    b.swa_token_usage = v;
  else if (key == "#running-req")
    b.running_req = i;
  else if (key == "#queue-req")
    b.queue_req = i;
  else if (key == "#prealloc-req")
    b.prealloc_req = i;
  else if (key == "#inflight-req")
    b.inflight_req = i;
  else if (key == "#transfer-req")
    b.transfer_req = i;
  else if (key == "#retracted-req")
    b.retracted_req = i;
  else if (key == "gen throughput (token/s)")
    b.gen_throughput = v;
  else if (key == "input throughput (token/s)")
    b.input_throughput = v;
  else if (key == "accept len")
    b.accept_len = v;
  else if (key == "accept rate")
    b.accept_rate = v;
}

}  // namespace

SglangLog parse_sglang_log(std::string_view text, int64_t utc_offset_s) {
  static const RE2 prefix(
      R"(^\[(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:[,.](\d+))?((?: [A-Z]{2}\d+)*)\] (.*)$)");
  static const RE2 batch(R"((Prefill|Decode) batch(?: \[(\d+)\])?[.,] (.*)$)");
  static const RE2 rank(R"(([A-Z]{2})(\d+))");
  static const RE2 retract(R"((?:Retract requests|Testing retraction)\. #retracted_reqs: (\d+))");
  static const RE2 iso(R"((\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?)");
  SglangLog out;
  for_each_log_segment(text, [&](uint32_t line, uint64_t, std::string_view seg) {
    out.lines = line;
    std::string y, mo, d, h, mi, s, frac, ranks, msg;
    if (!RE2::FullMatch(seg, prefix, &y, &mo, &d, &h, &mi, &s, &frac, &ranks, &msg)) {
      ++out.unprefixed;
      return;
    }
    ++out.prefixed;
    const int64_t ts_ns = civil_to_epoch_ns(to_int(y), to_int(mo), to_int(d), to_int(h), to_int(mi),
                                            to_int(s), fraction_to_ns(frac)) -
                          utc_offset_s * 1000000000LL;
    std::string kind, iter, rest;
    if (!RE2::PartialMatch(msg, batch, &kind, &iter, &rest)) {
      if (const size_t at = msg.find("max_total_num_tokens="); at != std::string::npos)
        out.max_total_num_tokens = to_i64(msg.substr(at + 21, msg.find(',', at) - at - 21));
      if (out.tp_size < 0 && msg.find("ServerArgs(") != std::string::npos) {
        static const RE2 tp_re(R"([ (]tp_size=(\d+))"), pp_re(R"([ (]pp_size=(\d+))"),
            dp_re(R"([ (]dp_size=(\d+))");
        std::string v;
        if (RE2::PartialMatch(msg, tp_re, &v)) out.tp_size = to_i64(v);
        if (RE2::PartialMatch(msg, pp_re, &v)) out.pp_size = to_i64(v);
        if (RE2::PartialMatch(msg, dp_re, &v)) out.dp_size = to_i64(v);
      }
      std::string n;
      if (RE2::PartialMatch(msg, retract, &n)) {
        SglangRetraction r{ts_ns, line, -1, -1, to_i64(n)};
        re2::StringPiece rp(ranks);
        std::string rk, rn;
        while (RE2::FindAndConsume(&rp, rank, &rk, &rn)) {
          if (rk == "DP") r.dp_rank = to_int(rn);
          if (rk == "TP") r.tp_rank = to_int(rn);
        }
        out.retractions.push_back(r);
      }
      return;
    }
    SglangBatch b;
    b.line = line;
    b.prefill = kind == "Prefill";
    b.iter = iter.empty() ? -1 : to_i64(iter);
    b.ts_ns = ts_ns;
    re2::StringPiece rp(ranks);
    std::string rk, rn;
    while (RE2::FindAndConsume(&rp, rank, &rk, &rn)) {
      int n = to_int(rn);
      if (rk == "DP")
        b.dp_rank = n;
      else if (rk == "TP")
        b.tp_rank = n;
      else if (rk == "PP")
        b.pp_rank = n;
      else if (rk == "EP")
        b.ep_rank = n;
    }
    std::string_view fields = rest;
    while (!fields.empty()) {
      size_t comma = fields.find(", ");
      std::string_view f = fields.substr(0, comma);
      size_t colon = f.find(": ");
      if (colon != std::string_view::npos) {
        std::string_view key = f.substr(0, colon), val = f.substr(colon + 2);
        if (key == "timestamp") {
          if (RE2::PartialMatch(std::string(val), iso, &y, &mo, &d, &h, &mi, &s, &frac))
            b.ts_ns = civil_to_epoch_ns(to_int(y), to_int(mo), to_int(d), to_int(h), to_int(mi), to_int(s),
                                        fraction_to_ns(frac)) -
                      utc_offset_s * 1000000000LL;
        } else {
          apply_field(b, key, val);
        }
      }
      if (comma == std::string_view::npos) break;
      fields.remove_prefix(comma + 2);
    }
    if (b.running_req < 0) {
      ++out.malformed;
      return;
    }
    out.batches.push_back(b);
  });
  return out;
}

}  // namespace hp::serving
