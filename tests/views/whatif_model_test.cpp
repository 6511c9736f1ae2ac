#include "views/whatif_model.h"

#include <catch2/catch.hpp>

#include "core/session/load_session.h"

using namespace hp;

TEST_CASE("what-if model: curves from the vLLM log, recomputed by the controls", "[whatif_model]") {
  LoadProgress progress;
  auto s = load_session(
      {std::string(HOTPATH_TEST_DATA) + "/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz"},
      progress);
  // The log's startup line says tensor_parallel_size=4: two instances of 4 on 8 GPUs (raised from the
  // measured 4 so that there is a split), tp saying where it came from.
  WhatIfModel from_run = whatif_model(*s);
  REQUIRE(from_run.ready());
  CHECK(from_run.spec.tp == 4);
  CHECK(from_run.spec.gpus == 8);
  CHECK(from_run.spec.sources.at("tp") == "server log startup line (tp 4, pp 1, dp 1)");
  CHECK(from_run.by_split.size() == 2);  // monolithic, 4P:4D
  // tp 1 given: eight instances.
  WhatIfModel m = whatif_model(*s, 1);
  REQUIRE(m.ready());
  CHECK(m.spec.gpus == 8);
  CHECK(m.by_split.size() == 8);  // monolithic + 1..7 prefill GPUs
  CHECK(m.by_rate.size() == 60);
  CHECK(m.has_measured);
  CHECK(m.measured_rate_rps == Approx(512.0 / 85));
  CHECK(m.controls.rate_rps == Approx(512.0 / 85));
  CHECK(chosen_layout(m).monolithic());
  // A split: the chosen point moves, the P:D curve stays.
  const double mono_cap = m.by_split[0].max_rate_rps;
  WhatIfControls c = m.controls;
  c.prefill_gpus = 3;
  apply_controls(m, c);
  CHECK(chosen_layout(m).prefill == 3);
  CHECK(chosen_layout(m).decode == 5);
  CHECK(m.chosen.bounds.max_rate_rps == m.by_split[3].max_rate_rps);
  CHECK(m.by_split[0].max_rate_rps == mono_cap);
  // A link 1000x slower makes the split link-bound with a lower capacity.
  c.bandwidth_GBps = m.controls.bandwidth_GBps / 1000;
  apply_controls(m, c);
  CHECK(m.chosen.bounds.bottleneck == disagg::Bottleneck::Link);
  CHECK(m.by_split[3].max_rate_rps < m.by_split[0].max_rate_rps);
  // An SLO below every point's p99 TTFT: nothing meets it.
  c.slo_ttft_ms = 1e-3;
  apply_controls(m, c);
  for (const auto& p : m.by_split) CHECK_FALSE(p.meets_slo);
  // Longer prompts lower the monolithic capacity.
  c.prompt_scale = 4;
  apply_controls(m, c);
  CHECK(m.by_split[0].max_rate_rps < mono_cap);
}

TEST_CASE("what-if model: says why there is nothing to show", "[whatif_model]") {
  Session empty;
  empty.run = std::make_shared<const Run>();
  WhatIfModel m = whatif_model(empty);
  CHECK_FALSE(m.ready());
  CHECK(m.note.find("no requests") != std::string::npos);
}
