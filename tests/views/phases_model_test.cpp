#include "views/phases_model.h"

#include <catch2/catch.hpp>

#include "core/session/load_session.h"

using namespace hp;

TEST_CASE("phases model: the vLLM log's iterations, scatter strided and axis past p99", "[phases_model]") {
  LoadProgress progress;
  auto s = load_session(
      {std::string(HOTPATH_TEST_DATA) + "/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz"},
      progress);
  PhasesModel m = phases_model(*s, nullptr, INT64_MIN, INT64_MAX, 1000);
  CHECK(m.split.iterations == 7241);
  CHECK(m.decode.total == 6759);
  CHECK(m.decode.x.size() == 966);  // every 7th of 6759 points
  CHECK(m.prefill.total == 477);    // mixed steps (2 prefill-only are too few)
  CHECK(m.prefill.x.size() == 477);
  // At most 1% of the points lie above the axis (p99 * 1.25).
  CHECK(m.decode.above <= 6759 / 100);
  CHECK(m.decode.ms_max > 0);
  CHECK(m.note.empty());
  CHECK(m.server_requests == 0);  // the log has no per-request prefill/decode times
}

TEST_CASE("phases model: says what is missing", "[phases_model]") {
  Session empty;
  empty.run = std::make_shared<const Run>();
  PhasesModel m = phases_model(empty, nullptr);
  CHECK(m.note.find("No engine iterations") == 0);
}
