// libhotpath_inject.so: loaded by the CUDA driver into the traced process through
// CUDA_INJECTION64_PATH (set by `hotpath capture`), which calls InitializeInjection at cuInit.
// It connects to hotpath's Unix socket ($HOTPATH_CAPTURE_SOCKET), enables CUPTI activity records and
// streams them as frames (core/capture/cupti_frames.h). Memory in the target is bounded: at most
// $HOTPATH_CAPTURE_MAX_BUFFERS activity buffers of kBufferBytes exist at once; past that CUPTI's
// buffer requests are refused, CUPTI drops those records, and the loss is counted and sent.
// Buffers are flushed every $HOTPATH_CAPTURE_FLUSH_MS (200) ms and at exit.
#include <cupti.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "capture/cupti/inject_encode.h"
#include "core/capture/cupti_frames.h"

namespace {

using namespace hp::cupti;

constexpr size_t kBufferBytes = 1u << 20;

struct State {
  int fd = -1;
  std::mutex mu;  // encoder, socket writes
  RecordEncoder enc;
  DroppedRec dropped, sent_dropped;
  std::atomic<int> buffers_out{0};
  std::atomic<uint64_t> buffers_refused{0};  // atomic: a refusal must never wait for a blocked send
  int max_buffers = 64;
  std::chrono::milliseconds flush_period{200};
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stop = false;
  std::thread flusher;
  bool initialized = false;
};
State& state() {
  static State* s = new State;  // never destroyed: CUPTI may call back during exit
  return *s;
}

long env_long(const char* name, long fallback) {
  const char* v = std::getenv(name);
  char* end = nullptr;
  long n = v ? std::strtol(v, &end, 10) : 0;
  return v && end != v && *end == '\0' && n > 0 ? n : fallback;
}

// Writes all of `bytes`; on failure the stream is closed (hotpath went away) and false returned.
bool send_all(State& s, const std::string& bytes) {
  size_t off = 0;
  while (s.fd >= 0 && off < bytes.size()) {
    ssize_t n = ::send(s.fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(s.fd);
      s.fd = -1;
      return false;
    }
    off += static_cast<size_t>(n);
  }
  return s.fd >= 0;
}

void send_error(State& s, uint32_t code, const std::string& what) {
  std::string out;
  append_frame(out, ErrorRec{code, what});
  std::lock_guard lock(s.mu);
  send_all(s, out);
}

void CUPTIAPI buffer_requested(uint8_t** buffer, size_t* size, size_t* max_records) {
  State& s = state();
  *max_records = 0;
  if (s.buffers_out.fetch_add(1) >= s.max_buffers) {
    s.buffers_out.fetch_sub(1);
    s.buffers_refused.fetch_add(1);
    *buffer = nullptr, *size = 0;
    return;
  }
  *buffer = static_cast<uint8_t*>(std::aligned_alloc(8, kBufferBytes));
  *size = *buffer ? kBufferBytes : 0;
  if (!*buffer) s.buffers_out.fetch_sub(1);
}

void CUPTIAPI buffer_completed(CUcontext ctx, uint32_t stream, uint8_t* buffer, size_t, size_t valid) {
  State& s = state();
  {
    std::lock_guard lock(s.mu);
    std::string out;
    uint64_t n = 0;
    CUpti_Activity* rec = nullptr;
    while (valid && cuptiActivityGetNextRecord(buffer, valid, &rec) == CUPTI_SUCCESS)
      n += s.enc.add(rec, out);
    size_t lost = 0;
    if (cuptiActivityGetNumDroppedRecords(ctx, stream, &lost) == CUPTI_SUCCESS)
      s.dropped.cupti_dropped += lost;
    if (!out.empty() && !send_all(s, out)) s.dropped.records_lost += n;
    s.dropped.buffers_refused = s.buffers_refused.load();
    if (std::memcmp(&s.dropped, &s.sent_dropped, sizeof s.dropped) != 0) {
      std::string d;
      append_frame(d, s.dropped);
      if (send_all(s, d)) s.sent_dropped = s.dropped;
    }
  }
  std::free(buffer);
  s.buffers_out.fetch_sub(1);
}

std::string command_line() {
  std::ifstream f("/proc/self/cmdline", std::ios::binary);
  std::string cmd((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  while (!cmd.empty() && cmd.back() == '\0') cmd.pop_back();
  for (char& c : cmd)
    if (c == '\0') c = ' ';
  if (cmd.size() > 4096) cmd.resize(4096);
  return cmd;
}

int connect_socket() {
  const char* path = std::getenv("HOTPATH_CAPTURE_SOCKET");
  if (!path || std::strlen(path) >= sizeof(sockaddr_un::sun_path)) return -1;
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strcpy(addr.sun_path, path);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    fd = -1;
  }
  return fd;
}

void at_exit() {
  State& s = state();
  if (!s.initialized) return;
  {
    std::lock_guard lock(s.stop_mu);
    s.stop = true;
  }
  s.stop_cv.notify_all();
  if (s.flusher.joinable()) s.flusher.join();
  cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  std::lock_guard lock(s.mu);
  std::string out;
  s.dropped.buffers_refused = s.buffers_refused.load();
  append_frame(out, s.dropped);
  append_frame(out, EndRec{s.enc.records()});
  send_all(s, out);
  if (s.fd >= 0) ::close(s.fd);
  s.fd = -1;
}

void flush_loop() {
  State& s = state();
  std::unique_lock lock(s.stop_mu);
  while (!s.stop_cv.wait_for(lock, s.flush_period, [&] { return s.stop; })) {
    lock.unlock();
    cuptiActivityFlushAll(0);
    lock.lock();
  }
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int InitializeInjection(void) {
  State& s = state();
  if (s.initialized) return 1;
  s.fd = connect_socket();
  if (s.fd < 0) return 0;  // not started by `hotpath capture` (or it is gone): stay out of the way
  s.max_buffers = static_cast<int>(env_long("HOTPATH_CAPTURE_MAX_BUFFERS", 64));
  s.flush_period = std::chrono::milliseconds(env_long("HOTPATH_CAPTURE_FLUSH_MS", 200));
  Hello h;
  h.pid = static_cast<uint32_t>(::getpid());
  timespec now{};
  cuptiGetTimestamp(&h.cupti_ref);
  clock_gettime(CLOCK_REALTIME, &now);
  h.epoch_ref = static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
  cuptiGetVersion(&h.cupti_version);
  h.command = command_line();
  std::string out = encode_stream_header();
  append_frame(out, h);
  if (!send_all(s, out)) return 0;

  auto check = [&](CUptiResult r, const char* what) {
    if (r == CUPTI_SUCCESS) return true;
    const char* msg = nullptr;
    cuptiGetResultString(r, &msg);
    send_error(s, static_cast<uint32_t>(r), std::string(what) + ": " + (msg ? msg : "unknown CUPTI error"));
    return false;
  };
  check(cuptiSetThreadIdType(CUPTI_ACTIVITY_THREAD_ID_TYPE_SYSTEM), "cuptiSetThreadIdType");
  if (!check(cuptiActivityRegisterCallbacks(buffer_requested, buffer_completed),
             "cuptiActivityRegisterCallbacks"))
    return 0;
  struct Kind {
    CUpti_ActivityKind kind;
    const char* name;
  };
  for (Kind k :
       {Kind{CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, "kernels (concurrent)"},
        Kind{CUPTI_ACTIVITY_KIND_MEMCPY, "memcpy"}, Kind{CUPTI_ACTIVITY_KIND_MEMSET, "memset"},
        Kind{CUPTI_ACTIVITY_KIND_SYNCHRONIZATION, "synchronization"},
        Kind{CUPTI_ACTIVITY_KIND_RUNTIME, "runtime API"}, Kind{CUPTI_ACTIVITY_KIND_DRIVER, "driver API"},
        Kind{CUPTI_ACTIVITY_KIND_MARKER, "NVTX markers"}, Kind{CUPTI_ACTIVITY_KIND_CONTEXT, "contexts"}})
    check(cuptiActivityEnable(k.kind), (std::string("enabling ") + k.name).c_str());
  s.initialized = true;
  s.flusher = std::thread(flush_loop);
  std::atexit(at_exit);
  return 1;
}
