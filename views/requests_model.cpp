#include "views/requests_model.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>

namespace hp {

namespace {

void refilter(RequestsModel& m, const std::string& expr, std::optional<std::pair<Ns, Ns>> range) {
  try {
    RequestFilter f(expr);
    const Session& s = *m.session;
    const RequestTable& rq = s.requests;
    m.rows.clear();
    for (size_t i = 0; i < rq.size(); ++i) {
      if (range) {
        const Ns t = rq.start_of(i);
        if (t == kNoTime || t < range->first || t >= range->second) continue;
      }
      if (f.matches(s, m.metrics, i)) m.rows.push_back(static_cast<uint32_t>(i));
    }
    m.filter_error.clear();
  } catch (const std::invalid_argument& e) {
    m.filter_error = e.what();
  }
  m.filter_text = expr;
  m.range = range;
  if (m.filter_error.empty()) sort_rows(m, m.sort, m.descending);
}

}  // namespace

void set_session(RequestsModel& m, std::shared_ptr<const Session> s) {
  m.session = std::move(s);
  m.metrics = request_metrics(*m.session);
  m.rows.clear();
  refilter(m, m.filter_text, m.range);
  if (!m.filter_error.empty()) refilter(m, "", m.range);
}

void set_filter(RequestsModel& m, const std::string& expr, std::optional<std::pair<Ns, Ns>> range) {
  if (m.session && (expr != m.filter_text || range != m.range)) refilter(m, expr, range);
}

void sort_rows(RequestsModel& m, RequestField field, bool descending) {
  m.sort = field;
  m.descending = descending;
  if (!m.session) return;
  const Session& s = *m.session;
  if (is_numeric(field)) {
    const std::vector<double>& v = m.metrics.column[static_cast<size_t>(field)];
    std::stable_sort(m.rows.begin(), m.rows.end(), [&](uint32_t a, uint32_t b) {
      const bool na = std::isnan(v[a]), nb = std::isnan(v[b]);
      if (na || nb) return !na && nb;  // unknown last in both directions
      return descending ? v[a] > v[b] : v[a] < v[b];
    });
    return;
  }
  auto text = [&](uint32_t r) { return request_text(s, field, r); };
  std::stable_sort(m.rows.begin(), m.rows.end(), [&](uint32_t a, uint32_t b) {
    return descending ? text(a) > text(b) : text(a) < text(b);
  });
}

std::string cell_text(const RequestsModel& m, RequestField field, uint32_t row) {
  if (!is_numeric(field)) return std::string(request_text(*m.session, field, row));
  const double v = m.metrics.value(field, row);
  if (std::isnan(v)) return "-";
  if (!is_time(field)) return fmt::format("{}", static_cast<uint64_t>(v));
  if (field == RequestField::Arrival) return fmt::format("{:.3f}", v / 1e3);  // s
  return fmt::format("{:.1f}", v);                                            // ms
}

Waterfall waterfall(const Session& s, const std::vector<uint32_t>& rows, float width_px) {
  const RequestTable& rq = s.requests;
  Waterfall w;
  Ns lo = INT64_MAX, hi = INT64_MIN;
  for (uint32_t r : rows) {
    if (rq.start_of(r) == kNoTime) continue;
    lo = std::min(lo, rq.start_of(r));
    hi = std::max(hi, rq.end_of(r));
  }
  if (lo == INT64_MAX) return w;
  w.t0 = lo;
  w.t1 = std::max(hi, lo + 1);
  const double span = static_cast<double>(w.t1 - w.t0);
  auto x = [&](Ns t) { return static_cast<float>(static_cast<double>(t - w.t0) / span); };
  for (uint32_t r : rows) {
    const Ns start = rq.start_of(r);
    if (start == kNoTime) continue;
    WaterfallBar b;
    b.row = r;
    b.start = x(start);
    b.end = x(std::max(start, rq.end_of(r)));
    b.sched = std::clamp(x(rq.scheduled_of(r)), b.start, b.end);
    const Ns first = rq.first_token_of(r);
    b.has_first = first != kNoTime;
    b.first = b.has_first ? std::clamp(x(first), b.sched, b.end) : b.end;
    const uint32_t ib = rq.itl_begin[r], ie = rq.itl_begin[r + 1];
    if (b.has_first && ie > ib && (b.end - b.first) * width_px / static_cast<float>(ie - ib) >= 3.0f) {
      Ns t = first;
      for (uint32_t k = ib; k < ie; ++k) b.itl.push_back(x(t += rq.itl[k]));
    }
    w.bars.push_back(std::move(b));
  }
  for (auto& t : plot::ticks(0, span, std::max(2, static_cast<int>(width_px / 120)), plot::Unit::Nanoseconds))
    w.ticks.push_back(std::move(t));
  return w;
}

}  // namespace hp
