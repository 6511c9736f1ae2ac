// The capture collector without a GPU: a stub program (tests/support/capture_stub.cpp) speaks the
// injection's side of the socket, as one process, two, one cut short, one stopped by --duration.
#include "capture/cupti_capture.h"

#include <unistd.h>

#include <csignal>

#include <catch2/catch.hpp>

#include "core/capture/cupti_run.h"
#include "support/capture_stub_path.h"

using namespace hp;

namespace {

CaptureOutcome run_stub(const std::string& mode, double stop_after = 0) {
  CaptureLaunch l;
  l.argv = {hp::test::capture_stub_path(), mode};
  l.inject_library = "/opt/x/libhotpath_inject.so";
  l.cupti_library = "/opt/x/libcupti.so";
  l.stop_after_s = stop_after;
  return run_capture(l);
}

}  // namespace

TEST_CASE("capture collector: one process, its stream and the injection's environment", "[cupti_capture]") {
  CaptureOutcome o = run_stub("ok");
  REQUIRE(o.error.empty());
  CHECK(o.exit_status == 0);
  CHECK_FALSE(o.stopped);
  REQUIRE(o.streams.size() == 1);
  const auto& s = o.streams[0];
  CHECK(s.failure.empty());
  CHECK(s.ended);
  CHECK(s.hello.command == "stub /opt/x/libhotpath_inject.so /opt/x/libcupti.so");
  CHECK(s.source == "stream 1 (pid " + std::to_string(s.hello.pid) + ")");
  CHECK(s.kernels.size() == 1);
  CHECK(s.memcpys.size() == 1);
  CHECK(s.markers.size() == 2);
  CHECK(s.hello.epoch_ref >= o.started_epoch_ns);
  cupti::CaptureOptions opt;
  opt.window_begin = o.started_epoch_ns;
  cupti::CaptureCounts n;
  auto run = cupti::build_capture_run(o.streams, opt, &n);
  CHECK(n.kernels == 1);
  CHECK(n.api_calls == 1);
  CHECK(n.nvtx_ranges == 1);
  CHECK(n.outside == 0);
  CHECK(run->gpu.launch_slice[0] != kNone);
}

TEST_CASE("capture collector: every process of CMD has its own stream", "[cupti_capture]") {
  CaptureOutcome o = run_stub("fork");
  REQUIRE(o.streams.size() == 2);
  CHECK(o.streams[0].hello.pid != o.streams[1].hello.pid);
  CHECK(o.streams[0].ended);
  CHECK(o.streams[1].ended);
  cupti::CaptureCounts n;
  auto run = cupti::build_capture_run(o.streams, {}, &n);
  CHECK(n.processes == 2);
  CHECK(n.kernels == 2);
  CHECK(run->tracks.size() == 4);  // per process: thread 11 and stream 7
}

TEST_CASE("capture collector: a stream cut short keeps what came before", "[cupti_capture]") {
  CaptureOutcome o = run_stub("cut");
  CHECK(o.exit_status == 3);
  REQUIRE(o.streams.size() == 1);
  const auto& s = o.streams[0];
  CHECK(s.kernels.size() == 1);
  CHECK_FALSE(s.ended);
  CHECK(s.failure.find(": stream ends inside a frame (30 bytes of it)") != std::string::npos);
}

TEST_CASE("capture collector: --duration stops CMD with SIGINT", "[cupti_capture]") {
  auto t0 = std::chrono::steady_clock::now();
  CaptureOutcome o = run_stub("hang", 0.3);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  CHECK(o.stopped);
  CHECK(o.exit_status == 128 + SIGINT);
  REQUIRE(o.streams.size() == 1);
  CHECK(o.streams[0].kernels.size() == 1);
  CHECK_FALSE(o.streams[0].ended);
}

TEST_CASE("capture collector: no stream, a command that does not exist", "[cupti_capture]") {
  CaptureOutcome o = run_stub("none");
  CHECK(o.error.empty());
  CHECK(o.streams.empty());
  CHECK(o.exit_status == 0);
  CaptureLaunch l;
  l.argv = {"/nonexistent/hotpath-cmd"};
  o = run_capture(l);
  CHECK(o.error == "cannot run /nonexistent/hotpath-cmd: No such file or directory");
}
