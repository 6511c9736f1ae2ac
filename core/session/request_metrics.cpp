#include "core/session/request_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/serving/request_record.h"

namespace hp {
namespace {

struct FieldInfo {
  RequestField field;
  const char* name;
  const char* title;
};
constexpr FieldInfo kFields[] = {
    {RequestField::Arrival, "arrival", "arrival s"},
    {RequestField::Queue, "queue", "queue"},
    {RequestField::Prefill, "prefill", "prefill"},
    {RequestField::Ttft, "ttft", "TTFT"},
    {RequestField::Tpot, "tpot", "TPOT"},
    {RequestField::ItlP50, "itl_p50", "ITL p50"},
    {RequestField::ItlMax, "itl_max", "ITL max"},
    {RequestField::E2e, "e2e", "E2E"},
    {RequestField::InTokens, "in_tokens", "in"},
    {RequestField::CachedTokens, "cached_tokens", "cached"},
    {RequestField::OutTokens, "out_tokens", "out"},
    {RequestField::Id, "id", "id"},
    {RequestField::Status, "status", "status"},
    {RequestField::Replica, "replica", "replica"},
};
static_assert(std::size(kFields) == kRequestFields);

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ms(Ns a, Ns b) {
  return a == kNoTime || b == kNoTime ? kNaN : static_cast<double>(b - a) / 1e6;
}

}  // namespace

const char* field_name(RequestField f) {
  return kFields[static_cast<size_t>(f)].name;
}
const char* field_title(RequestField f) {
  return kFields[static_cast<size_t>(f)].title;
}

std::optional<RequestField> field_from_name(std::string_view name) {
  for (const auto& f : kFields)
    if (name == f.name) return f.field;
  if (name == "itl") return RequestField::ItlP50;
  if (name == "input_tokens" || name == "prompt_tokens") return RequestField::InTokens;
  if (name == "output_tokens") return RequestField::OutTokens;
  return std::nullopt;
}

std::string_view request_text(const Session& s, RequestField f, size_t row) {
  switch (f) {
    case RequestField::Id:
      return s.str(s.requests.id[row]);
    case RequestField::Replica:
      return s.str(s.requests.replica[row]);
    default:
      return serving::to_string(s.requests.status[row]);
  }
}

RequestMetrics request_metrics(const Session& s) {
  const RequestTable& rq = s.requests;
  const size_t n = rq.size();
  RequestMetrics m;
  for (auto& c : m.column) c.assign(n, kNaN);
  auto col = [&](RequestField f) -> std::vector<double>& { return m.column[static_cast<size_t>(f)]; };
  Ns first = INT64_MAX;
  for (size_t i = 0; i < n; ++i)
    if (rq.start_of(i) != kNoTime) first = std::min(first, rq.start_of(i));
  std::vector<Ns> gaps;
  for (size_t i = 0; i < n; ++i) {
    const Ns start = rq.start_of(i);
    if (start != kNoTime) col(RequestField::Arrival)[i] = static_cast<double>(start - first) / 1e6;
    col(RequestField::Queue)[i] = ms(rq.srv_queued[i], rq.srv_scheduled[i]);
    col(RequestField::Prefill)[i] = ms(rq.srv_scheduled[i], rq.srv_prefill_end[i]);
    // Client times; a log-only run has only server times.
    const Ns begin = rq.sent[i] != kNoTime ? rq.sent[i] : rq.srv_received[i];
    const Ns first_tok = rq.first_token[i] != kNoTime ? rq.first_token[i] : rq.srv_prefill_end[i];
    const Ns end = rq.finish[i] != kNoTime ? rq.finish[i] : rq.srv_finished[i];
    col(RequestField::Ttft)[i] = ms(begin, first_tok);
    col(RequestField::E2e)[i] = ms(begin, end);
    if (first_tok != kNoTime && end != kNoTime && rq.output_tokens[i] > 1)  // as RequestRecord::tpot_ns
      col(RequestField::Tpot)[i] = static_cast<double>((end - first_tok) / (rq.output_tokens[i] - 1)) / 1e6;
    const uint32_t ib = rq.itl_begin[i], ie = rq.itl_begin[i + 1];
    if (ie > ib) {
      gaps.assign(rq.itl.begin() + ib, rq.itl.begin() + ie);
      std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
      col(RequestField::ItlP50)[i] = static_cast<double>(gaps[gaps.size() / 2]) / 1e6;
      col(RequestField::ItlMax)[i] = static_cast<double>(*std::max_element(gaps.begin(), gaps.end())) / 1e6;
    }
    col(RequestField::InTokens)[i] = rq.prompt_tokens[i];
    col(RequestField::CachedTokens)[i] = rq.cached_tokens[i];
    col(RequestField::OutTokens)[i] = rq.output_tokens[i];
  }
  return m;
}

}  // namespace hp
