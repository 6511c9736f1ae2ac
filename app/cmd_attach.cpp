// `hotpath attach URL`: the workbench on a live endpoint. The same capture as serve-profile
// (capture::ServeSession) runs underneath: traffic (or --watch: none), /metrics, the server log,
// GPUs and the torch profiler, all written to the run file as they arrive; a publisher turns what
// arrived into Session snapshots a few times a second, and the window shows each one in place.
#include <fmt/format.h>

#include <ctime>
#include <iostream>
#include <thread>

#include "app/commands.h"
#include "app/display.h"
#include "app/live_publisher.h"
#include "app/serve_cli.h"
#include "app/shell.h"
#include "capture/serve_session.h"

namespace hp {
namespace {

struct AttachArgs {
  capture::ServeOpts serve;
  std::string url;
  double exit_after = 0;
  std::string screenshot, size = "1600x1000";
  std::string view = "timeline";
  std::string dump_state;  // test hook: the state dump on exit
};

std::string default_output() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "attach-%Y%m%d-%H%M%S.hotpath", &tm);
  return buf;
}

int run_attach(AttachArgs a) {
  capture::ServeOpts& o = a.serve;
  o.endpoint = a.url;
  if (o.traffic.empty()) o.watch = true;
  if (o.output.empty()) o.output = default_output();
  o.quiet = true;  // the window shows the capture
  std::string why;
  if (!init_display(&why)) {
    std::cerr << "hotpath: " << why
              << "; attach opens the workbench (use serve-profile for a headless capture)\n";
    return 1;
  }
  capture::ServeSession session(o);
  if (int rc = session.prepare(&why)) {
    std::cerr << "hotpath: " << why << '\n';
    return rc;
  }
  LivePublisher publisher(session.enable_live(), session.endpoint());
  session.on_traces([&publisher](std::shared_ptr<const Run> run) { publisher.set_run(std::move(run)); });
  session.start();
  publisher.start();
  std::thread traffic([&] { session.run_traffic(); });

  ShellOptions so;
  so.view = a.view;
  so.live_publisher = &publisher;
  so.live_session = &session;
  so.exit_after_s = a.exit_after;
  so.exit_screenshot = a.screenshot;
  so.dump_state = a.dump_state;
  if (auto x = a.size.find('x'); x != std::string::npos) {
    so.width = std::atoi(a.size.c_str());
    so.height = std::atoi(a.size.c_str() + x + 1);
  }
  const int shell_rc = run_shell(so);
  session.stop_traffic();
  traffic.join();
  publisher.stop();
  const PublishStats ps = publisher.stats();
  std::cerr << fmt::format("hotpath: {} snapshots published, {:.1f} ms each on average, {:.1f} ms at most\n",
                           ps.published, ps.published ? ps.total_ms / static_cast<double>(ps.published) : 0.0,
                           ps.max_ms);
  const int rc = session.finish();
  return shell_rc ? shell_rc : rc;
}

}  // namespace

void add_attach_command(CLI::App& app, CliContext& ctx) {
  auto a = std::make_shared<AttachArgs>();
  CLI::App* sub = app.add_subcommand(
      "attach",
      "Open the workbench on a live endpoint: it updates while it captures (traffic with --traffic, or "
      "only /metrics, the log and the profiler with --watch), and everything goes to the run file as "
      "it arrives");
  sub->add_option("url", a->url, "Server base URL (or the full /v1/... URL)")->required();
  add_serve_flags(sub, a->serve, /*traffic_required=*/false);
  sub->remove_option(sub->get_option("--endpoint"));
  sub->add_flag("--watch", a->serve.watch, "Send no traffic: only scrape, tail and listen");
  sub->add_option("--exit-after", a->exit_after,
                  "Close the window after S seconds (with --screenshot: tests)");
  sub->add_option("--screenshot", a->screenshot,
                  "PNG of the window written just before --exit-after closes it");
  sub->add_option("--size", a->size, "Window size WIDTHxHEIGHT")->capture_default_str();
  sub->add_option("--view", a->view, "Panel to select at the start")->capture_default_str();
  sub->add_option("--dump-state", a->dump_state)->group("");
  sub->callback([a, &ctx] { ctx.exit_code = run_attach(*a); });
}

}  // namespace hp
