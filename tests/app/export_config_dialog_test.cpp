#include "app/export_config_dialog.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "core/disagg/config_writers.h"
#include "core/session/load_session.h"
#include "support/log_session.h"
#include "support/temp_dir.h"

using namespace hp;
namespace fs = std::filesystem;

namespace {

std::shared_ptr<const Session> vllm_log() {
  return test::vllm_log_session();
}

}  // namespace

TEST_CASE("export config dialog: P:D from the What-if slider, else the analytic advice", "[export_config]") {
  auto s = vllm_log();
  SECTION("the What-if panel's choice") {
    ExportConfigDialog d = export_config_dialog(s.get(), {1, 3, 2}, "/tmp/x");
    CHECK(d.prefill == 1);
    CHECK(d.decode == 3);
    CHECK(d.tp == 2);
    CHECK(d.pd_from == "the What-if panel's slider");
    CHECK(d.out_dir == "/tmp/x");
    CHECK(d.basis.front() ==
          "P:D from the What-if panel's slider (hotpath workbench, File > Export config...)");
  }
  SECTION("no choice: the log's tp 4 on 8 GPUs, the advice's layout") {
    ExportConfigDialog d = export_config_dialog(s.get(), {}, "/tmp/x");
    CHECK(d.tp == 4);
    CHECK(d.prefill + d.decode == 2);
    CHECK(d.pd_from.starts_with("the analytic advice: "));
    CHECK(d.basis.size() == 4);  // where P:D came from, tp, prefill and decode fits
    CHECK(d.basis[1] == "tp: server log startup line (tp 4, pp 1, dp 1)");
  }
  SECTION("no run") {
    ExportConfigDialog d = export_config_dialog(nullptr, {}, "/tmp/x");
    CHECK(d.pd_from == "default (no run open)");
    CHECK(d.model == disagg::DeployPlan{}.model);
  }
}

TEST_CASE("export config dialog: Write writes the chosen targets, or says what was wrong",
          "[export_config]") {
  fs::path dir = test::fresh_temp_dir("export_config_dialog_test", "write");
  ExportConfigDialog d = export_config_dialog(nullptr, {1, 3, 1}, (dir / "out").string());
  d.targets = {true, false, true, false, false};  // vllm, dynamo
  REQUIRE(write_export_config(d));
  CHECK(d.error.empty());
  const disagg::DeployPlan plan = export_plan(d);
  std::vector<std::string> expected;
  for (const char* t : {"vllm", "dynamo"})
    for (const auto& [name, text] : disagg::write_configs(t, plan))
      expected.push_back((dir / "out" / name).string());
  CHECK(d.written == expected);
  for (const auto& p : d.written) CHECK(fs::file_size(p) > 0);

  d.targets = {};
  CHECK_FALSE(write_export_config(d));
  CHECK(d.error == "choose at least one target");
  CHECK(d.written.empty());
  d.targets[0] = true;
  d.out_dir.clear();
  CHECK_FALSE(write_export_config(d));
  CHECK(d.error == "give an output directory");
  d.out_dir = (dir / "file").string();
  { std::ofstream(dir / "file") << "x"; }  // a file where the directory should be
  CHECK_FALSE(write_export_config(d));
  CHECK(d.error.starts_with((dir / "file").string() + ": cannot be created"));
  fs::remove_all(dir);
}
