// Runs the real hotpath binary and checks exit codes and messages.
#include <catch2/catch.hpp>
#include <string>

#include "core/import/registry.h"
#include "support/cli_run.h"

using hp::test::contains;

namespace {

hp::test::CliResult run(const std::string& args, const std::string& env = "") {
  return hp::test::run_hotpath(args, true, env);
}

const std::string kNoDisplay = "env -u DISPLAY -u WAYLAND_DISPLAY";
const std::string kTrace = HOTPATH_TEST_DATA "/shell/hta_trace_compare_base.json.gz";

}  // namespace

TEST_CASE("hotpath --help lists the commands", "[cli]") {
  auto r = run("--help");
  CHECK(r.code == 0);
  CHECK(contains(r.out, "Usage: hotpath"));
  CHECK(contains(r.out, "screenshot"));
  CHECK(contains(r.out, "doctor"));
  CHECK_FALSE(contains(r.out, "--quit-after-frames"));  // test hooks stay hidden
}

TEST_CASE("hotpath --version", "[cli]") {
  auto r = run("--version");
  CHECK(r.code == 0);
  CHECK(r.out == "hotpath " HOTPATH_VERSION "\n");
}

TEST_CASE("subcommand --help", "[cli]") {
  auto r = run("screenshot --help");
  CHECK(r.code == 0);
  CHECK(contains(r.out, "--view"));
  CHECK(contains(r.out, "import-log"));
}

TEST_CASE("unknown command exits 2 with a hint", "[cli]") {
  auto r = run("frobnicate");
  CHECK(r.code == 2);
  CHECK(r.out == "hotpath: unknown command 'frobnicate'; run 'hotpath --help'\n");
}

TEST_CASE("bad flags exit 2 with a one-line hint", "[cli]") {
  auto r = run("--no-such-flag");
  CHECK(r.code == 2);
  CHECK(contains(r.out, "--no-such-flag"));
  CHECK(contains(r.out, "run 'hotpath --help'"));
  auto s = run("screenshot " + kTrace + " --view summary --out /tmp/x.png --bogus");
  CHECK(s.code == 2);
  CHECK(contains(s.out, "run 'hotpath screenshot --help'"));
  auto m = run("screenshot " + kTrace + " --out /tmp/x.png");  // --view is required
  CHECK(m.code == 2);
  CHECK(contains(m.out, "--view"));
}

TEST_CASE("missing input files exit 1", "[cli]") {
  auto r = run("/nonexistent/trace.json", kNoDisplay);
  CHECK(r.code == 1);
  CHECK(r.out == "hotpath: /nonexistent/trace.json: no such file or directory\n");
  auto s = run("screenshot /nonexistent/trace.json --view summary --out /tmp/x.png", kNoDisplay);
  CHECK(s.code == 1);
  CHECK(s.out == "hotpath: /nonexistent/trace.json: no such file or directory\n");
}

TEST_CASE("screenshot: unknown view exits 2 with the list of views", "[cli]") {
  auto r = run("screenshot " + kTrace + " --view nope --out /tmp/x.png", kNoDisplay);
  CHECK(r.code == 2);
  CHECK(contains(r.out, "unknown view 'nope'"));
  CHECK(contains(r.out,
                 "timeline, summary, flame, kernels, triage, ranks, requests, latency, phases, load, "
                 "experts, kv, rollouts, whatif, import-log"));
  auto s = run("screenshot " + kTrace + " --view summary --out /tmp/x.png --size big", kNoDisplay);
  CHECK(s.code == 2);
  CHECK(contains(s.out, "WIDTHxHEIGHT"));
}

TEST_CASE("screenshot without a display exits 1 and suggests xvfb-run", "[cli]") {
  auto r = run("screenshot " + kTrace + " --view import-log --out /tmp/hotpath_cli_test.png", kNoDisplay);
  CHECK(r.code == 1);
  CHECK(contains(r.out, "no display"));
  CHECK(contains(r.out, "xvfb-run -a hotpath screenshot"));
}

TEST_CASE("no display: hotpath FILE says so and falls back to the text report", "[cli]") {
  auto r = run("'" + kTrace + "'", kNoDisplay);
  CHECK(contains(r.out, "no display: DISPLAY is not set"));
  CHECK(contains(r.out, "printing the text report instead"));
  hp::register_builtin_importers();
  if (hp::ImporterRegistry::instance().find(kTrace)) {
    CHECK(r.code == 0);
  } else {
    CHECK(r.code == 1);
    CHECK(contains(r.out, "unsupported file type"));
  }
  auto none = run("", kNoDisplay);
  CHECK(none.code == 1);
  CHECK(contains(none.out, "no display"));
}

TEST_CASE("doctor prints the table and exits 0 without GPU or display", "[cli]") {
  auto r = run("doctor", kNoDisplay + " XDG_CONFIG_HOME=/tmp/hotpath_doctor_test");
  CHECK(r.code == 0);
  for (const char* row : {"check ", "core ", "display ", "font ", "CUDA toolkit ", "CUPTI ", "GPU driver ",
                          "GPU devices ", "NVML clocks ", "xvfb-run ", "config directory "})
    CHECK(contains(r.out, row));
  CHECK(contains(r.out, "display           MISSING  no display: DISPLAY is not set"));
  CHECK(contains(r.out, "/tmp/hotpath_doctor_test/hotpath (writable)"));
}

TEST_CASE("hotpath FILE --rules: the workbench's rules are checked before any window", "[cli]") {
  auto bad = run("--rules /nonexistent/rules.json " + kTrace, kNoDisplay);
  CHECK(bad.code == 1);
  CHECK(contains(bad.out, "hotpath: --rules /nonexistent/rules.json: byte 0: cannot open file"));
  auto good = run("--rules " HOTPATH_ASSETS_DIR "/kernel_categories.json " + kTrace, kNoDisplay);
  CHECK(good.code == 0);  // no display: the text summary
}
