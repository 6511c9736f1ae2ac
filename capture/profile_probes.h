#pragma once
// Torch-profiler capture around synthetic probes: for each stage (prefill, then decode) warm-up
// probes, /start_profile, the profiled probes, /stop_profile, then the trace files the server wrote.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "capture/replay_client.h"
#include "capture/serve_options.h"
#include "core/serving/serving_sink.h"

namespace hp::capture {

// Runs `count` probes from `from` (closed loop, one at a time); returns how many succeeded. With a
// sink, the requests are recorded with their purpose ("probe:prefill"), which reports leave out.
uint64_t run_probes(const ReplayOptions& base, const std::vector<serving::TrafficRequest>& probes,
                    size_t from, size_t count, ServingSink* sink = nullptr, const std::string& purpose = {});

// Both stages; returns trace path -> stage. Throws std::runtime_error when a stage fails.
std::map<std::filesystem::path, std::string> profile_stages(const ServeOpts& o, const ReplayOptions& ro,
                                                            const std::string& engine, ServingSink& sink);

}  // namespace hp::capture
