// `hotpath serve-profile`: replays traffic against a live OpenAI-compatible server and records
// every request, the server's /metrics, its log and (optionally) stage-separated torch-profiler
// traces into one .hotpath run file, written incrementally (a kill loses at most ~1 s). The capture
// itself is capture::ServeSession, which `attach` drives with the workbench on top.
#include <atomic>
#include <csignal>
#include <iostream>

#include "app/commands.h"
#include "app/serve_cli.h"
#include "capture/serve_session.h"

namespace hp {
namespace {

std::atomic<capture::ServeSession*> g_session{nullptr};
void on_sigint(int) {
  if (auto* s = g_session.load()) s->stop_traffic();
}

int run_serve_profile(const capture::ServeOpts& o) {
  capture::ServeSession session(o);
  std::string err;
  if (int rc = session.prepare(&err)) {
    std::cerr << "hotpath: " << err << '\n';
    return rc;
  }
  session.start();
  g_session = &session;
  auto old_handler = std::signal(SIGINT, on_sigint);
  session.run_traffic();
  std::signal(SIGINT, old_handler);
  g_session = nullptr;
  return session.finish();
}

}  // namespace

void add_serve_profile_command(CLI::App& app, CliContext& ctx) {
  auto o = std::make_shared<capture::ServeOpts>();
  CLI::App* sub = app.add_subcommand(
      "serve-profile",
      "Replay traffic against an OpenAI-compatible server and record requests, metrics, log and "
      "profiler traces into a .hotpath run file");
  add_serve_flags(sub, *o, /*traffic_required=*/true);
  sub->callback([o, &ctx] { ctx.exit_code = run_serve_profile(*o); });
}

}  // namespace hp
