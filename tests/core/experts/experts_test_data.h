#pragma once
// Reads a file of tests/data/experts whole.
#include <fstream>
#include <sstream>
#include <string>

namespace hp::experts::test {

inline std::string data_path(const std::string& name) {
  return std::string(HOTPATH_TEST_DATA) + "/experts/" + name;
}

inline std::string slurp(const std::string& name) {
  std::ifstream in(data_path(name), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace hp::experts::test
