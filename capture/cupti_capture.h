#pragma once
// `hotpath capture`'s live side: starts CMD with the CUPTI injection (capture/cupti/) and collects
// the frame streams every CUDA process of it sends over a Unix socket (one connection per process,
// so child processes of CMD are captured too). Decoding is core/capture/cupti_frames; building the
// Run is core/capture/cupti_run.
#include <atomic>
#include <string>
#include <vector>

#include "core/capture/cupti_frames.h"

namespace hp {

struct CaptureLaunch {
  std::vector<std::string> argv;  // CMD ARGS...
  std::string inject_library;     // libhotpath_inject.so
  std::string cupti_library;      // libcupti.so, NVTX's injection (empty: no NVTX ranges)
  double stop_after_s = 0;        // > 0: SIGINT to CMD after this many seconds (then SIGKILL after a grace)
  double grace_s = 10;
  const std::atomic<bool>* interrupted = nullptr;  // set by hotpath's SIGINT handler: stop CMD the same way
};

struct CaptureOutcome {
  std::string error;     // could not start (socket, fork, exec): the whole message
  int exit_status = -1;  // CMD's exit code, or 128 + signal
  bool stopped = false;  // hotpath stopped CMD (--duration or Ctrl-C)
  int64_t started_epoch_ns = 0;
  std::vector<cupti::StreamRecords> streams;  // one per process that loaded the injection
};

CaptureOutcome run_capture(const CaptureLaunch& launch);

// The injection library to use: $HOTPATH_INJECT_LIBRARY, else libhotpath_inject.so beside the running
// executable. Empty when this build has no CUPTI.
std::string default_inject_library();
// libcupti.so: $HOTPATH_CUPTI_LIBRARY, else the one this build linked the injection to.
std::string default_cupti_library();

}  // namespace hp
