#include "core/report/serving_export.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <stdexcept>

#include <fmt/format.h>

#include "core/util/redact.h"

namespace hp {

using namespace serving;
using nlohmann::json;

namespace {

uint64_t fnv1a(std::string_view s, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h ? h : 1;
}

std::string request_key(const RequestRecord& r) {
  return r.request_id.empty() ? fmt::format("index:{}", r.index) : r.request_id;
}

const char* method_name(CorrelationMethod m) {
  switch (m) {
    case CorrelationMethod::RequestId:
      return "request-id";
    case CorrelationMethod::TimeWindow:
      return "time-window";
    default:
      return "none";
  }
}

std::string redact_text(std::string s) {
  redact_hf_tokens(s);
  static const std::regex kApiKeyArg(R"((--?api[-_]key[ =])(\S+))", std::regex::icase);
  s = std::regex_replace(s, kApiKeyArg, "$1<redacted>");
  return s;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}

// A request's phases in the client clock: {name, begin, end}; empty phases are left out.
struct Phase {
  const char* name;
  int64_t begin, end;
};
std::vector<Phase> phases(const RequestRecord& r, bool* from_server) {
  std::vector<Phase> out;
  const auto& s = r.server;
  const int64_t off = s.clock_offset_ns;
  auto client = [&](int64_t server_t) { return std::clamp(server_t - off, r.sent_ns, r.end_ns); };
  *from_server = s.method != CorrelationMethod::None && s.scheduled_ns;
  int64_t prefill_begin = r.sent_ns;
  if (*from_server) {
    const int64_t q0 = s.queued_ns ? s.queued_ns : s.received_ns;
    if (q0) out.push_back({"queue", client(q0), client(s.scheduled_ns)});
    prefill_begin = client(s.scheduled_ns);
  }
  if (r.first_token_ns) {
    out.push_back({"prefill", prefill_begin, std::clamp(r.first_token_ns, prefill_begin, r.end_ns)});
    out.push_back({"decode", std::clamp(r.first_token_ns, r.sent_ns, r.end_ns), r.end_ns});
  }
  out.erase(std::remove_if(out.begin(), out.end(), [](const Phase& p) { return p.end <= p.begin; }),
            out.end());
  return out;
}

bool histogram_part(const std::string& n) {
  for (std::string_view suf : {"_bucket", "_sum", "_count", "_created"})
    if (n.size() > suf.size() && n.compare(n.size() - suf.size(), suf.size(), suf) == 0) return true;
  return false;
}

// Epoch ns as Chrome-trace microseconds with exact decimals (never through a double).
std::string chrome_us(int64_t ns) {
  const bool neg = ns < 0;
  const uint64_t a = neg ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
  return fmt::format("{}{}.{:03}", neg ? "-" : "", a / 1000, a % 1000);
}

json series_json(const std::vector<MetricSeries>& all) {
  json arr = json::array();
  for (const auto& s : all) {
    json labels = json::object();
    for (const auto& l : s.key.labels) labels[l.name] = l.value;
    json samples = json::array();
    for (const auto& x : s.samples) samples.push_back(json::array({x.ts_ns, x.value}));
    json one = {{"name", s.key.name}, {"labels", labels}, {"samples", samples}};
    if (!s.source.empty()) one["source"] = s.source;  // "prometheus": read from a fleet's Prometheus
    arr.push_back(std::move(one));
  }
  return arr;
}

}  // namespace

std::map<std::string, std::string> redacted_meta(const std::map<std::string, std::string>& meta) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : meta) {
    if (is_sensitive_key(k)) {
      out[k] = std::string(kRedacted);
      continue;
    }
    // KEY=value pairs inside the value (environment lists), via the JSON redactor on a JSON string.
    json redone = json::parse(redact_json(json(v).dump()), nullptr, false);
    out[k] = redact_text(redone.is_string() ? redone.get<std::string>() : std::string(kRedacted));
  }
  return out;
}

