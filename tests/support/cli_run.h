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

inline CliResult run_hotpath(const std::string& args, bool with_stderr = true) {
  std::string cmd = "'" HOTPATH_BIN "' " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  CliResult r;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline bool contains(const std::string& s, const std::string& what) {
  return s.find(what) != std::string::npos;
}

}  // namespace hp::test
