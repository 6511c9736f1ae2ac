#pragma once
// The traffic of a serving capture and the replay options that send it: traffic files of every
// supported format, synthetic probes, and the endpoint, arrival process and model from the options.
#include <string>

#include "capture/replay_client.h"
#include "capture/serve_options.h"
#include "core/serving/traffic.h"

namespace hp::capture {

// Reads a traffic file; format "auto" picks by extension and content. Throws on a bad file.
serving::Traffic load_traffic(const std::string& path, std::string format, bool whole_conversations);
// --traffic probe:prefill|probe:decode: one unique probe per request (warm-up included), so that no
// two share a prefix; without --num-requests, 1000 that then repeat.
serving::Traffic probe_traffic(const ServeOpts& o);
// Splits "http://host:port/v1/chat/completions" into the base URL and the API path.
void split_endpoint(std::string url, std::string* base, std::string* path);
// The replay options the flags ask for (endpoint, API key, arrival process, timeouts). Returns false
// with *error set when they contradict each other. The model is left empty when not given.
bool replay_options(const ServeOpts& o, const serving::Traffic& traffic, int64_t warmup, int64_t num_requests,
                    ReplayOptions* ro, std::string* error);

}  // namespace hp::capture
