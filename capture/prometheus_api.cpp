#include "capture/prometheus_api.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "capture/replay_client.h"

namespace hp::capture {
namespace {

bool parse_value(const nlohmann::json& pair, serving::Sample* s) {
  if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number() || !pair[1].is_string()) return false;
  s->ts_ns = static_cast<int64_t>(std::llround(pair[0].get<double>() * 1e9));
  const std::string v = pair[1].get<std::string>();
  char* end = nullptr;
  s->value = std::strtod(v.c_str(), &end);  // accepts NaN, +Inf, -Inf
  return end && *end == '\0' && !v.empty();
}

std::string url_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::filesystem::path assets_dir() {
  if (const char* e = std::getenv("HOTPATH_ASSETS_DIR"); e && *e) return e;
  return std::filesystem::path(HOTPATH_SOURCE_DIR) / "assets";
}

}  // namespace

bool parse_prometheus_api_json(std::string_view json, std::vector<serving::MetricSeries>* out,
                               std::string* error) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  auto fail = [&](const std::string& why) {
    if (error) *error = why;
    return false;
  };
  if (!j.is_object()) return fail("Prometheus API answer is not a JSON object");
  if (j.value("status", "") != "success")
    return fail(
        fmt::format("Prometheus API error: {}: {}", j.value("errorType", "?"), j.value("error", "?")));
  if (!j.contains("data") || !j["data"].is_object()) return fail("Prometheus API answer has no data object");
  const auto& data = j["data"];
  std::string type = data.value("resultType", "");
  if ((type != "matrix" && type != "vector") || !data.contains("result") || !data["result"].is_array())
    return fail("Prometheus API answer is not a matrix or vector result (resultType " + type + ")");
  size_t index = 0;
  for (const auto& r : data["result"]) {
    serving::MetricSeries s;
    if (!r.is_object() || !r.contains("metric") || !r["metric"].is_object())
      return fail(fmt::format("result {}: no metric object", index));
    for (const auto& [k, v] : r["metric"].items()) {
      if (!v.is_string()) return fail(fmt::format("result {}: label {} is not a string", index, k));
      if (k == "__name__")
        s.key.name = v.get<std::string>();
      else
        s.key.labels.push_back({k, v.get<std::string>()});
    }
    serving::sort_labels(s.key.labels);
    if (type == "matrix") {
      if (!r.contains("values") || !r["values"].is_array())
        return fail(fmt::format("result {}: no values", index));
      for (const auto& p : r["values"]) {
        serving::Sample smp;
        if (!parse_value(p, &smp))
          return fail(fmt::format("result {}: malformed [time, \"value\"] pair", index));
        s.samples.push_back(smp);
      }
    } else {
      serving::Sample smp;
      if (!r.contains("value") || !parse_value(r["value"], &smp))
        return fail(fmt::format("result {}: malformed value", index));
      s.samples.push_back(smp);
    }
    out->push_back(std::move(s));
    ++index;
  }
  return true;
}

bool query_range(const RangeQuery& q, std::vector<serving::MetricSeries>* out, std::string* error) {
  std::string url = fmt::format("{}/api/v1/query_range?query={}&start={:.3f}&end={:.3f}&step={}", q.base_url,
                                url_escape(q.query), static_cast<double>(q.start_ns) / 1e9,
                                static_cast<double>(q.end_ns) / 1e9, q.step_s);
  std::string body, err;
  int code = http_request("GET", url, "", &body, &err, 30);
  if (code == 0) {
    if (error) *error = "GET " + q.base_url + "/api/v1/query_range: " + err;
    return false;
  }
  if (!parse_prometheus_api_json(body, out, error)) {
    if (error && code != 200) *error = fmt::format("HTTP {}: {}", code, *error);
    return false;
  }
  return true;
}

std::vector<std::string> canonical_series_names(std::string_view engine) {
  std::set<std::string> names;
  std::ifstream in(assets_dir() / "metric_map.json");
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (!j.is_object() || !j.contains("concepts") || !j["concepts"].is_array()) return {};
  for (const auto& c : j["concepts"]) {
    if (!c.is_object() || !c.contains("series") || !c["series"].is_array()) continue;
    std::string kind = c.value("kind", "");
    if (kind == "info") continue;
    for (const auto& s : c["series"]) {
      if (!s.is_object() || !s.contains("series") || !s["series"].is_string()) continue;
      std::string e = s.value("engine", "");
      if (!engine.empty() && e.rfind(engine, 0) != 0) continue;
      std::string name = s["series"].get<std::string>();
      if (kind == "histogram") {
        names.insert(name + "_sum");
        names.insert(name + "_count");
      } else {
        names.insert(name);
      }
    }
  }
  return {names.begin(), names.end()};
}

std::string name_selector(std::string_view name) {
  std::string escaped;
  for (char c : name) {
    if (c == '"' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return "{__name__=\"" + escaped + "\"}";
}

}  // namespace hp::capture
