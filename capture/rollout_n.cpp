#include "capture/rollout_n.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "core/serving/rollouts.h"
#include "core/serving/sse_parser.h"

namespace hp::capture {

NProbe probe_n(const ReplayOptions& opt, int n) {
  nlohmann::json j;
  j["model"] = opt.model;
  const std::string prompt = "hotpath probe: does this server honour n?";
  if (opt.endpoint.find("chat") != std::string::npos)
    j["messages"] = nlohmann::json::array({{{"role", "user"}, {"content", prompt}}});
  else
    j["prompt"] = prompt;
  j["max_tokens"] = 1;
  j["n"] = n;
  j["stream"] = true;
  std::string body, err;
  const int code = http_request("POST", opt.base_url + opt.endpoint, j.dump(), &body, &err,
                                std::min(60.0, opt.request_timeout_s), opt.api_key);
  NProbe p;
  if (code == 0) {
    p.reason = "the probe request failed: " + err;
    return p;
  }
  if (code < 200 || code >= 300) {
    std::string msg = body.substr(0, 200);
    auto e = nlohmann::json::parse(body, nullptr, false);
    if (e.is_object() && e.contains("message") && e["message"].is_string())
      msg = e["message"].get<std::string>();
    else if (e.is_object() && e.contains("error") && e["error"].is_object() &&
             e["error"].contains("message") && e["error"]["message"].is_string())
      msg = e["error"]["message"].get<std::string>();
    p.reason = fmt::format("the server refused n = {}: HTTP {}: {}", n, code, msg);
    return p;
  }
  std::set<int64_t> seen;
  std::string error;
  serving::SseParser sse;
  sse.feed(body, [&](const serving::SseEvent& ev) {
    serving::OpenAiChunk c = serving::parse_openai_chunk(ev.data);
    if (c.done) return;
    if (!c.json_ok || !c.error.empty()) {
      if (error.empty()) error = c.error.substr(0, 200);
      return;
    }
    if (c.has_choices) seen.insert(c.choice_index);
  });
  if (!error.empty()) {
    p.reason = fmt::format("the server answered n = {} with an error: {}", n, error);
  } else if (seen.size() < static_cast<size_t>(n)) {
    p.reason = fmt::format("the server ignored n = {}: {} choice(s) came back", n, seen.size());
  } else {
    p.supported = true;
    p.reason = fmt::format("the server streamed {} choices for n = {}", seen.size(), n);
  }
  return p;
}

RolloutPlan rollout_plan(int n, const NProbe& probe) {
  RolloutPlan r;
  if (n <= 1) return r;
  r.n = n;
  r.mode = probe.supported ? "n" : "requests";
  r.reason = probe.reason;
  r.meta = {{"rollouts.n", std::to_string(n)},
            {"rollouts.mode", r.mode},
            {"rollouts.reason", r.reason},
            {"rollouts.note",
             probe.supported
                 ? fmt::format("one request per prompt with the API's n = {0}, its choices read apart by "
                               "index; group = request index / {0}",
                               n)
                 : fmt::format("{0} requests share each prompt (the API's n is not used: {1}); group = "
                               "request index / {0}",
                               n, probe.reason)}};
  return r;
}

RolloutPlan plan_rollouts(int n, ReplayOptions& opt, serving::Traffic& traffic, std::ostream& log) {
  if (n <= 1) return {};
  RolloutPlan r = rollout_plan(n, probe_n(opt, n));
  if (r.mode == "n") {
    opt.rollouts_n = n;
    log << fmt::format("hotpath: --rollouts {0}: one request per prompt with n = {0} ({1})\n", n, r.reason);
    return r;
  }
  traffic.requests = serving::repeat_each(traffic.requests, static_cast<size_t>(n));
  opt.arrival.warmup = (opt.arrival.warmup + n - 1) / n * n;
  if (opt.arrival.num_requests > 0) opt.arrival.num_requests *= n;
  log << fmt::format(
      "hotpath: --rollouts {0}: each prompt sent as {0} requests in a row (group = request index / {0}); "
      "the API's n is not used: {1}\n",
      n, r.reason);
  return r;
}

}  // namespace hp::capture
