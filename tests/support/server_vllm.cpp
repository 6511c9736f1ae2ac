// The test server runs on libevent's evhttp: one event-loop thread serves every connection, and every
// streaming response is a timer on that loop. (cpp-httplib, used before, serves a connection on one
// pool thread for its whole life and polls idle keep-alive sockets every 10 ms: at a thousand
// streams on one core the server itself ran 13-65 ms late, and the replay benchmark measured it
// instead of the client.)
//
// Timing: every stream's schedule is anchored at the moment its request was parsed (or, with
// max_running, at the moment it got a slot): the first content chunk is due ttft_ms later, each
// next one itl_ms (+- itl_jitter_pct) after the previous one's due time, as absolute CLOCK_MONOTONIC
// deadlines. The base uses precise timers
// (timerfd, not the coarse clock) and no cached time, so a timer re-armed late in a busy loop
// iteration is not armed early. TestServerOptions::timing_log records how late each first chunk was
// written.
#include "tests/support/server_vllm.h"

#include "core/util/input_file.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <deque>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

namespace hp::testing {
namespace {

int64_t mono_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

int64_t epoch_ns() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// "MM-DD HH:MM:SS.mmm" in UTC, the vLLM log prefix.
std::string log_time(int64_t ns) {
  time_t s = static_cast<time_t>(ns / 1'000'000'000);
  tm t;
  gmtime_r(&s, &t);
  return fmt::format("{:02d}-{:02d} {:02d}:{:02d}:{:02d}.{:03d}", t.tm_mon + 1, t.tm_mday, t.tm_hour,
                     t.tm_min, t.tm_sec, static_cast<int>(ns / 1'000'000 % 1000));
}

struct Histogram {
  std::vector<double> bounds;
  std::vector<uint64_t> counts;  // per bucket (not cumulative), plus +Inf at the end
  double sum = 0;
  uint64_t count = 0;
  explicit Histogram(std::vector<double> b) : bounds(std::move(b)), counts(bounds.size() + 1, 0) {}
  void observe(double v) {
    size_t i = 0;
    while (i < bounds.size() && v > bounds[i]) ++i;
    ++counts[i];
    sum += v;
    ++count;
  }
  void write(std::string& out, const std::string& name, const std::string& labels) const {
    out += fmt::format("# HELP {} Test histogram.\n# TYPE {} histogram\n", name, name);
    uint64_t cum = 0;
    for (size_t i = 0; i <= bounds.size(); ++i) {
      cum += counts[i];
      std::string le = i < bounds.size() ? fmt::format("{}", bounds[i]) : "+Inf";
      out += fmt::format("{}_bucket{{{},le=\"{}\"}} {}\n", name, labels, le, cum);
    }
    out += fmt::format("{}_sum{{{}}} {}\n{}_count{{{}}} {}\n", name, labels, sum, name, labels, count);
  }
};

std::string fault_of(const std::string& prompt, const std::string& header) {
  if (!header.empty()) return header;
  size_t p = prompt.find("[fault:");
  if (p == std::string::npos) return {};
  size_t e = prompt.find(']', p);
  return e == std::string::npos ? std::string() : prompt.substr(p + 7, e - p - 7);
}

// The lengths of a [tokens:A,B,...] marker (empty without one).
std::vector<int64_t> token_marker(const std::string& prompt) {
  std::vector<int64_t> out;
  size_t p = prompt.find("[tokens:");
  if (p == std::string::npos) return out;
  const char* c = prompt.c_str() + p + 8;
  while (true) {
    char* e = nullptr;
    long long v = std::strtoll(c, &e, 10);
    if (e == c) break;
    out.push_back(v);
    if (*e != ',') break;
    c = e + 1;
  }
  return out;
}

int64_t word_count(const std::string& s) {
  int64_t n = 0;
  bool in = false;
  for (char c : s) {
    bool sp = c == ' ' || c == '\n' || c == '\t';
    if (!sp && !in) ++n;
    in = !sp;
  }
  return n;
}

// A JSON string literal (quotes included) for text we splice into hand-formatted chunks.
std::string json_str(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

int64_t itl_jitter_ns(const TestServerOptions& opt, const std::string& request_id, int64_t i) {
  if (opt.itl_jitter_pct <= 0 || i <= 0) return 0;
  uint64_t h = std::hash<std::string>{}(request_id) + static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ULL;
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;  // splitmix64's finalizer
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
  h ^= h >> 31;
  const int64_t span = int64_t{opt.itl_ms} * 10'000 * opt.itl_jitter_pct;  // itl * pct / 100, in ns
  return static_cast<int64_t>(h % static_cast<uint64_t>(2 * span + 1)) - span;
}

struct TestServer::Impl {
  // One streaming response, owned by `live` until it ends.
  struct Stream {
    Impl* impl = nullptr;
    evhttp_request* req = nullptr;
    event* timer = nullptr;
    int64_t recv_mono = 0, recv_ns = 0, first_due = 0, next_due = 0, n_out = 0, n_prompt = 0, i = 0,
            generated = 0;
    bool chat = false, usage = false, slotted = false;
    std::vector<int64_t> choice_out;  // output length of each choice (one unless the API's n > 1)
    int64_t live_choices = 0;         // choices still generating: each counts as a running request
    std::string rid, server_id, fault, model, head, buf;
  };
  enum class End { Done, Abort };  // [DONE] and a clean end of the response / the connection closes

  TestServerOptions opt;
  event_base* base = nullptr;
  evhttp* http = nullptr;
  event* second_timer = nullptr;  // stats line and lifetime, every second
  event* stop_event = nullptr;    // made active by stop(): a loopbreak sent before the loop runs is lost
  evbuffer* out = nullptr;        // one chunk on its way into a response
  std::thread loop;
  int64_t end_mono = 0;
  std::vector<std::thread> writers;
  std::unordered_map<Stream*, std::unique_ptr<Stream>> live;
  std::deque<Stream*> queue;  // waiting for a running slot (max_running)
  std::atomic<bool> stopping{false};
  std::atomic<int64_t> profile_started_ns{0};  // epoch ns of the last /start_profile
  // Read by other threads (counts(), request_ids(), metrics_text()); written on the loop thread.
  mutable std::mutex mu;
  ServerCounts counts;
  std::vector<std::string> ids;
  int64_t running = 0, waiting = 0;
  std::atomic<int64_t> kv_tokens{0};
  std::atomic<uint64_t> prompt_tokens_total{0}, generation_tokens_total{0};
  std::map<std::string, uint64_t> success_by_reason;
  std::map<std::string, int64_t> prompt_seen;  // requests so far per prompt with a [tokens:A,B,..] list
  Histogram ttft{{0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}};
  Histogram e2e{{0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120}};
  FILE* completed = nullptr;
  FILE* log = nullptr;
  FILE* timing = nullptr;
  int64_t epoch_offset = 0;  // CLOCK_REALTIME - CLOCK_MONOTONIC, taken at start
  uint64_t last_prompt = 0, last_gen = 0;

  void log_line(const std::string& msg, int64_t ns) {
    if (!log) return;
    std::fprintf(log, "INFO %s [test_server.py:1] %s\n", log_time(ns).c_str(), msg.c_str());
    std::fflush(log);
  }

  std::string labels() const { return fmt::format("engine=\"0\",model_name=\"{}\"", opt.model); }

  std::string metrics_text() {
    std::lock_guard lock(mu);
    std::string l = labels(), out;
    out += "# HELP vllm:num_requests_running Number of requests in model execution batches.\n";
    out += "# TYPE vllm:num_requests_running gauge\n";
    out += fmt::format("vllm:num_requests_running{{{}}} {}\n", l, running);
    out += "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\n";
    out += "# TYPE vllm:num_requests_waiting gauge\n";
    out += fmt::format("vllm:num_requests_waiting{{{}}} {}\n", l, waiting);
    out += "# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.\n";
    out += "# TYPE vllm:kv_cache_usage_perc gauge\n";
    out += fmt::format("vllm:kv_cache_usage_perc{{{}}} {}\n", l,
                       static_cast<double>(kv_tokens.load()) / static_cast<double>(opt.kv_capacity_tokens));
    out += "# HELP vllm:prompt_tokens_total Number of prefill tokens processed.\n";
    out += "# TYPE vllm:prompt_tokens_total counter\n";
    out += fmt::format("vllm:prompt_tokens_total{{{}}} {}\n", l, prompt_tokens_total.load());
    out += "# HELP vllm:generation_tokens_total Number of generation tokens processed.\n";
    out += "# TYPE vllm:generation_tokens_total counter\n";
    out += fmt::format("vllm:generation_tokens_total{{{}}} {}\n", l, generation_tokens_total.load());
    out += "# HELP vllm:request_success_total Count of successfully processed requests.\n";
    out += "# TYPE vllm:request_success_total counter\n";
    for (const char* reason : {"length", "stop"}) {
      auto it = success_by_reason.find(reason);
      out += fmt::format("vllm:request_success_total{{{},finished_reason=\"{}\"}} {}\n", l, reason,
                         it == success_by_reason.end() ? 0 : it->second);
    }
    ttft.write(out, "vllm:time_to_first_token_seconds", l);
    e2e.write(out, "vllm:e2e_request_latency_seconds", l);
    if (opt.malformed_metrics) {
      out += "vllm:broken_metric{model_name=\"unterminated 1\n";
      out += "this line is not a metric\n";
      out += "vllm:bad_value{model_name=\"x\"} not_a_number\n";
    }
    return out;
  }

  static std::string header(evhttp_request* req, const char* name) {
    const char* v = evhttp_find_header(evhttp_request_get_input_headers(req), name);
    return v ? v : "";
  }
  static void add_header(evhttp_request* req, const char* name, const std::string& value) {
    evhttp_add_header(evhttp_request_get_output_headers(req), name, value.c_str());
  }
  void reply(evhttp_request* req, int code, std::string_view body, const char* type = "application/json") {
    if (!body.empty()) add_header(req, "Content-Type", type);
    evbuffer_add(out, body.data(), body.size());
    evhttp_send_reply(req, code, code == 200 ? "OK" : "Error", out);
  }

  bool authorized(evhttp_request* req) {
    if (opt.api_key.empty() || header(req, "Authorization") == "Bearer " + opt.api_key) return true;
    reply(req, 401, R"({"error":{"message":"invalid api key","type":"AuthenticationError","code":401}})");
    return false;
  }

  void handle_completion(evhttp_request* req, bool chat) {
    int64_t recv_mono = mono_ns(), recv_ns = recv_mono + epoch_offset;
    if (!authorized(req)) return;
    evbuffer* in = evhttp_request_get_input_buffer(req);
    std::string text(evbuffer_get_length(in), '\0');
    evbuffer_copyout(in, text.data(), text.size());
    auto body = nlohmann::json::parse(text, nullptr, false);
    if (!body.is_object()) return reply(req, 400, R"({"error":{"message":"body is not JSON","code":400}})");
    std::string rid = header(req, "X-Request-Id");
    std::string prompt;
    if (chat && body.contains("messages") && body["messages"].is_array()) {
      for (const auto& m : body["messages"])
        if (m.is_object() && m.contains("content") && m["content"].is_string())
          prompt += m["content"].get<std::string>() + " ";
    } else if (body.contains("prompt") && body["prompt"].is_string()) {
      prompt = body["prompt"].get<std::string>();
    }
    std::string fault = fault_of(prompt, header(req, "X-Test-Fault"));
    int64_t n_out = opt.output_tokens;
    if (body.contains("max_tokens") && body["max_tokens"].is_number_integer())
      n_out = body["max_tokens"].get<int64_t>();
    int64_t n_choices = 1;
    if (body.contains("n") && body["n"].is_number_integer()) n_choices = body["n"].get<int64_t>();
    if (n_choices > 1 && opt.n_support == NSupport::Refuse)
      return reply(req, 400,
                   R"({"object":"error","message":"n > 1 is not supported by this server","code":400})");
    if (n_choices < 1 || n_choices > 256 || opt.n_support == NSupport::Ignore) n_choices = 1;
    std::vector<int64_t> choice_out;
    const std::vector<int64_t> marker = token_marker(prompt);
    // n = 1: the rollout's number is the X-Request-Id's trailing number (hotpath numbers its requests in
    // scheduling order; they may arrive in any order), or without one the requests so far with this prompt.
    int64_t seen = 0;
    if (marker.size() > 1 && n_choices == 1) {
      size_t d = rid.size();
      while (d > 0 && std::isdigit(static_cast<unsigned char>(rid[d - 1]))) --d;
      seen = d < rid.size() && rid.size() - d < 18 ? std::atoll(rid.c_str() + d) : prompt_seen[prompt]++;
    }
    for (int64_t k = 0; k < n_choices; ++k)
      choice_out.push_back(marker.empty() ? n_out : marker[static_cast<size_t>(k + seen) % marker.size()]);
    n_out = *std::max_element(choice_out.begin(), choice_out.end());
    {
      std::lock_guard lock(mu);
      ++counts.requests;
      ids.push_back(rid);
      if (!fault.empty()) ++counts.faults;
    }
    std::string server_id = (chat ? "chatcmpl-" : "cmpl-") + rid + (chat ? "" : "-0");
    log_line(fmt::format("Received request {}: prompt: '{}', params: SamplingParams(n=1, temperature=1.0, "
                         "max_tokens={}), prompt_token_ids: None, lora_request: None.",
                         server_id, prompt.substr(0, 20), n_out),
             recv_ns);
    if (fault == "500" || fault == "429")
      return reply(req, std::stoi(fault),
                   fmt::format(R"({{"error":{{"message":"injected fault {}","code":{}}}}})", fault, fault));
    auto owned = std::make_unique<Stream>();
    Stream* st = owned.get();
    st->impl = this;
    st->req = req;
    st->timer = evtimer_new(base, &Impl::on_timer, st);
    st->recv_mono = recv_mono;
    st->recv_ns = recv_ns;
    st->n_out = std::max<int64_t>(1, n_out);
    for (int64_t& c : choice_out) c = std::max<int64_t>(1, c);
    st->choice_out = std::move(choice_out);
    st->n_prompt = word_count(prompt);
    st->chat = chat;
    st->usage = body.contains("stream_options") && body["stream_options"].is_object() &&
                body["stream_options"].value("include_usage", false);
    st->rid = rid;
    st->server_id = server_id;
    st->fault = fault;
    st->model = body.value("model", opt.model);
    // Chunks are formatted by hand (a JSON object per token costs more than the write itself when a
    // thousand streams run); only the id and the model need escaping, once per stream (head).
    st->head = fmt::format(R"(data: {{"id":{},"object":"{}","created":{},"model":{},"choices":[{{"index":)",
                           json_str(server_id), chat ? "chat.completion.chunk" : "text_completion",
                           recv_ns / 1'000'000'000, json_str(st->model));
    live.emplace(st, std::move(owned));
    add_header(req, "Content-Type", "text/event-stream");
    add_header(req, "Cache-Control", "no-cache");
    add_header(req, "x-request-id", rid);
    evhttp_send_reply_start(req, 200, "OK");
    if (opt.max_running > 0 && running >= opt.max_running) {
      std::lock_guard lock(mu);
      ++waiting;
      queue.push_back(st);
      return;
    }
    start(*st, recv_mono);
  }

  // The stream takes a running slot; its schedule starts at `start_ns` (monotonic).
  void start(Stream& st, int64_t start_ns) {
    st.live_choices = static_cast<int64_t>(st.choice_out.size());
    {
      std::lock_guard lock(mu);
      running += st.live_choices;  // as vLLM V1 runs the n choices as n requests
    }
    st.slotted = true;
    kv_tokens += st.n_prompt;
    prompt_tokens_total += static_cast<uint64_t>(st.n_prompt);
    st.first_due = st.next_due =
        start_ns + int64_t{opt.ttft_ms} * 1'000'000 + int64_t{opt.prefill_us_per_token} * st.n_prompt * 1000;
    arm(st);
  }

  void arm(Stream& st) {
    int64_t wait = std::max<int64_t>(0, st.next_due - mono_ns());
    timeval tv{static_cast<time_t>(wait / 1'000'000'000),
               static_cast<suseconds_t>(wait % 1'000'000'000 / 1000)};
    evtimer_add(st.timer, &tv);
  }

  static void on_timer(evutil_socket_t, short, void* arg) {
    auto* st = static_cast<Stream*>(arg);
    st->impl->tick(*st);
  }

  // Ends a stream: the response ends cleanly (Done) or its connection closes (Abort); a waiting stream
  // gets the freed slot.
  void end(Stream& st, End how) {
    if (how == End::Abort && evhttp_request_get_connection(st.req))
      evhttp_connection_free(evhttp_request_get_connection(st.req));  // frees the request too
    else
      evhttp_send_reply_end(st.req);  // also frees a request whose client has gone
    event_free(st.timer);
    const bool slotted = st.slotted;
    const int64_t choices = st.live_choices;
    kv_tokens -= slotted ? st.n_prompt + st.generated : 0;
    live.erase(&st);
    Stream* next = nullptr;
    {
      std::lock_guard lock(mu);
      if (slotted) running -= choices;
      if (slotted && !queue.empty()) {
        next = queue.front();
        queue.pop_front();
        --waiting;
      }
    }
    if (next) start(*next, mono_ns());
  }

  // Queues a chunk and writes it now: bufferevent would write it only on the loop's next pass, after
  // every other timer due in this one (a burst of a thousand streams would leave its last chunk
  // milliseconds behind its stamp). The end of a response is left to evhttp, which must see the write.
  void send(Stream& st) {
    evbuffer_add(out, st.buf.data(), st.buf.size());
    evhttp_send_reply_chunk(st.req, out);
    if (evhttp_connection* c = evhttp_request_get_connection(st.req)) {
      bufferevent* bev = evhttp_connection_get_bufferevent(c);
      evbuffer_write(bufferevent_get_output(bev), bufferevent_getfd(bev));
    }
  }
  void send_event(Stream& st, std::string_view data) {
    st.buf.assign("data: ").append(data).append("\n\n");
    send(st);
  }

  // Writes stream `st`'s next chunk (or its injected fault) and re-arms its timer.
  void tick(Stream& st) {
    const int64_t i = st.i;
    if (!evhttp_request_get_connection(st.req)) return end(st, End::Done);  // the client went away
    if (st.fault == "disconnect" && i == 3) return end(st, End::Abort);     // closes mid-stream
    if (st.fault == "malformed" && i == 2) {
      st.buf = "data: {\"choices\": [{\"text\": \"oops\"\n\n";
      send(st);
      return end(st, End::Done);
    }
    if (st.fault == "error-event" && i == 1) {
      send_event(st,
                 R"({"error":{"message":"injected error event","type":"InternalServerError","code":500}})");
      send_event(st, "[DONE]");
      return end(st, End::Done);
    }
    int64_t written_ns = epoch_ns();
    for (size_t k = 0; k < st.choice_out.size(); ++k) {
      if (i >= st.choice_out[k]) continue;  // this choice has finished
      if (st.chat && i == 0) {
        st.buf.assign(st.head).append(std::to_string(k));
        st.buf.append(R"(,"delta":{"role":"assistant","content":""},"logprobs":null,)");
        st.buf.append("\"finish_reason\":null}]}\n\n");
        send(st);
      }
      st.buf.assign(st.head).append(std::to_string(k));
      if (st.chat)
        st.buf.append(R"(,"delta":{"content":" tok)").append(std::to_string(i)).append("\"}");
      else
        st.buf.append(R"(,"text":" tok)").append(std::to_string(i)).append("\"");
      st.buf.append(R"(,"logprobs":null,"finish_reason":)")
          .append(i + 1 == st.choice_out[k] ? "\"length\"" : "null");
      st.buf.append("}]}\n\n");
      send(st);
      if (i + 1 == st.choice_out[k] && st.choice_out.size() > 1 && st.live_choices > 1) {
        std::lock_guard lock(mu);
        --running, --st.live_choices;  // this choice is done; the stream's last one ends with it
      }
      ++st.generated;
      ++kv_tokens;
      ++generation_tokens_total;
    }
    if (i == 0) {
      {
        std::lock_guard lock(mu);
        ttft.observe(static_cast<double>(mono_ns() - st.recv_mono) / 1e9);  // queue included
      }
      if (timing)
        std::fprintf(timing, "%s %lld %lld %lld\n", st.rid.c_str(), static_cast<long long>(st.recv_ns),
                     static_cast<long long>(st.first_due + epoch_offset), static_cast<long long>(written_ns));
    }
    st.i = i + 1;
    if (st.i < st.n_out) {
      st.next_due += int64_t{opt.itl_ms} * 1'000'000 + itl_jitter_ns(opt, st.rid, st.i);
      if (st.fault == "stall" && st.i == 2) st.next_due += int64_t{opt.stall_ms} * 1'000'000;
      return arm(st);
    }
    if (st.usage) {
      nlohmann::json u = {{"id", st.server_id},
                          {"object", st.chat ? "chat.completion.chunk" : "text_completion"},
                          {"model", st.model},
                          {"choices", nlohmann::json::array()},
                          {"usage",
                           {{"prompt_tokens", st.n_prompt},
                            {"completion_tokens", st.generated},
                            {"total_tokens", st.n_prompt + st.generated}}}};
      send_event(st, u.dump());
    }
    send_event(st, "[DONE]");
    int64_t end_ns = epoch_ns();
    {
      std::lock_guard lock(mu);
      ++counts.completed;
      ++success_by_reason["length"];
      e2e.observe(static_cast<double>(mono_ns() - st.recv_mono) / 1e9);
    }
    if (completed) {
      std::fprintf(completed, "%lld %s ok\n", static_cast<long long>(end_ns), st.rid.c_str());
      std::fflush(completed);
    }
    log_line(fmt::format("Finished request {}.", st.server_id), end_ns);
    end(st, End::Done);
  }

  void stats_line() {
    int64_t r, w;
    {
      std::lock_guard lock(mu);
      r = running;
      w = waiting;
    }
    double kv = 100.0 * static_cast<double>(kv_tokens.load()) / static_cast<double>(opt.kv_capacity_tokens);
    uint64_t p = prompt_tokens_total - last_prompt, g = generation_tokens_total - last_gen;
    last_prompt += p;
    last_gen += g;
    log_line(
        fmt::format("Engine 000: Avg prompt throughput: {:.1f} tokens/s, Avg generation throughput: {:.1f} "
                    "tokens/s, Running: {} reqs, Waiting: {} reqs, GPU KV cache usage: {:.1f}%, Prefix cache "
                    "hit rate: 0.0%",
                    static_cast<double>(p), static_cast<double>(g), r, w, kv),
        epoch_ns());
  }

  static void on_second(evutil_socket_t, short, void* arg) {
    auto* m = static_cast<Impl*>(arg);
    if (mono_ns() >= m->end_mono) return void(event_base_loopbreak(m->base));
    m->stats_line();
  }

  // The fixture as a profiler started at `started_ns` would write it: Kineto's baseTimeNanoseconds
  // (event ts are µs relative to it) set so that the first event falls at the profiler's start.
  static std::string rebased_trace(const std::string& file_bytes, int64_t started_ns) {
    std::string text(hp::decode_input(file_bytes, "trace fixture").view());
    int64_t min_ts = INT64_MAX;  // ns, from the decimal µs text (epoch µs do not fit a double exactly)
    for (size_t p = text.find("\"ts\""); p != std::string::npos; p = text.find("\"ts\"", p + 4)) {
      size_t v = text.find_first_of("-0123456789", p + 4);
      if (v == std::string::npos || v > p + 8) continue;
      char* end = nullptr;
      int64_t ns = std::strtoll(text.c_str() + v, &end, 10) * 1000;
      if (*end == '.')
        for (int scale = 100, k = 1; k <= 3 && std::isdigit(static_cast<unsigned char>(end[k]));
             ++k, scale /= 10)
          ns += (end[k] - '0') * scale;
      min_ts = std::min(min_ts, ns);
    }
    if (min_ts == INT64_MAX) return text;
    const std::string base = fmt::format("\"baseTimeNanoseconds\": {}", started_ns - min_ts);
    const size_t key = text.find("\"baseTimeNanoseconds\"");
    if (key != std::string::npos) {
      const size_t end = text.find_first_of(",}", key);
      return text.replace(key, end - key, base);
    }
    return text.insert(text.find('{') + 1, base + ",");
  }

  void write_trace(const std::string& stage = "") {
    if (opt.profile_dir.empty() || opt.trace_fixture.empty()) return;
    std::ifstream in(opt.trace_fixture, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    data = rebased_trace(data, profile_started_ns.load());
    std::filesystem::create_directories(opt.profile_dir);
    auto path = opt.profile_dir / fmt::format("test-rank-0{}.{}.pt.trace.json", stage, epoch_ns());
    // Written in two halves 300 ms apart, as a large trace flushes: readers must wait for it to settle.
    {
      std::ofstream first(path, std::ios::binary);
      first.write(data.data(), static_cast<std::streamsize>(data.size() / 2));
    }
    writers.emplace_back([this, path, data] {
      for (int i = 0; i < 30; ++i) {
        if (stopping) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      std::ofstream rest(path, std::ios::binary | std::ios::app);
      rest.write(data.data() + data.size() / 2, static_cast<std::streamsize>(data.size() - data.size() / 2));
    });
  }

  void route(evhttp_request* req) {
    const char* uri = evhttp_request_get_uri(req);
    std::string_view path = uri ? uri : "";
    path = path.substr(0, path.find('?'));
    const bool post = evhttp_request_get_command(req) == EVHTTP_REQ_POST;
    if (post && path == "/v1/completions") return handle_completion(req, false);
    if (post && path == "/v1/chat/completions") return handle_completion(req, true);
    if (!post && path == "/v1/models") {
      if (!authorized(req)) return;
      return reply(
          req, 200,
          fmt::format(R"({{"object":"list","data":[{{"id":"{}","object":"model","owned_by":"test"}}]}})",
                      opt.model));
    }
    if (!post && path == "/metrics") {
      {
        std::lock_guard lock(mu);
        ++counts.metrics_scrapes;
      }
      if (!opt.metrics_json.empty()) return reply(req, 200, read_whole(opt.metrics_json), "application/json");
      return reply(req, 200, metrics_text(), "text/plain; version=0.0.4");
    }
    if (post && path.starts_with("/") && path.ends_with("_expert_distribution_record") &&
        !opt.expert_dump_dir.empty())
      return handle_expert_record(req, path.substr(1, path.find('_') - 1));
    if (post && opt.profiler && (path == "/start_profile" || path == "/stop_profile")) {
      bool starting = path == "/start_profile";
      std::string body;
      if (evbuffer* in = evhttp_request_get_input_buffer(req)) {
        body.resize(evbuffer_get_length(in));
        evbuffer_copyout(in, body.data(), body.size());
      }
      {
        std::lock_guard lock(mu);
        ++(starting ? counts.profile_starts : counts.profile_stops);
        if (starting) counts.last_profile_start_body = body;
      }
      if (starting) profile_started_ns = epoch_ns();
      if (!starting) write_trace();
      // SGLang's num_steps stops on its own (here at once); profile_by_stage writes one per stage.
      const auto j = nlohmann::json::parse(body.empty() ? "{}" : body, nullptr, false);
      if (starting && j.is_object() && j.value("num_steps", 0) > 0) {
        if (j.value("profile_by_stage", false)) {
          write_trace("-prefill");
          write_trace("-decode");
        } else {
          write_trace();
        }
      }
      return reply(req, 200, "");
    }
    reply(req, 404, R"({"error":{"message":"not found","code":404}})");
  }

  static std::string read_whole(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  // SGLang's recorder endpoints: the call is counted; "dump" writes the fixture dump into the directory.
  void handle_expert_record(evhttp_request* req, std::string_view what) {
    {
      std::lock_guard lock(mu);
      counts.expert_calls.emplace_back(what);
    }
    if (what == "dump") {
      std::error_code ec;
      std::filesystem::copy_file(
          opt.expert_fixture,
          opt.expert_dump_dir / fmt::format("expert_distribution_recorder_{}.pt", epoch_ns() / 1000000000),
          std::filesystem::copy_options::overwrite_existing, ec);
      if (ec) return reply(req, 500, "cannot write the dump: " + ec.message());
    }
    reply(req, 200, fmt::format(R"({{"message":"{} expert distribution record"}})", what));
  }

  // Runs the loop until stop() or the lifetime ends, then closes every connection and stream.
  void run() {
    prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);  // 1 us timer slack instead of the default 50 us
    event_base_dispatch(base);
    stopping = true;
    for (auto& [st, owned] : live) {
      event_free(st->timer);
      if (!evhttp_request_get_connection(st->req)) evhttp_send_reply_end(st->req);  // detached: frees it
    }
    live.clear();
    queue.clear();
    evhttp_free(http);  // closes the listener and every connection, freeing their requests
    http = nullptr;
    event_free(second_timer);
    second_timer = nullptr;
  }
};

TestServer::TestServer(TestServerOptions opt) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(opt);
}

TestServer::~TestServer() {
  stop();
}

namespace {

// 127.0.0.1:<ephemeral>, listening with the system's largest backlog (a thousand simultaneous
// connects must not wait for SYN retransmits) and TCP_NODELAY, which accepted sockets inherit (no
// Nagle delay on small SSE chunks). -1 on failure.
int listen_socket(int* port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(*port));  // 0: the kernel picks one
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, SOMAXCONN) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

}  // namespace

int TestServer::start() {
  static const bool threads_ready = evthread_use_pthreads() == 0;  // stop() breaks the loop from outside
  Impl& m = *impl_;
  if (!threads_ready || m.base) return 0;
  std::signal(SIGPIPE, SIG_IGN);  // a write to a client that has gone fails with EPIPE instead
  event_config* cfg = event_config_new();
  event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
  event_config_set_flag(cfg, EVENT_BASE_FLAG_NO_CACHE_TIME);
  m.base = event_base_new_with_config(cfg);
  event_config_free(cfg);
  port_ = m.opt.port;
  int fd = listen_socket(&port_);
  if (!m.base || fd < 0) {
    if (fd >= 0) close(fd);
    return port_ = 0;
  }
  m.http = evhttp_new(m.base);
  evhttp_set_timeout(m.http, 30);
  evhttp_set_allowed_methods(m.http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
  evhttp_set_gencb(
      m.http, [](evhttp_request* req, void* arg) { static_cast<Impl*>(arg)->route(req); }, &m);
  if (!evhttp_accept_socket_with_handle(m.http, fd)) {
    close(fd);
    evhttp_free(m.http);
    m.http = nullptr;
    return port_ = 0;
  }
  m.out = evbuffer_new();
  m.epoch_offset = epoch_ns() - mono_ns();
  m.end_mono = mono_ns() + static_cast<int64_t>(m.opt.max_lifetime_s * 1e9);
  if (!m.opt.timing_log.empty()) m.timing = std::fopen(m.opt.timing_log.c_str(), "w");
  if (!m.opt.completed_log.empty()) m.completed = std::fopen(m.opt.completed_log.c_str(), "a");
  if (!m.opt.server_log.empty()) m.log = std::fopen(m.opt.server_log.c_str(), "a");
  m.stop_event = event_new(
      m.base, -1, 0,
      [](evutil_socket_t, short, void* arg) { event_base_loopbreak(static_cast<event_base*>(arg)); }, m.base);
  m.second_timer = event_new(m.base, -1, EV_PERSIST, &Impl::on_second, &m);
  timeval second{1, 0};
  evtimer_add(m.second_timer, &second);
  m.loop = std::thread([&m] { m.run(); });
  return port_;
}

void TestServer::stop() {
  Impl& m = *impl_;
  m.stopping = true;
  if (m.loop.joinable()) {
    event_active(m.stop_event, EV_READ, 0);
    m.loop.join();
  }
  for (auto& t : m.writers) t.join();
  m.writers.clear();
  if (m.stop_event) event_free(m.stop_event);  // freed here, not in run(): stop() may still activate it
  m.stop_event = nullptr;
  if (m.out) evbuffer_free(m.out);
  if (m.base) event_base_free(m.base);
  m.out = nullptr;
  m.base = nullptr;
  if (m.completed) std::fclose(m.completed);
  if (m.log) std::fclose(m.log);
  if (m.timing) std::fclose(m.timing);
  m.completed = m.log = m.timing = nullptr;
}

ServerCounts TestServer::counts() const {
  std::lock_guard lock(impl_->mu);
  return impl_->counts;
}

std::vector<std::string> TestServer::request_ids() const {
  std::lock_guard lock(impl_->mu);
  return impl_->ids;
}

std::string TestServer::metrics_text() const {
  return impl_->metrics_text();
}

}  // namespace hp::testing
