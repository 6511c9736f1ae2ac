#pragma once
// Kernel GPU time and launch count per name, summed straight from a trace file's JSON (gunzipped by the
// gzip tool, parsed by simdjson's DOM): an independent check on the importer and the analyses.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

#include <simdjson.h>

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

// cat "kernel" (or legacy "Kernel"), ph "X"; dur µs -> ns rounded per event. Parsed with simdjson's DOM
// (the optimised library, not our importer's code): a header-only parser built at -O0 under the
// sanitizers took minutes over the fixtures.
inline std::map<std::string, RawKernelSum> raw_kernel_sums(const std::filesystem::path& path) {
  simdjson::dom::parser parser;
  const simdjson::padded_string text(read_trace_text(path));
  const simdjson::dom::element doc = parser.parse(text);
  const simdjson::dom::array events = doc.is_array() ? doc.get_array() : doc["traceEvents"].get_array();
  std::map<std::string, RawKernelSum> out;
  for (simdjson::dom::element e : events) {
    std::string_view cat, ph, name;
    if (e["cat"].get(cat) || (cat != "kernel" && cat != "Kernel")) continue;
    if (e["ph"].get(ph) || ph != "X") continue;
    RawKernelSum& s = out[std::string(e["name"].get_string().value())];
    s.time_ns += std::llround(e["dur"].get_double().value() * 1000.0);
    ++s.launches;
  }
  return out;
}

}  // namespace hp::test
