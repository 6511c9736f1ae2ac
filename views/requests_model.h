#pragma once
// The Requests panel's model: every request of the session as a row, filtered by an expression
// (core/session/request_filter.h) and the selected time range, sorted by any column; and the waterfall
// of the rows on screen (bars split into queue / prefill / decode, first-token tick, ITL ticks when a
// token is wide enough to see). Pure; drawn by requests_panel.h.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/session/request_filter.h"
#include "core/session/request_metrics.h"
#include "views/plot/axis.h"

namespace hp {

struct RequestsModel {
  std::shared_ptr<const Session> session;
  RequestMetrics metrics;
  std::vector<uint32_t> rows;  // shown rows: filtered, in the range, sorted
  std::string filter_text, filter_error;
  std::optional<std::pair<Ns, Ns>> range;  // requests that start in [first, second)
  RequestField sort = RequestField::Arrival;
  bool descending = false;
};

void set_session(RequestsModel& m, std::shared_ptr<const Session> s);
// Re-filters (keeping the sort). A bad expression sets filter_error and keeps the previous rows.
void set_filter(RequestsModel& m, const std::string& expr, std::optional<std::pair<Ns, Ns>> range);
void sort_rows(RequestsModel& m, RequestField field, bool descending);  // unknown values last
std::string cell_text(const RequestsModel& m, RequestField field, uint32_t row);

struct WaterfallBar {
  uint32_t row = 0;
  // x in [0, 1] of the chart width; segments start..sched (queue), sched..first (prefill), first..end.
  float start = 0, sched = 0, first = 0, end = 0;
  bool has_first = false;
  std::vector<float> itl;  // token arrival ticks, when zoomed enough
};
struct Waterfall {
  Ns t0 = 0, t1 = 1;  // session time at x = 0 and x = 1
  std::vector<WaterfallBar> bars;
  std::vector<plot::Tick> ticks;  // relative to t0, in ns
};
// `rows` in display order; `width_px` decides whether ITL ticks are visible (>= 3 px apart on average).
Waterfall waterfall(const Session& s, const std::vector<uint32_t>& rows, float width_px);

}  // namespace hp
