// The live torch-profiler arm of a ServeSession (attach's capture bar): /start_profile now,
// /stop_profile after N seconds, then the new traces imported on this worker and handed on; and the
// end of --expert-recorder (stop, dump, check the dumps).
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "capture/expert_recorder.h"
#include "capture/profiler_control.h"
#include "capture/serve_finish.h"
#include "capture/serve_session.h"
#include "core/experts/load_experts.h"

namespace hp::capture {

bool ServeSession::arm_profiler(double seconds, std::string* error) {
  return arm(seconds, 0, false, error);
}

bool ServeSession::arm_profiler_steps(int steps, bool by_stage, std::string* error) {
  if (engine_ != "sglang") {
    *error =
        "arming for N steps needs SGLang's /start_profile num_steps; vLLM stops after N steps only "
        "when started with --profiler-config max_iterations: arm it for seconds";
    return false;
  }
  if (steps <= 0) {
    *error = "the step count must be positive";
    return false;
  }
  return arm(0, steps, by_stage, error);
}

bool ServeSession::arm(double seconds, int steps, bool by_stage, std::string* error) {
  std::lock_guard lock(mu_);
  if (o_.profile_dir.empty()) {
    *error = "no --profile-dir: the server's torch-profiler output directory is needed to find its traces";
    return false;
  }
  if (!profiler_state_.empty() && profiler_state_.rfind("error", 0) != 0 && profiler_state_ != "done") {
    *error = "the profiler is busy: " + profiler_state_;
    return false;
  }
  if (profiler_.joinable()) profiler_.join();
  profiler_state_ = steps ? fmt::format("armed for {} steps{}", steps, by_stage ? " per stage" : "")
                          : fmt::format("armed for {:g} s", seconds);
  profiler_ = std::thread([this, seconds, steps, by_stage] {
    ProfilerOptions po;
    po.base_url = ro_.base_url;
    po.engine = engine_;
    po.profile_dir = o_.profile_dir;
    po.api_key = ro_.api_key;
    po.num_steps = steps;
    po.by_stage = by_stage;
    auto set_state = [&](std::string s) {
      std::lock_guard l(mu_);
      profiler_state_ = std::move(s);
    };
    auto before = list_traces(o_.profile_dir);
    std::string err;
    const int64_t started = epoch_now_ns();
    if (!start_profile(po, &err)) return set_state("error: " + err);
    sink().set_meta("profile.started_ns", std::to_string(started));
    if (!steps) {  // stepped captures stop on their own
      for (int i = 0; i < static_cast<int>(seconds * 10) && running_; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (!stop_profile(po, &err)) return set_state("error: " + err);
    }
    set_state("waiting for traces");
    auto traces = wait_for_traces(o_.profile_dir, before, po.settle_s, std::min(po.timeout_s, 120.0), &err);
    if (traces.empty()) return set_state("error: " + err);
    set_state("importing");
    std::map<std::filesystem::path, std::string> all;
    {
      std::lock_guard l(mu_);
      for (const auto& t : traces) traces_[t] = "";
      all = traces_;
    }
    try {
      auto run = import_traces(all);
      {
        std::lock_guard l(mu_);
        traces_imported_ = all.size();
      }
      if (on_traces_) on_traces_(std::move(run));
      set_state("done");
    } catch (const std::exception& e) {
      set_state(std::string("error: ") + e.what());
    }
  });
  return true;
}

void ServeSession::finish_expert_recorder(ServingSink& w, std::vector<std::filesystem::path>* dumps) {
  ExpertRecorderOptions eo{ro_.base_url, ro_.api_key, o_.expert_recorder, o_.expert_recorder_mode};
  std::string err;
  *dumps = stop_and_dump_expert_record(eo, expert_before_, &err);
  w.set_meta("expert_recorder.dumps", std::to_string(dumps->size()));
  if (dumps->empty()) {
    std::cerr << "hotpath: --expert-recorder: " << err << '\n';
    w.set_meta("expert_recorder.error", err);
    return;
  }
  // The dump's own shape says the mode; a different one than the user gave is worth a line.
  const std::string want = o_.expert_recorder_mode == "stat" ? "sglang-pt-stat" : "sglang-pt-per-pass";
  for (const auto& p : *dumps) {
    try {
      const experts::ExpertLoad l = experts::load_expert_input(p);
      if (l.format != want && l.format != "sglang-csv")
        std::cerr << "hotpath: --expert-recorder: " << p.filename().string() << " is " << l.format
                  << ", not the " << o_.expert_recorder_mode << " mode given\n";
    } catch (const std::exception& e) {
      std::cerr << "hotpath: --expert-recorder: " << e.what() << '\n';
      w.set_meta("expert_recorder.error", e.what());
    }
  }
}

}  // namespace hp::capture
