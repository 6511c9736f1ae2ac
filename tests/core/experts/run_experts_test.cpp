// Expert inputs inside a run file: stored recorder dumps (table expert_dumps) and scraped
// sglang:eplb_gpu_physical_count series, as `hotpath experts RUN` and opening the run read them.
#include <catch2/catch.hpp>

#include "core/experts/run_experts.h"
#include "core/session/load_session.h"
#include "core/store/serving_store.h"
#include "core/store/sqlite_db.h"
#include "support/temp_dir.h"
#include "tests/core/experts/experts_test_data.h"

using namespace hp;

TEST_CASE("run experts: stored dumps and scraped eplb series", "[experts][run_experts]") {
  const auto dir = test::fresh_temp_dir("run_experts", "both");
  const auto run = dir / "run.hotpath";
  {
    ServingWriter w(run);
    w.set_meta("engine", "sglang");
    // Layer 3, 2 ranks, two scrapes: ranks {10, 20} in between (buckets cumulative in le).
    w.add_samples({"sglang:eplb_gpu_physical_count_bucket", {{"layer", "3"}, {"le", "0.0"}}},
                  {{10, 5}, {20, 15}});
    w.add_samples({"sglang:eplb_gpu_physical_count_bucket", {{"layer", "3"}, {"le", "1.0"}}},
                  {{10, 10}, {20, 40}});
    w.finish();
  }
  {
    // What capture/expert_recorder.h's save_expert_dumps writes: (name, bytes) rows.
    SqliteDb db(run, SqliteDb::Mode::Create);
    db.exec("CREATE TABLE expert_dumps (name TEXT NOT NULL, bytes BLOB NOT NULL)");
    SqliteStmt st = db.prepare("INSERT INTO expert_dumps (name, bytes) VALUES (?, ?)");
    const std::vector<std::pair<std::string, std::string>> rows = {
        {"expert_distribution_recorder_1752852772_0.pt",
         experts::test::slurp("expert_distribution_recorder_1752852772_0.pt")},
        {"garbage.pt", "not a dump"}};
    for (const auto& [name, bytes] : rows) {
      st.bind(1, name);
      st.bind_blob(2, bytes.data(), bytes.size());
      st.step();
      st.reset();
    }
  }
  std::vector<experts::ExpertLoad> v = experts::run_expert_inputs(run);
  REQUIRE(v.size() == 3);
  CHECK(v[0].format == "sglang-pt-per-pass");
  CHECK(v[0].counts == std::vector<int64_t>{10, 3, 3, 4, 1, 1, 1, 13});  // as in sglang_dump_test
  CHECK(v[1].format == "unreadable");
  REQUIRE(v[1].warnings.size() == 1);
  CHECK(v[1].warnings[0].find("garbage.pt") != std::string::npos);
  CHECK(v[2].format == "sglang-eplb-metrics");
  CHECK(v[2].counts == std::vector<int64_t>{10, 20});
  // Opening the run: the same three expert sources next to its serving data.
  LoadProgress progress;
  auto s = load_session({run}, progress);
  REQUIRE(s->experts.size() == 3);
  CHECK(s->experts[2].columns_are_ranks);
  // Reading wrote nothing beside the finished file, so it opens from a directory the reader cannot write.
  CHECK_FALSE(std::filesystem::exists(run.string() + "-wal"));
  CHECK_FALSE(std::filesystem::exists(run.string() + "-shm"));
}
