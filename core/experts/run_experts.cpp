#include "core/experts/run_experts.h"

#include "core/experts/eplb_metrics.h"
#include "core/experts/load_experts.h"
#include "core/store/serving_store.h"
#include "core/store/sqlite_db.h"

namespace hp::experts {

std::vector<ExpertLoad> read_run_expert_dumps(const std::filesystem::path& run_file) {
  std::vector<ExpertLoad> out;
  std::unique_ptr<SqliteDb> db = open_for_reading(run_file);
  if (!db->has_table("expert_dumps")) return out;
  SqliteStmt st = db->prepare("SELECT name, bytes FROM expert_dumps ORDER BY rowid");
  while (st.step()) {
    const std::string name(st.text(0));
    const std::string bytes(st.blob(1));
    try {
      out.push_back(load_expert_bytes(bytes, name));
    } catch (const std::exception& e) {
      ExpertLoad bad;
      bad.source = name;
      bad.format = "unreadable";
      bad.warnings.push_back(std::string("stored dump does not parse: ") + e.what());
      out.push_back(std::move(bad));
    }
  }
  return out;
}

std::vector<ExpertLoad> run_expert_inputs(const std::filesystem::path& run_file) {
  std::vector<ExpertLoad> out = read_run_expert_dumps(run_file);
  ServingData d = read_serving(run_file, RequestForm::Columns);
  if (auto e = eplb_from_series(d.metrics, run_file.filename().string())) out.push_back(std::move(*e));
  return out;
}

}  // namespace hp::experts
