#pragma once
// Runs the real hotpath binary for CLI tests: exit code and stdout+stderr.
#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

namespace hp::test {

struct CliResult {
  int code = -1;
  std::string out;
};

// Runs a shell command; collects its stdout and exit code.
inline CliResult run_command(const std::string& cmd) {
  CliResult r;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::array<char, 1 << 14> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// `env` is an optional prefix such as "env -u DISPLAY".
inline CliResult run_hotpath(const std::string& args, bool with_stderr = true, const std::string& env = "") {
  return run_command(env + (env.empty() ? "" : " ") + "'" HOTPATH_BIN "' " + args +
                     (with_stderr ? " 2>&1" : " 2>/dev/null"));
}

inline bool contains(const std::string& s, const std::string& what) {
  return s.find(what) != std::string::npos;
}

}  // namespace hp::test
