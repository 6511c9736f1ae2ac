// Live attach without a window: a ServeSession against the test server publishes snapshots whose
// request counts grow and end at what the server served; the workbench keeps the view and the
// selection across snapshots, and Follow keeps the right edge at the newest data.
#include "app/live_publisher.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

#include "app/workbench.h"
#include "capture/serve_session.h"
#include "core/store/serving_store.h"
#include "support/imgui_harness.h"
#include "support/server_vllm.h"
#include "support/temp_dir.h"

namespace fs = std::filesystem;
using namespace hp;

namespace {

capture::ServeOpts opts_for(const testing::TestServer& server, const fs::path& dir, int requests) {
  {
    std::ofstream out(dir / "traffic.jsonl");
    for (int i = 0; i < requests; ++i)
      out << "{\"prompt\": \"live " << i << " [tokens:8]\", \"max_tokens\": 8}\n";
  }
  capture::ServeOpts o;
  o.endpoint = server.base_url();
  o.traffic = (dir / "traffic.jsonl").string();
  o.output = (dir / "live.hotpath").string();
  o.concurrency = 3;
  o.scrape_hz = 10;
  o.quiet = true;
  o.no_gpu = true;
  return o;
}

}  // namespace

TEST_CASE("live: snapshots grow monotonically and end at what the server served", "[live][capture]") {
  const fs::path dir = test::fresh_temp_dir("live", "grow");
  testing::TestServerOptions so;
  so.ttft_ms = 30;
  so.itl_ms = 15;
  so.max_lifetime_s = 60;
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  capture::ServeSession session(opts_for(server, dir, 30));
  std::string err;
  REQUIRE(session.prepare(&err) == 0);
  LivePublisher pub(session.enable_live(), session.endpoint(), std::chrono::milliseconds(40));
  session.start();
  pub.start();
  std::thread traffic([&] { session.run_traffic(); });
  std::vector<size_t> counts;
  bool done = false;
  for (int i = 0; i < 1000 && !done; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (auto s = pub.take()) counts.push_back(s->session->requests.size());
    done = !session.status().traffic_running && session.status().ok == 30;
  }
  traffic.join();
  pub.stop();
  pub.publish_once();  // whatever arrived after the last tick
  if (auto s = pub.take()) counts.push_back(s->session->requests.size());
  REQUIRE(session.finish() == 0);
  INFO("snapshot request counts: " << counts.size());
  REQUIRE(counts.size() >= 3);
  for (size_t i = 1; i < counts.size(); ++i) CHECK(counts[i] >= counts[i - 1]);
  CHECK(counts.front() < counts.back());  // it was seen growing, not only at the end
  CHECK(counts.back() == 30);
  CHECK(server.counts().completed == 30);
  // The run file holds the same requests, and a clean end (no "did not end cleanly" warning).
  ServingData d = read_serving(dir / "live.hotpath");
  CHECK(d.requests.size() == 30);
  CHECK(d.meta.at("capture.ended") == "cleanly");
  CHECK(pub.stats().published >= counts.size());
}

TEST_CASE("live: a new snapshot keeps the view and the selection, Follow keeps the right edge at now",
          "[live][workbench][imgui]") {
  const fs::path dir = test::fresh_temp_dir("live", "view");
  testing::TestServerOptions so;
  so.ttft_ms = 20;
  so.itl_ms = 10;
  so.max_lifetime_s = 60;
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  capture::ServeSession session(opts_for(server, dir, 12));
  std::string err;
  REQUIRE(session.prepare(&err) == 0);
  LivePublisher pub(session.enable_live(), session.endpoint());
  session.start();
  hp::test::ImGuiHarness h(1280, 800);
  Workbench wb(Settings{});
  wb.attach_live(&pub, nullptr);
  auto ui = [&] { wb.draw(); };

  // Half of the traffic, published by hand (the publisher's thread is not started here).
  std::thread traffic([&] { session.run_traffic(); });
  while (session.status().ok < 6) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(pub.publish_once());
  REQUIRE(wb.poll());
  h.frames(2, ui);
  REQUIRE(wb.snapshot().session->requests.size() >= 6);
  ViewState& vs = wb.panels().state();
  CHECK(vs.follow_live);
  vs.follow_live = false;
  const auto [lo, hi] = wb.snapshot().session->span();
  const TimeWindow picked{lo + (hi - lo) / 4, lo + (hi - lo) / 2};
  vs.view.zoom_to(picked, false);
  vs.pick = {PickKind::Request, 2, kNone};
  h.frames(2, ui);

  traffic.join();
  REQUIRE(pub.publish_once());
  REQUIRE(wb.poll());
  h.frames(2, ui);
  CHECK(wb.snapshot().session->requests.size() == 12);
  CHECK(vs.view.target() == picked);  // the user's window stays
  CHECK(vs.pick.kind == PickKind::Request);
  CHECK(vs.pick.row == 2);

  // Follow: the same width, ending at the newest data of the next snapshot.
  vs.follow_live = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a few more scrapes arrive
  REQUIRE(pub.publish_once());
  REQUIRE(wb.poll());
  const auto [lo2, hi2] = wb.snapshot().session->span();
  CHECK(hi2 > hi);
  CHECK(vs.view.target().t1 == hi2);
  CHECK(vs.view.target().span() == picked.span());
  // Zooming by hand (the wheel over the timeline) turns Follow off.
  h.move_mouse(ImVec2(400, 250));
  h.wheel(1);
  h.frame(ui);
  CHECK_FALSE(vs.view.target() == TimeWindow{std::max(lo2, hi2 - picked.span()), hi2});
  CHECK_FALSE(vs.follow_live);
  REQUIRE(session.finish() == 0);
}
