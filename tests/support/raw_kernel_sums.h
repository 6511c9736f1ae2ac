#pragma once
// Kernel GPU time and launch count per name, summed straight from a trace file's JSON (gunzipped by the
// gzip tool, parsed by nlohmann::json): an independent check on the importer and the analyses.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace hp::test {

struct RawKernelSum {
  int64_t time_ns = 0;
  uint64_t launches = 0;
  bool operator==(const RawKernelSum&) const = default;
};

inline std::string read_trace_text(const std::filesystem::path& path) {
  std::string cmd = "gzip -dcf '" + path.string() + "'";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run gzip");
  std::string out;
  char buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

// cat "kernel" (or legacy "Kernel"), ph "X"; dur µs -> ns rounded per event.
inline std::map<std::string, RawKernelSum> raw_kernel_sums(const std::filesystem::path& path) {
  auto doc = nlohmann::json::parse(read_trace_text(path));
  const auto& events = doc.is_array() ? doc : doc.at("traceEvents");
  std::map<std::string, RawKernelSum> out;
  for (const auto& e : events) {
    auto cat = e.find("cat");
    if (cat == e.end() || !cat->is_string()) continue;
    const auto& c = cat->get_ref<const std::string&>();
    if ((c != "kernel" && c != "Kernel") || e.value("ph", "") != "X") continue;
    RawKernelSum& s = out[e.at("name").get<std::string>()];
    s.time_ns += std::llround(e.at("dur").get<double>() * 1000.0);
    ++s.launches;
  }
  return out;
}

}  // namespace hp::test
