#include "core/session/request_filter.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "core/session/session_builder.h"

using namespace hp;
using namespace hp::serving;

namespace {

// Ten requests 100 ms apart: TTFT (i+1)*50 ms, i*20 output tokens with 2 ms between tokens, request 3
// failed, requests on two replicas; request 9 has no first token.
std::shared_ptr<const Session> session() {
  ServingData d;
  const int64_t t0 = 1'700'000'000'000'000'000;
  for (int i = 0; i < 10; ++i) {
    RequestRecord r;
    r.request_id = "req-" + std::to_string(i);
    r.sent_ns = r.scheduled_ns = t0 + i * 100'000'000LL;
    r.first_token_ns = r.sent_ns + (i + 1) * 50'000'000LL;
    r.output_tokens = static_cast<uint32_t>(i * 20);
    r.prompt_tokens = 1000 + static_cast<uint32_t>(i);
    for (uint32_t k = 0; k < r.output_tokens; ++k)
      r.token_chunk_ns.push_back(r.first_token_ns + k * 2'000'000LL);
    r.end_ns = r.output_tokens ? r.token_chunk_ns.back() : r.first_token_ns;
    if (i == 3) r.status = RequestStatus::HttpError;
    if (i == 9) r.first_token_ns = 0;
    d.requests.push_back(std::move(r));
  }
  SessionBuilder b;
  b.add_serving(std::move(d), SourceKind::Capture, "run");
  auto s = std::const_pointer_cast<Session>(b.finish());  // records carry no replica: set it here
  for (size_t i = 0; i < s->requests.size(); ++i)
    s->requests.replica.set(i, s->strings.intern(i % 2 ? "b" : "a"));
  return s;
}

std::vector<uint32_t> rows(const Session& s, const RequestMetrics& m, std::string_view expr) {
  return RequestFilter(expr).apply(s, m);
}

}  // namespace

TEST_CASE("request metrics: per-request times in ms, unknown as NaN", "[session][requests]") {
  auto s = session();
  RequestMetrics m = request_metrics(*s);
  REQUIRE(m.size() == 10);
  CHECK(m.value(RequestField::Arrival, 4) == Approx(400));
  CHECK(m.value(RequestField::Ttft, 4) == Approx(250));
  CHECK(m.value(RequestField::OutTokens, 4) == 80);
  CHECK(m.value(RequestField::InTokens, 4) == 1004);
  CHECK(m.value(RequestField::ItlP50, 4) == Approx(2));
  CHECK(m.value(RequestField::E2e, 4) == Approx(250 + 79 * 2));
  CHECK(m.value(RequestField::Tpot, 4) == Approx(2));
  CHECK(std::isnan(m.value(RequestField::Ttft, 9)));
  CHECK(std::isnan(m.value(RequestField::Queue, 4)));  // no server times
}

TEST_CASE("request filter: comparisons, units, text fields, precedence", "[session][requests]") {
  auto s = session();
  RequestMetrics m = request_metrics(*s);
  CHECK(rows(*s, m, "").size() == 10);
  CHECK(rows(*s, m, "ttft > 200ms") == std::vector<uint32_t>{4, 5, 6, 7, 8});
  CHECK(rows(*s, m, "ttft > 0.2s") == std::vector<uint32_t>{4, 5, 6, 7, 8});
  CHECK(rows(*s, m, "ttft > 200ms && out_tokens > 100") == std::vector<uint32_t>{6, 7, 8});
  CHECK(rows(*s, m, "ttft<=100 || out_tokens >= 0.16k") == std::vector<uint32_t>{0, 1, 8, 9});
  CHECK(rows(*s, m, "!(ttft > 100ms)") == std::vector<uint32_t>{0, 1, 9});  // unknown TTFT is not > 100
  CHECK(rows(*s, m, "ttft != 100") == std::vector<uint32_t>{0, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(rows(*s, m, "status != ok") == std::vector<uint32_t>{3});
  CHECK(rows(*s, m, "replica == b && status == ok") == std::vector<uint32_t>{1, 5, 7, 9});
  CHECK(rows(*s, m, "id ~ \"-1\"") == std::vector<uint32_t>{1});
  // && binds tighter than ||: 0, 1 by TTFT, then replica b among 8..9 with out >= 160.
  CHECK(rows(*s, m, "ttft <= 100 || replica == b && out_tokens >= 160") == std::vector<uint32_t>{0, 1, 9});
}

TEST_CASE("request filter: bad expressions name the offset and the problem", "[session][requests]") {
  auto msg = [](std::string_view e) {
    try {
      RequestFilter f(e);
    } catch (const std::invalid_argument& x) {
      return std::string(x.what());
    }
    return std::string("no error");
  };
  CHECK(msg("ttfx > 3").find("offset 0: unknown field 'ttfx'") == 0);
  CHECK(msg("ttft >") == "offset 6: expected a number");
  CHECK(msg("ttft > 3 parsecs") == "offset 9: unknown unit 'parsecs' for ttft");
  CHECK(msg("ttft 3") == "offset 5: expected an operator (< <= > >= == != ~)");
  CHECK(msg("(ttft > 3") == "offset 9: expected ')'");
  CHECK(msg("status > ok") == "offset 11: text fields compare with ==, != or ~");
  CHECK(msg("ttft ~ 3") == "offset 6: '~' needs a text field (id, status, replica)");
  CHECK(msg("ttft > 3 )") == "offset 9: unexpected ')'");
}
