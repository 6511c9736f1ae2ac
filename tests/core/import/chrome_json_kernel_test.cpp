// The event-boundary scanner of both kernels against a byte-by-byte reference: container ends,
// element ends, chunk cuts and the state where an incomplete scan stops, on random bytes of JSON's
// structural alphabet (strings with brackets and escapes, nesting, truncation) and on a real trace.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <string>

#include "core/import/chrome_json_kernel.h"
#include "core/util/input_file.h"

using hp::json::ScanResult;
using hp::json::ScanState;

namespace {

ScanResult reference_scan(const char* buf, size_t n, size_t pos, size_t chunk_bytes, ScanState from) {
  ScanResult r;
  int64_t depth = from.depth;
  bool in_string = from.in_string, escaped = from.escaped;
  size_t chunk_start = pos;
  for (size_t i = pos; i < n; ++i) {
    const char c = buf[i];
    if (escaped) {
      escaped = false;
    } else if (in_string) {
      if (c == '\\') escaped = true;
      if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth <= 0) {
        r.end = i + 1;
        r.complete = true;
        return r;
      }
      if (depth == 1) {
        r.last_elem_end = i + 1;
        if (chunk_bytes && r.last_elem_end - chunk_start >= chunk_bytes) {
          r.cuts.push_back(r.last_elem_end);
          chunk_start = r.last_elem_end;
        }
      }
    }
  }
  r.end = n;
  r.state = {depth, in_string, escaped};
  return r;
}

void check_same(const hp::json::Kernel& k, const std::string& text, size_t pos, size_t chunk,
                ScanState from) {
  std::string padded = text + std::string(64, ' ');
  ScanResult want = reference_scan(padded.data(), text.size(), pos, chunk, from);
  ScanResult got = k.scan(padded.data(), text.size(), pos, chunk, from);
  INFO(k.name << " pos " << pos << " chunk " << chunk << " from depth " << from.depth << " in_string "
              << from.in_string << " escaped " << from.escaped << " text " << text.substr(0, 300));
  REQUIRE(got.complete == want.complete);
  REQUIRE(got.end == want.end);
  REQUIRE(got.cuts == want.cuts);
  if (!want.complete) {
    REQUIRE(got.last_elem_end == want.last_elem_end);
    REQUIRE(got.state == want.state);
  }
}

const hp::json::Kernel* kernels[] = {&hp::json::generic::kKernel, &hp::json::best_kernel()};

}  // namespace

TEST_CASE("scan kernels: random structural bytes give the reference's ends, cuts and state",
          "[import][chrome_json][scan]") {
  std::mt19937 rng(20261204);
  const std::string alphabet = "{}[]\"\\,: a{}\"";
  for (int round = 0; round < 3000; ++round) {
    const size_t len = round % 10 == 0 ? 2000 + rng() % 3000 : rng() % 400;
    std::string text(len, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    // Balanced prefixes make deep element ends and container ends likely, not only truncation.
    if (round % 3 == 0) text = "[" + std::string(rng() % 3, '{') + text;
    const size_t pos = text.empty() ? 0 : rng() % (text.size() / 4 + 1);
    ScanState from;
    from.depth = static_cast<int64_t>(rng() % 4);
    from.in_string = rng() % 4 == 0;
    from.escaped = from.in_string && rng() % 3 == 0;
    for (size_t chunk : {size_t{0}, size_t{1}, size_t{37}, size_t{300}})
      for (const auto* k : kernels) check_same(*k, text, pos, chunk, from);
  }
}

TEST_CASE("scan kernels: a real trace's traceEvents, whole and truncated", "[import][chrome_json][scan]") {
  hp::LoadProgress p;
  const std::string text(
      hp::read_input_file(
          std::filesystem::path(HOTPATH_TEST_DATA) / "kineto/hta_event_sync_multi_stream_a100.json.gz", p)
          .view());
  const size_t open = text.find("\"traceEvents\"");
  REQUIRE(open != std::string::npos);
  const size_t bracket = text.find('[', open);
  for (const auto* k : kernels) {
    check_same(*k, text, bracket, 4096, {});
    check_same(*k, text.substr(0, text.size() * 2 / 3), bracket, 4096, {});
    check_same(*k, text, 0, 0, {});
  }
}
