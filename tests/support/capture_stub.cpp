// Stands in for a CUDA program running under libhotpath_inject.so: connects to
// $HOTPATH_CAPTURE_SOCKET and sends a known capture stream (core/capture/cupti_frames.h), so that
// the collector (capture/cupti_capture) and `hotpath capture` are tested without a GPU.
// Modes: ok | fork (two processes) | cut (stops inside a frame, exit 3) | hang (waits for SIGINT) |
// error (CUPTI could not be set up) | none (never connects, as a program that does not use CUDA).
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/capture/cupti_frames.h"

using namespace hp::cupti;

namespace {

int connect_socket() {
  const char* path = std::getenv("HOTPATH_CAPTURE_SOCKET");
  if (!path) return -1;
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
  return ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 ? fd : -1;
}

void send_all(int fd, const std::string& s) {
  for (size_t off = 0; off < s.size();) {
    ssize_t n = ::write(fd, s.data() + off, s.size() - off);
    if (n <= 0) std::exit(9);
    off += static_cast<size_t>(n);
  }
}

// The hello frame: its command field carries the injection variables, for the test to check.
std::string stream_hello() {
  std::string s = encode_stream_header();
  const char* inject = std::getenv("CUDA_INJECTION64_PATH");
  const char* nvtx = std::getenv("NVTX_INJECTION64_PATH");
  auto now = std::chrono::system_clock::now().time_since_epoch();
  append_frame(s, Hello{static_cast<uint32_t>(getpid()), 1000,
                        std::chrono::duration_cast<std::chrono::nanoseconds>(now).count(), 130000,
                        std::string("stub ") + (inject ? inject : "-") + " " + (nvtx ? nvtx : "-")});
  return s;
}

// The hello and one kernel launch.
std::string stream_start() {
  std::string s = stream_hello();
  append_frame(s, StringDef{1, "cudaLaunchKernel_v7000"});
  append_frame(s, StringDef{2, "_Z4stubv"});
  append_frame(s, StringDef{3, "region"});
  append_frame(s, ApiRec{0, 211, 1050, 1060, static_cast<uint32_t>(getpid()), 11, 1, 1, 0});
  append_frame(s, KernelRec{1100, 1200, 1, 0, 1, 7, 2, 8, 1, 1, 256, 1, 1, 16, 0, 0, 0, 0});
  return s;
}

int send_ok() {
  int fd = connect_socket();
  if (fd < 0) return 8;
  std::string s = stream_start();
  append_frame(s, MemcpyRec{1300, 1400, 2, 0, 1, 7, 1 << 20, 1, 1, 2, 0, 0});
  append_frame(s, MarkerRec{kMarkerStart, 1000, 1, static_cast<uint32_t>(getpid()), 11, 3, 0});
  append_frame(s, MarkerRec{kMarkerEnd, 1500, 1, static_cast<uint32_t>(getpid()), 11, 0, 0});
  append_frame(s, DroppedRec{0, 0, 0});
  append_frame(s, EndRec{5});
  send_all(fd, s);
  ::close(fd);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "ok";
  if (mode == "ok") return send_ok();
  if (mode == "fork") {
    pid_t child = ::fork();
    if (child == 0) ::_exit(send_ok());
    int rc = send_ok(), status = 0;
    ::waitpid(child, &status, 0);
    return rc;
  }
  if (mode == "none") return 0;
  int fd = connect_socket();
  if (fd < 0) return 8;
  if (mode == "error") {
    std::string s = stream_hello();
    append_frame(s, ErrorRec{17, "enabling kernels (concurrent): CUPTI_ERROR_INSUFFICIENT_PRIVILEGES"});
    append_frame(s, EndRec{0});
    send_all(fd, s);
    return 0;
  }
  std::string s = stream_start();
  if (mode == "cut") {
    std::string k;
    append_frame(k, KernelRec{});
    send_all(fd, s + k.substr(0, 30));
    return 3;
  }
  if (mode == "hang") {
    send_all(fd, s);
    ::sleep(60);
    return 0;
  }
  return 2;
}
