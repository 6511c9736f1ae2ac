#pragma once
// The options of a --watch capture (no traffic, /metrics at 10 Hz, no NVML) against a test server,
// writing DIR/run.hotpath: what the capture engine's tests start from.
#include <filesystem>
#include <string>

#include "capture/serve_options.h"

namespace hp::test {

inline capture::ServeOpts watch_opts(const std::string& url, const std::filesystem::path& dir,
                                     const std::string& engine = "vllm") {
  capture::ServeOpts o;
  o.endpoint = url;
  o.watch = true;
  o.engine = engine;
  o.output = (dir / "run.hotpath").string();
  o.scrape_hz = 10;
  o.quiet = true;
  o.no_gpu = true;
  return o;
}

}  // namespace hp::test