json serving_json(const ServingData& data) {
  json j;
  j["format"] = "hotpath-serving-export";
  j["version"] = 1;
  j["meta"] = redacted_meta(data.meta);
  json reqs = json::array();
  for (const auto& r : data.requests) {
    const auto& s = r.server;
    reqs.push_back({{"index", r.index},
                    {"request_id", r.request_id},
                    {"endpoint", r.endpoint},
                    {"warmup", r.warmup},
                    {"status", to_string(r.status)},
                    {"http_status", r.http_status},
                    {"error", redact_text(r.error)},
                    {"scheduled_ns", r.scheduled_ns},
                    {"sent_ns", r.sent_ns},
                    {"first_chunk_ns", r.first_chunk_ns},
                    {"first_token_ns", r.first_token_ns},
                    {"end_ns", r.end_ns},
                    {"token_chunk_ns", r.token_chunk_ns},
                    {"prompt_tokens", r.prompt_tokens},
                    {"output_tokens", r.output_tokens},
                    {"tokens_from_usage", r.tokens_from_usage},
                    {"max_tokens", r.max_tokens},
                    {"ttft_ns", r.ttft_ns()},
                    {"tpot_ns", r.tpot_ns()},
                    {"e2e_ns", r.e2e_ns()},
                    {"server",
                     {{"method", method_name(s.method)},
                      {"received_ns", s.received_ns},
                      {"queued_ns", s.queued_ns},
                      {"scheduled_ns", s.scheduled_ns},
                      {"first_token_ns", s.first_token_ns},
                      {"finished_ns", s.finished_ns},
                      {"clock_offset_ns", s.clock_offset_ns},
                      {"offset_uncertainty_ns", s.offset_uncertainty_ns}}}});
  }
  j["requests"] = reqs;
  j["metrics"] = series_json(data.metrics);
  j["log_series"] = series_json(data.log_series);
  return j;
}

std::string requests_csv(const ServingData& data) {
  std::string out =
      "index,request_id,endpoint,warmup,status,http_status,sent_ns,first_token_ns,end_ns,ttft_ms,tpot_ms,e2e_"
      "ms,"
      "prompt_tokens,output_tokens,tokens_from_usage,max_tokens,chunks,server_method,server_received_ns,"
      "server_queued_ns,server_scheduled_ns,server_first_token_ns,server_finished_ns,clock_offset_ns,"
      "offset_uncertainty_ns,error\n";
  auto ms = [](int64_t ns) { return ns < 0 ? std::string() : fmt::format("{:.3f}", ns / 1e6); };
  for (const auto& r : data.requests) {
    const auto& s = r.server;
    out += fmt::format(
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.index,
        csv_field(r.request_id), csv_field(r.endpoint), r.warmup ? 1 : 0, to_string(r.status), r.http_status,
        r.sent_ns, r.first_token_ns, r.end_ns, ms(r.ttft_ns()), ms(r.tpot_ns()), ms(r.e2e_ns()),
        r.prompt_tokens, r.output_tokens, r.tokens_from_usage ? 1 : 0, r.max_tokens, r.token_chunk_ns.size(),
        method_name(s.method), s.received_ns, s.queued_ns, s.scheduled_ns, s.first_token_ns, s.finished_ns,
        s.clock_offset_ns, s.offset_uncertainty_ns, csv_field(redact_text(r.error)));
  }
  return out;
}

std::string metrics_csv(const ServingData& data) {
  std::string out = "source,series,ts_ns,value\n";
  auto dump = [&](const std::vector<MetricSeries>& all, const char* src) {
    for (const auto& s : all) {
      const std::string name = csv_field(format_series(s.key));
      const char* from = s.source == "prometheus" ? "prometheus" : src;  // a fleet read says so
      for (const auto& x : s.samples) out += fmt::format("{},{},{},{}\n", from, name, x.ts_ns, x.value);
    }
  };
  dump(data.metrics, "metrics");
  dump(data.log_series, "log");
  return out;
}

