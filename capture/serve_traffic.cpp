#include "capture/serve_traffic.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace hp::capture {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open the file");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

serving::Traffic load_traffic(const std::string& path, std::string format, bool whole_conversations) {
  std::string text = read_file(path);
  if (format == "auto") {
    size_t p = text.find_first_not_of(" \t\r\n");
    char first = p == std::string::npos ? 0 : text[p];
    if (path.size() > 4 && path.substr(path.size() - 4) == ".csv")
      format = "azure-csv";
    else if (first == '[')
      format = "sharegpt";
    else if (text.find("\"hash_ids\"") != std::string::npos ||
             text.find("\"input_length\"") != std::string::npos)
      format = "mooncake";
    else
      format = "jsonl";
  }
  if (format == "sharegpt") return serving::load_sharegpt(text, whole_conversations);
  if (whole_conversations)
    throw std::runtime_error("--sharegpt-conversations needs ShareGPT traffic, not " + format);
  if (format == "azure-csv") return serving::load_azure_csv(text);
  if (format == "mooncake") return serving::load_mooncake(text);
  if (format == "jsonl") return serving::load_jsonl(text);
  throw std::runtime_error("unknown --traffic-format " + format +
                           " (jsonl, sharegpt, azure-csv, mooncake, auto)");
}

serving::Traffic probe_traffic(const ServeOpts& o) {
  const size_t n =
      static_cast<size_t>((o.num_requests > 0 ? o.num_requests : 1000) + std::max<int64_t>(0, o.warmup));
  serving::Traffic t;
  t.format = o.traffic;
  const uint64_t seed = o.seed + 2;  // --torch-profile's own probes use seed and seed + 1
  t.requests = o.traffic == "probe:prefill" ? serving::prefill_probes(n, o.probe_input_tokens, seed)
                                            : serving::decode_probes(n, o.probe_output_tokens, seed);
  return t;
}

void split_endpoint(std::string url, std::string* base, std::string* path) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  size_t scheme = url.find("://");
  size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  *base = slash == std::string::npos ? url : url.substr(0, slash);
  *path = slash == std::string::npos ? "" : url.substr(slash);
}

bool replay_options(const ServeOpts& o, const serving::Traffic& traffic, int64_t warmup, int64_t num_requests,
                    ReplayOptions* ro, std::string* error) {
  std::string path;
  split_endpoint(o.endpoint, &ro->base_url, &path);
  ro->endpoint = !path.empty() && path != "/v1"
                     ? path
                     : (o.chat || o.whole_conversations ? "/v1/chat/completions" : "/v1/completions");
  if (o.whole_conversations && ro->endpoint.find("chat") == std::string::npos) {
    *error = "--sharegpt-conversations sends chat messages; " + ro->endpoint + " is not a chat endpoint";
    return false;
  }
  if (const char* key = std::getenv(o.api_key_env.c_str())) ro->api_key = key;
  ro->default_max_tokens = o.max_tokens;
  ro->block_tokens = traffic.block_tokens > 0 ? traffic.block_tokens : 512;
  ro->request_timeout_s = o.request_timeout;
  ro->read_timeout_s = o.read_timeout;
  ro->model = o.model;
  serving::ArrivalOptions& a = ro->arrival;
  a.concurrency = o.concurrency;
  a.duration_s = o.duration;
  a.num_requests = num_requests;
  a.warmup = warmup;
  a.seed = o.seed;
  bool has_times = std::any_of(traffic.requests.begin(), traffic.requests.end(),
                               [](const auto& r) { return r.arrival_offset_ns >= 0; });
  if (o.rate > 0) {
    a.kind = o.burstiness == 1 ? serving::ArrivalKind::Poisson : serving::ArrivalKind::Gamma;
    a.rate = o.rate;
    a.burstiness = o.burstiness;
  } else if (o.time_scale > 0 && has_times) {
    a.kind = serving::ArrivalKind::Trace;
    a.time_scale = o.time_scale;
  } else if (o.concurrency <= 0 && !has_times) {
    a.concurrency = 1;  // the predecessor's default
  }
  return true;
}

}  // namespace hp::capture
