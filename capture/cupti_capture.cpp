#include "capture/cupti_capture.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>

namespace hp {

namespace fs = std::filesystem;

namespace {

int64_t epoch_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Conn {
  int fd;
  cupti::FrameDecoder dec;
};

}  // namespace

std::string default_inject_library() {
  if (const char* e = std::getenv("HOTPATH_INJECT_LIBRARY"); e && *e) return e;
#ifdef HOTPATH_HAVE_CUPTI
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) return (exe.parent_path() / "libhotpath_inject.so").string();
#endif
  return {};
}

std::string default_cupti_library() {
  if (const char* e = std::getenv("HOTPATH_CUPTI_LIBRARY"); e && *e) return e;
#ifdef HOTPATH_CUPTI_LIBRARY
  return HOTPATH_CUPTI_LIBRARY;
#else
  return {};
#endif
}

CaptureOutcome run_capture(const CaptureLaunch& launch) {
  CaptureOutcome out;
  if (launch.argv.empty()) return out.error = "no command to run", out;
  char dir_tpl[] = "/tmp/hotpath-capture-XXXXXX";
  if (!mkdtemp(dir_tpl))
    return out.error = fmt::format("cannot create a socket directory: {}", strerror(errno)), out;
  const fs::path dir = dir_tpl, sock_path = dir / "s";
  struct RemoveDir {
    fs::path dir;
    ~RemoveDir() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } remove_dir{dir};
  int lfd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, sock_path.c_str(), sizeof addr.sun_path - 1);
  if (lfd < 0 || ::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(lfd, 64) != 0) {
    out.error = fmt::format("cannot listen on {}: {}", sock_path.string(), strerror(errno));
    if (lfd >= 0) ::close(lfd);
    return out;
  }
  int err_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(lfd);
    return out.error = fmt::format("pipe: {}", strerror(errno)), out;
  }
  out.started_epoch_ns = epoch_now();
  const auto t0 = std::chrono::steady_clock::now();
  pid_t child = ::fork();
  if (child == 0) {
    ::close(err_pipe[0]);
    setenv("CUDA_INJECTION64_PATH", launch.inject_library.c_str(), 1);
    if (!launch.cupti_library.empty()) setenv("NVTX_INJECTION64_PATH", launch.cupti_library.c_str(), 1);
    setenv("HOTPATH_CAPTURE_SOCKET", sock_path.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : launch.argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    int e = errno;
    [[maybe_unused]] auto n = ::write(err_pipe[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(err_pipe[1]);
  if (child < 0) {
    ::close(lfd), ::close(err_pipe[0]);
    return out.error = fmt::format("fork: {}", strerror(errno)), out;
  }
  int exec_errno = 0;
  if (::read(err_pipe[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno) {
    ::close(lfd), ::close(err_pipe[0]);
    ::waitpid(child, nullptr, 0);
    return out.error = fmt::format("cannot run {}: {}", launch.argv[0], strerror(exec_errno)), out;
  }
  ::close(err_pipe[0]);

  std::vector<std::unique_ptr<Conn>> conns;
  bool child_done = false, sent_int = false, sent_kill = false;
  std::chrono::steady_clock::time_point int_at{}, done_at{}, last_data = std::chrono::steady_clock::now();
  auto seconds = [&](auto since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
  };
  auto finish_conn = [&](Conn& c) {
    c.dec.finish();
    out.streams.push_back(c.dec.take());
    ::close(c.fd);
    c.fd = -1;
  };
  for (;;) {
    if (!child_done) {
      int status = 0;
      if (::waitpid(child, &status, WNOHANG) == child) {
        child_done = true;
        done_at = std::chrono::steady_clock::now();
        out.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
    }
    const bool stop_now = (launch.stop_after_s > 0 && seconds(t0) >= launch.stop_after_s) ||
                          (launch.interrupted && launch.interrupted->load());
    if (!child_done && stop_now && !sent_int) {
      ::kill(child, SIGINT);
      sent_int = out.stopped = true;
      int_at = std::chrono::steady_clock::now();
    }
    if (!child_done && sent_int && !sent_kill && seconds(int_at) >= launch.grace_s) {
      ::kill(child, SIGKILL);
      sent_kill = true;
    }
    // After CMD exits, streams of processes it left behind are cut after 2 s of silence, or 10 s.
    bool open = false;
    for (auto& c : conns) open = open || c->fd >= 0;
    if (child_done && (!open || seconds(last_data) > 2.0 || seconds(done_at) > 10.0)) break;
    std::vector<pollfd> fds{{lfd, POLLIN, 0}};
    for (auto& c : conns)
      if (c->fd >= 0) fds.push_back({c->fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), 50) < 0 && errno != EINTR) break;
    if (fds[0].revents & POLLIN) {
      for (int fd; (fd = ::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC)) >= 0;) {
        conns.push_back(std::make_unique<Conn>(
            Conn{fd, cupti::FrameDecoder(fmt::format("stream {}", conns.size() + 1))}));
        last_data = std::chrono::steady_clock::now();
      }
    }
    char buf[1 << 16];
    for (size_t i = 1; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      for (auto& c : conns) {
        if (c->fd != fds[i].fd) continue;
        ssize_t n = ::read(c->fd, buf, sizeof buf);
        if (n > 0) {
          c->dec.feed(std::string_view(buf, static_cast<size_t>(n)));
          last_data = std::chrono::steady_clock::now();
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
          finish_conn(*c);
        }
      }
    }
  }
  for (auto& c : conns)
    if (c->fd >= 0) finish_conn(*c);
  ::close(lfd);
  if (!child_done) {  // only reached when poll failed
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    out.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  return out;
}

}  // namespace hp
