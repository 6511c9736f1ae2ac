#include "views/requests_model.h"

#include <catch2/catch.hpp>

#include "core/session/session_builder.h"

using namespace hp;
using namespace hp::serving;

namespace {

// Four requests: sent at 0, 10, 20, 30 ms; scheduled 2 ms later; first token 10 ms after sending;
// 4 tokens 5 ms apart; request 2 has no first token (and so no tokens); request 3 failed.
std::shared_ptr<const Session> session() {
  ServingData d;
  const int64_t t0 = 1'700'000'000'000'000'000, ms = 1'000'000;
  for (int i = 0; i < 4; ++i) {
    RequestRecord r;
    r.request_id = "r" + std::to_string(i);
    r.sent_ns = r.scheduled_ns = t0 + i * 10 * ms;
    r.server.method = CorrelationMethod::RequestId;
    r.server.queued_ns = r.sent_ns;
    r.server.scheduled_ns = r.sent_ns + 2 * ms;
    if (i != 2) {
      r.first_token_ns = r.sent_ns + 10 * ms;
      r.output_tokens = 4;
      for (int k = 0; k < 4; ++k) r.token_chunk_ns.push_back(r.first_token_ns + k * 5 * ms);
      r.end_ns = r.token_chunk_ns.back();
    } else {
      r.end_ns = r.sent_ns + 30 * ms;
    }
    r.prompt_tokens = static_cast<uint32_t>(100 - i);
    if (i == 3) r.status = RequestStatus::HttpError;
    d.requests.push_back(std::move(r));
  }
  SessionBuilder b;
  b.add_serving(std::move(d), SourceKind::Capture, "run");
  return b.finish();
}

}  // namespace

TEST_CASE("requests model: filter, range and sort with unknown values last", "[requests_model]") {
  RequestsModel m;
  set_session(m, session());
  CHECK(m.rows == std::vector<uint32_t>{0, 1, 2, 3});
  sort_rows(m, RequestField::InTokens, false);
  CHECK(m.rows == std::vector<uint32_t>{3, 2, 1, 0});
  sort_rows(m, RequestField::Ttft, true);
  CHECK(m.rows.back() == 2);  // no TTFT: last in both directions
  sort_rows(m, RequestField::Ttft, false);
  CHECK(m.rows.back() == 2);
  set_filter(m, "status == ok && ttft < 11ms", std::nullopt);
  CHECK(m.rows.size() == 2);
  CHECK(m.filter_error.empty());
  set_filter(m, "ttft <", std::nullopt);  // bad: keeps the rows, says why
  CHECK(m.rows.size() == 2);
  CHECK(m.filter_error == "offset 6: expected a number");
  const Ns start1 = m.session->requests.start_of(1);
  set_filter(m, "", std::make_pair(start1, start1 + 15'000'000));
  CHECK(m.rows == std::vector<uint32_t>{1, 2});  // started in [10 ms, 25 ms)
  CHECK(cell_text(m, RequestField::Arrival, 2) == "0.020");
  CHECK(cell_text(m, RequestField::Queue, 2) == "2.0");
  CHECK(cell_text(m, RequestField::Ttft, 2) == "-");
  CHECK(cell_text(m, RequestField::Status, 3) == "http_error");
}

TEST_CASE("requests model: waterfall bars split queue, prefill, decode, ITL ticks when wide",
          "[requests_model]") {
  auto s = session();
  // Rows 0 and 1: from 0 to 25 ms (row 0) and 10 to 35 ms (row 1): the chart spans 35 ms.
  Waterfall w = waterfall(*s, {0, 1}, 700);
  REQUIRE(w.bars.size() == 2);
  CHECK(w.t1 - w.t0 == 35'000'000);
  CHECK(w.bars[0].start == 0.0f);
  CHECK(w.bars[0].sched == Approx(2.0 / 35));
  CHECK(w.bars[0].first == Approx(10.0 / 35));
  CHECK(w.bars[0].end == Approx(25.0 / 35));
  CHECK(w.bars[1].start == Approx(10.0 / 35));
  REQUIRE(w.bars[0].itl.size() == 3);  // 15 ms over 3 gaps at 700 px: 100 px apart
  CHECK(w.bars[0].itl[0] == Approx(15.0 / 35));
  CHECK(waterfall(*s, {0, 1}, 10).bars[0].itl.empty());  // 1.4 px apart: no ticks
  Waterfall none = waterfall(*s, {2}, 700);
  REQUIRE(none.bars.size() == 1);
  CHECK_FALSE(none.bars[0].has_first);
  CHECK(none.bars[0].first == none.bars[0].end);
  CHECK(!w.ticks.empty());
}
