#include <catch2/catch.hpp>

#include "core/analysis/idle_gaps.h"
#include "support/analysis_fixtures.h"
#include "support/gpu_run_maker.h"

using namespace hp;
using test::GpuSpec;

namespace {

GpuSpec k(Ns start, Ns dur, Ns launch_start) {
  GpuSpec s{start, dur, "elementwise_kernel"};
  s.launch_start = launch_start;
  s.launch_dur = 5;
  return s;
}

}  // namespace

TEST_CASE("idle gaps: each class by hand, short gaps before host waits") {
  auto run = test::make_gpu_run({
      k(0, 1000, 0),
      k(1020, 980, 1010),   // gap 20 < 30 ns: kernel wait, though its launch began after k1 ended
      k(3000, 1000, 2500),  // gap 1000, launch began at 2500 > 2000: host wait
      k(4500, 500, 3500),   // gap 500, launch began before the previous end: other
      k(5100, 100, -1),     // gap 100, no launch call: other (no_launch)
      k(5150, 150, 5000),   // overlaps the previous op on the same stream: no gap
  });
  CategoryCache cats(*run, test::builtin_categorizer());
  IdleReport r = idle_gaps(*run, gpu_activity(*run, cats));
  REQUIRE(r.streams.size() == 1);
  const StreamIdle& s = r.streams[0];
  CHECK(s.stream == 7);
  CHECK(s.ops == 6);
  CHECK(s.begin == 0);
  CHECK(s.end == 5300);
  CHECK(s.busy == 3680);
  CHECK(s.idle() == 1620);
  CHECK(s.busy + s.idle() == s.end - s.begin);
  CHECK(s.by_kind[0].count == 1);  // kernel wait
  CHECK(s.by_kind[0].time == 20);
  CHECK(s.by_kind[1].count == 1);  // host wait
  CHECK(s.by_kind[1].time == 1000);
  CHECK(s.by_kind[2].count == 2);  // other
  CHECK(s.by_kind[2].time == 600);
  CHECK(s.no_launch == 1);
  REQUIRE(s.gaps.size() == 4);
  CHECK(s.gaps[1].kind == GapKind::HostWait);
  CHECK(s.gaps[1].start == 2000);
  CHECK(s.gaps[1].end == 3000);
  CHECK(r.histogram[0].count == 1);  // <30ns
  CHECK(r.histogram[1].count == 2);  // 30ns-1us: 500 and 100
  CHECK(r.histogram[1].time == 600);
  CHECK(r.histogram[2].count == 1);  // 1-10us: exactly 1000 ns
  CHECK(std::string(gap_bucket_label(2)) == "1-10us");
  CHECK(r.by_kind[1].time == 1000);
  CHECK(r.busy == 3680);
}

TEST_CASE("idle gaps: HTA event-sync fixture by hand") {
  // Per stream one memset then one sgemm (µs): stream 20 memset ends 348668, sgemm 348700,
  // its cudaLaunchKernel began 348670 > 348668 -> host wait 32 µs; stream 28 memset ends 349082,
  // sgemm 349097, launch 349081 -> other 15 µs; stream 24 memset ends 368035, sgemm 368050,
  // launch 368035 (not after) -> other 15 µs.
  auto run = test::load_trace({test::kineto_data("hta_event_sync_multi_stream_a100.json.gz")});
  CategoryCache cats(*run, test::builtin_categorizer());
  IdleReport r = idle_gaps(*run, gpu_activity(*run, cats));
  REQUIRE(r.streams.size() == 3);
  CHECK(r.streams[0].stream == 20);
  CHECK(r.streams[1].stream == 24);
  CHECK(r.streams[2].stream == 28);
  CHECK(r.streams[0].by_kind[1].time == 32'000);
  CHECK(r.streams[1].by_kind[2].time == 15'000);
  CHECK(r.streams[2].by_kind[2].time == 15'000);
  CHECK(r.by_kind[0].count == 0);
  CHECK(r.by_kind[1].count == 1);
  CHECK(r.by_kind[1].time == 32'000);
  CHECK(r.by_kind[2].count == 2);
  CHECK(r.by_kind[2].time == 30'000);
  CHECK(r.no_launch == 0);
  CHECK(r.histogram[3].count == 3);  // 10-100us
  CHECK(r.histogram[3].time == 62'000);
  CHECK(r.busy == 372'000);
}