std::string otlp_trace_id(const std::string& key) {
  return fmt::format("{:016x}{:016x}", fnv1a(key + "#trace-hi"), fnv1a(key + "#trace-lo"));
}
std::string otlp_span_id(const std::string& key, const std::string& span) {
  return fmt::format("{:016x}", fnv1a(key + "#span#" + span));
}

json otlp_json(const ServingData& data) {
  auto attr_s = [](const char* k, const std::string& v) {
    return json{{"key", k}, {"value", {{"stringValue", v}}}};
  };
  auto attr_i = [](const char* k, int64_t v) {
    return json{{"key", k}, {"value", {{"intValue", std::to_string(v)}}}};
  };
  auto attr_b = [](const char* k, bool v) { return json{{"key", k}, {"value", {{"boolValue", v}}}}; };
  json spans = json::array();
  for (const auto& r : data.requests) {
    if (!r.sent_ns || r.end_ns < r.sent_ns) continue;
    const std::string key = request_key(r), trace = otlp_trace_id(key),
                      root = otlp_span_id(key, "llm.request");
    json attrs = json::array({attr_s("hotpath.request_id", r.request_id), attr_s("http.route", r.endpoint),
                              attr_i("gen_ai.usage.input_tokens", r.prompt_tokens),
                              attr_i("gen_ai.usage.output_tokens", r.output_tokens),
                              attr_b("hotpath.warmup", r.warmup),
                              attr_s("hotpath.correlation", method_name(r.server.method))});
    if (r.ttft_ns() >= 0) attrs.push_back(attr_i("hotpath.ttft_ns", r.ttft_ns()));
    if (r.http_status) attrs.push_back(attr_i("http.response.status_code", r.http_status));
    const bool ok = r.status == RequestStatus::Ok;
    json status = ok ? json{{"code", 1}} : json{{"code", 2}, {"message", to_string(r.status)}};
    spans.push_back({{"traceId", trace},
                     {"spanId", root},
                     {"name", "llm.request"},
                     {"kind", 3},
                     {"startTimeUnixNano", std::to_string(r.sent_ns)},
                     {"endTimeUnixNano", std::to_string(r.end_ns)},
                     {"attributes", attrs},
                     {"status", status}});
    bool from_server = false;
    for (const Phase& p : phases(r, &from_server)) {
      const std::string name = std::string("llm.") + p.name;
      json a = json::array({attr_s("hotpath.phase_source", from_server ? "server" : "client")});
      if (std::string_view(p.name) == "prefill")
        a.push_back(attr_i("gen_ai.usage.input_tokens", r.prompt_tokens));
      if (std::string_view(p.name) == "decode")
        a.push_back(attr_i("gen_ai.usage.output_tokens", r.output_tokens));
      spans.push_back({{"traceId", trace},
                       {"spanId", otlp_span_id(key, name)},
                       {"parentSpanId", root},
                       {"name", name},
                       {"kind", 1},
                       {"startTimeUnixNano", std::to_string(p.begin)},
                       {"endTimeUnixNano", std::to_string(p.end)},
                       {"attributes", a}});
    }
  }
  const auto meta = redacted_meta(data.meta);
  json res_attrs = json::array({attr_s("service.name", "hotpath")});
  for (const char* k : {"engine", "model", "endpoint"})
    if (auto it = meta.find(k); it != meta.end())
      res_attrs.push_back(attr_s((std::string("llm.") + k).c_str(), it->second));
  return {{"resourceSpans",
           json::array(
               {{{"resource", {{"attributes", res_attrs}}},
                 {"scopeSpans", json::array({{{"scope", {{"name", "hotpath"}, {"version", HOTPATH_VERSION}}},
                                              {"spans", spans}}})}}})}};
}

