#pragma once
// Test helpers for `hotpath disagg-config` output: writes a generated file to a scratch directory,
// reads it back through tests/support/config_check.py (PyYAML, jsonschema, shlex) and flattens a
// document into its key paths for allow-list and golden-structure comparisons.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/cli_run.h"

namespace hp::test {

inline std::string config_scratch_dir() {
  static const std::string dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("hotpath_cfg_" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d.string();
  }();
  return dir;
}

inline std::string write_scratch(const std::string& name, const std::string& text) {
  std::string path = config_scratch_dir() + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

inline CliResult config_check(const std::string& args) {
  return run_command("python3 '" HOTPATH_SOURCE_DIR "/tests/support/config_check.py' " + args + " 2>&1");
}

// The YAML document of `path` as JSON (PyYAML's reading, so YAML 1.1 types).
inline nlohmann::json yaml_file_json(const std::string& path) {
  CliResult r = config_check("tojson '" + path + "'");
  INFO(r.out);
  REQUIRE(r.code == 0);
  return nlohmann::json::parse(r.out);
}

inline nlohmann::json yaml_text_json(const std::string& name, const std::string& text) {
  return yaml_file_json(write_scratch(name, text));
}

// JSON-schema errors ("path: message") of the YAML `text` against a schema or a gzip'ed CRD.
inline std::vector<std::string> schema_errors(const std::string& schema, const std::string& name,
                                              const std::string& text) {
  CliResult r = config_check("validate '" + schema + "' '" + write_scratch(name, text) + "'");
  INFO(r.out);
  REQUIRE((r.code == 0 || r.code == 1));
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < r.out.size()) {
    size_t end = r.out.find('\n', start);
    if (end == std::string::npos) end = r.out.size();
    std::string line = r.out.substr(start, end - start);
    if (!line.empty() && line.find(" errors") == std::string::npos) lines.push_back(line);
    start = end + 1;
  }
  CHECK((r.code == 0) == lines.empty());
  return lines;
}

// The commands of a shell script as word lists (shlex, continuations joined, comments dropped).
inline nlohmann::json shell_commands(const std::string& name, const std::string& text) {
  std::string path = write_scratch(name, text);
  CliResult syntax = run_command("bash -n '" + path + "' 2>&1");
  INFO(syntax.out);
  CHECK(syntax.code == 0);
  CliResult r = config_check("shellsplit '" + path + "'");
  INFO(r.out);
  REQUIRE(r.code == 0);
  return nlohmann::json::parse(r.out);
}

// Key paths of a document: "spec.components[].podTemplate.spec.containers[].name"; array elements
// share "[]". Scalars inside arrays give the array's path.
inline void key_paths(const nlohmann::json& j, const std::string& at, std::set<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) key_paths(v, at.empty() ? k : at + "." + k, out);
    if (j.empty()) out.insert(at);
  } else if (j.is_array()) {
    for (const auto& v : j) key_paths(v, at + "[]", out);
    if (j.empty()) out.insert(at + "[]");
  } else {
    out.insert(at);
  }
}

inline std::set<std::string> key_paths(const nlohmann::json& j) {
  std::set<std::string> out;
  key_paths(j, "", out);
  return out;
}

inline std::set<std::string> minus(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::set<std::string> out;
  for (const auto& s : a)
    if (!b.count(s)) out.insert(s);
  return out;
}

// Value of the flag `name` in a word list ("" when absent).
inline std::string flag_value(const nlohmann::json& words, const std::string& name) {
  for (size_t i = 0; i + 1 < words.size(); ++i)
    if (words[i] == name) return words[i + 1].get<std::string>();
  return "";
}

inline bool has_word(const nlohmann::json& words, const std::string& w) {
  for (const auto& x : words)
    if (x == w) return true;
  return false;
}

}  // namespace hp::test