std::string chrome_trace_json(const ServingData& data) {
  std::vector<const RequestRecord*> reqs;
  for (const auto& r : data.requests)
    if (r.sent_ns && r.end_ns >= r.sent_ns) reqs.push_back(&r);
  std::stable_sort(reqs.begin(), reqs.end(),
                   [](const RequestRecord* a, const RequestRecord* b) { return a->sent_ns < b->sent_ns; });
  std::string out = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
  bool first = true;
  auto emit = [&](const std::string& ev) {
    out += first ? "" : ",\n";
    out += ev;
    first = false;
  };
  emit(R"({"ph":"M","name":"process_name","pid":1,"tid":0,"args":{"name":"requests"}})");
  emit(R"({"ph":"M","name":"process_name","pid":2,"tid":0,"args":{"name":"metrics"}})");
  std::vector<int64_t> slot_end;  // per slot: end of its last request
  for (const RequestRecord* r : reqs) {
    size_t slot = 0;
    while (slot < slot_end.size() && slot_end[slot] > r->sent_ns) ++slot;
    if (slot == slot_end.size()) {
      slot_end.push_back(0);
      emit(fmt::format(R"({{"ph":"M","name":"thread_name","pid":1,"tid":{},"args":{{"name":"slot {}"}}}})",
                       slot + 1, slot));
    }
    slot_end[slot] = r->end_ns;
    const std::string id = json(request_key(*r)).dump();
    emit(fmt::format(R"({{"ph":"X","cat":"request","name":{},"pid":1,"tid":{},"ts":{},"dur":{},)"
                     R"("args":{{"status":"{}","prompt_tokens":{},"output_tokens":{}}}}})",
                     json("request " + request_key(*r)).dump(), slot + 1, chrome_us(r->sent_ns),
                     chrome_us(r->end_ns - r->sent_ns), to_string(r->status), r->prompt_tokens,
                     r->output_tokens));
    bool from_server = false;
    for (const Phase& p : phases(*r, &from_server))
      emit(fmt::format(R"({{"ph":"X","cat":"phase","name":"{}","pid":1,"tid":{},"ts":{},"dur":{},)"
                       R"("args":{{"request":{},"source":"{}"}}}})",
                       p.name, slot + 1, chrome_us(p.begin), chrome_us(p.end - p.begin), id,
                       from_server ? "server" : "client"));
  }
  auto counters = [&](const std::vector<MetricSeries>& all, const char* prefix) {
    for (const auto& s : all) {
      if (histogram_part(s.key.name)) continue;
      const std::string name = json(prefix + format_series(s.key)).dump();
      for (const auto& x : s.samples) {
        if (!std::isfinite(x.value)) continue;
        emit(fmt::format(R"({{"ph":"C","name":{},"pid":2,"tid":0,"ts":{},"args":{{"value":{}}}}})", name,
                         chrome_us(x.ts_ns), json(x.value).dump()));
      }
    }
  };
  counters(data.metrics, "");
  counters(data.log_series, "log:");
  out += "\n]}\n";
  return out;
}

std::vector<std::filesystem::path> export_serving(const ServingData& data, const std::string& format,
                                                  const std::filesystem::path& out_dir,
                                                  const std::string& stem) {
  std::filesystem::create_directories(out_dir);
  std::vector<std::filesystem::path> written;
  auto write = [&](const std::string& name, const std::string& text) {
    auto p = out_dir / name;
    std::ofstream f(p, std::ios::binary);
    f << text;
    f.close();
    if (!f) throw std::runtime_error("cannot write " + p.string());
    written.push_back(p);
  };
  if (format == "json")
    write(stem + ".serving.json", serving_json(data).dump(1) + "\n");
  else if (format == "csv") {
    write(stem + "_requests.csv", requests_csv(data));
    write(stem + "_metrics.csv", metrics_csv(data));
  } else if (format == "otlp")
    write(stem + ".otlp.json", otlp_json(data).dump() + "\n");
  else if (format == "chrome")
    write(stem + ".chrome.json", chrome_trace_json(data));
  else
    throw std::runtime_error("unknown export format '" + format + "' (json, csv, otlp, chrome)");
  return written;
}

}  // namespace hp
