// Debian's cpp-httplib is compiled (poll(), so more than 1024 sockets work) with a listen backlog
// of 5: a thousand simultaneous connects would overflow it and wait for SYN retransmits (1 s, 3 s).
// Listener below re-arms the bound socket with listen(SOMAXCONN) (Linux lets listen() raise the
// backlog of a listening socket). httplib serves a keep-alive connection on one pool thread for its
// whole life, so `threads` must be at least the number of concurrent connections.
//
// Timing: every stream's schedule is anchored at the moment its request was parsed (or, with
// max_running, at the moment it got a slot): the first content chunk is due ttft_ms later, chunk i
// itl_ms * i after that. One token-clock thread writes every stream's chunks at their due times
// (a min-heap of absolute CLOCK_MONOTONIC deadlines, 1 us timer slack), as an engine step emits a
// token for all running requests: a thousand streams cost one timer wake-up per due time instead
// of a thread switch per token. TestServerOptions::timing_log records how late each first chunk
// was actually written.
#include "tests/support/server_vllm.h"

#include <fmt/format.h>
#include <httplib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace hp::testing {
namespace {

using Clock = std::chrono::steady_clock;

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

// httplib::Server with access to its listening socket, to raise the compiled-in backlog.
class Listener : public httplib::Server {
 public:
  bool raise_backlog() { return ::listen(svr_sock_, SOMAXCONN) == 0; }
};

// A JSON string literal (quotes included) for text we splice into hand-formatted chunks.
std::string json_str(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

struct TestServer::Impl {
  TestServerOptions opt;
  Listener svr;
  std::thread listener, watchdog;
  std::vector<std::thread> writers;
  mutable std::mutex mu;
  std::condition_variable slot_cv;  // a running slot freed (max_running)
  std::atomic<bool> stopping{false};
  ServerCounts counts;
  std::vector<std::string> ids;
  int64_t running = 0, waiting = 0;
  // Touched on every token by every stream: atomics, not `mu` (a thousand threads convoying on one
  // mutex a hundred times a second each is what made the server late).
  std::atomic<int64_t> kv_tokens{0};
  std::atomic<uint64_t> prompt_tokens_total{0}, generation_tokens_total{0};
  std::map<std::string, uint64_t> success_by_reason;
  Histogram ttft{{0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}};
  Histogram e2e{{0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120}};
  std::mutex file_mu;
  FILE* completed = nullptr;
  FILE* log = nullptr;
  FILE* timing = nullptr;
  int64_t epoch_offset = 0;  // CLOCK_REALTIME - CLOCK_MONOTONIC, taken at start
  bool profiling = false;
  uint64_t last_prompt = 0, last_gen = 0;

  void log_line(const std::string& msg, int64_t ns) {
    if (!log) return;
    std::lock_guard lock(file_mu);
    std::fprintf(log, "INFO %s [test_server.py:1] %s\n", log_time(ns).c_str(), msg.c_str());
    std::fflush(log);
  }

  // Sleeps until the CLOCK_MONOTONIC time `due_ns` (absolute, so no drift accumulates); false when
  // the server is stopping (noticed within 50 ms).
  bool sleep_until_ns(int64_t due_ns) {
    thread_local bool slack_set = false;
    if (!slack_set) {  // 1 us timer slack instead of the default 50 us
      prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
      slack_set = true;
    }
    for (;;) {
      if (stopping) return false;
      int64_t now = mono_ns();
      if (now >= due_ns) return true;
      int64_t until = std::min(due_ns, now + 50'000'000);
      timespec ts{static_cast<time_t>(until / 1'000'000'000), static_cast<long>(until % 1'000'000'000)};
      while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
      }
    }
  }
  bool sleep_until(Clock::time_point t) {
    return sleep_until_ns(std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
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

  bool authorized(const httplib::Request& req, httplib::Response& res) {
    if (opt.api_key.empty() || req.get_header_value("Authorization") == "Bearer " + opt.api_key) return true;
    res.status = 401;
    res.set_content(R"({"error":{"message":"invalid api key","type":"AuthenticationError","code":401}})",
                    "application/json");
    return false;
  }

  void handle_completion(const httplib::Request& req, httplib::Response& res, bool chat) {
    auto recv = Clock::now();
    int64_t recv_ns = epoch_ns();
    if (!authorized(req, res)) return;
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (!body.is_object()) {
      res.status = 400;
      res.set_content(R"({"error":{"message":"body is not JSON","code":400}})", "application/json");
      return;
    }
    std::string rid = req.get_header_value("X-Request-Id");
    std::string prompt;
    if (chat && body.contains("messages") && body["messages"].is_array()) {
      for (const auto& m : body["messages"])
        if (m.is_object() && m.contains("content") && m["content"].is_string())
          prompt += m["content"].get<std::string>() + " ";
    } else if (body.contains("prompt") && body["prompt"].is_string()) {
      prompt = body["prompt"].get<std::string>();
    }
    std::string fault = fault_of(prompt, req.get_header_value("X-Test-Fault"));
    int64_t n_out = opt.output_tokens;
    if (body.contains("max_tokens") && body["max_tokens"].is_number_integer())
      n_out = body["max_tokens"].get<int64_t>();
    if (size_t p = prompt.find("[tokens:"); p != std::string::npos)
      n_out = std::atoll(prompt.c_str() + p + 8);
    n_out = std::max<int64_t>(1, n_out);
    int64_t n_prompt = word_count(prompt);
    bool usage = body.contains("stream_options") && body["stream_options"].is_object() &&
                 body["stream_options"].value("include_usage", false);
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
    if (fault == "500" || fault == "429") {
      res.status = std::stoi(fault);
      res.set_content(fmt::format(R"({{"error":{{"message":"injected fault {}","code":{}}}}})", fault, fault),
                      "application/json");
      return;
    }
    res.set_header("x-request-id", rid);
    std::string model = body.value("model", opt.model);
    res.set_chunked_content_provider(
        "text/event-stream", [this, recv, recv_ns, rid, server_id, chat, fault, n_out, n_prompt, usage,
                              model](size_t, httplib::DataSink& sink) {
          return stream(sink, recv, recv_ns, rid, server_id, chat, fault, n_out, n_prompt, usage, model);
        });
  }

  // One streaming response. Its connection's pool thread waits inside the content provider while the
  // token clock (tick()) writes its chunks into the sink, as an engine step emits a token for every
  // running request at once: one timer wake-up serves every stream due, instead of a thread wake-up
  // per token per stream (100k context switches a second at 1000 streams x 10 ms ITL).
  struct Stream {
    httplib::DataSink* sink = nullptr;
    Clock::time_point recv;
    int64_t recv_ns = 0, first_due = 0, next_due = 0, n_out = 0, n_prompt = 0, i = 0, generated = 0;
    bool chat = false, usage = false;
    std::string rid, server_id, fault, model, head, buf;
    std::mutex m;
    std::condition_variable cv;
    bool finished = false, result = false;
  };
  std::mutex clock_mu;
  std::condition_variable clock_cv;
  std::vector<std::pair<int64_t, Stream*>> due_heap;  // min-heap on the due time (monotonic ns)
  bool clock_stopped = false;
  std::thread token_clock;

  // Sets `stopping` and wakes everything that waits: slot queue, token clock (which then ends every
  // stream it holds), and sleep_until_ns within 50 ms.
  void request_stop() {
    {
      std::lock_guard lock(mu);
      stopping = true;
      slot_cv.notify_all();
    }
    std::lock_guard lock(clock_mu);
    clock_cv.notify_all();
  }
  static bool later(const std::pair<int64_t, Stream*>& a, const std::pair<int64_t, Stream*>& b) {
    return a.first > b.first;
  }

  void schedule(Stream* st) {
    std::lock_guard lock(clock_mu);
    if (clock_stopped) return finish(*st, false);
    bool earliest = due_heap.empty() || st->next_due < due_heap.front().first;
    due_heap.emplace_back(st->next_due, st);
    std::push_heap(due_heap.begin(), due_heap.end(), later);
    if (earliest) clock_cv.notify_one();
  }

  void finish(Stream& st, bool ok) {
    std::lock_guard lock(st.m);
    st.finished = true;
    st.result = ok;
    st.cv.notify_one();
  }

  // The token clock: writes whatever is due, sleeps until the next due time (absolute deadline).
  void clock_loop() {
    prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);  // 1 us timer slack instead of the default 50 us
    std::unique_lock lock(clock_mu);
    while (!stopping) {
      if (due_heap.empty()) {
        clock_cv.wait_for(lock, std::chrono::milliseconds(50));
        continue;
      }
      int64_t due = due_heap.front().first;
      if (due > mono_ns()) {
        clock_cv.wait_until(lock, Clock::time_point(std::chrono::nanoseconds(due)));
        continue;
      }
      std::pop_heap(due_heap.begin(), due_heap.end(), later);
      Stream* st = due_heap.back().second;
      due_heap.pop_back();
      lock.unlock();
      if (tick(*st)) schedule(st);
      lock.lock();
    }
    clock_stopped = true;
    for (auto& [due, st] : due_heap) finish(*st, false);
    due_heap.clear();
  }

  // Writes stream `st`'s next chunk (or its injected fault); true when more chunks follow.
  bool tick(Stream& st) {
    const int64_t i = st.i;
    auto write = [&] { return st.sink->write(st.buf.data(), st.buf.size()); };
    auto send = [&](std::string_view data) {
      st.buf.assign("data: ").append(data).append("\n\n");
      return write();
    };
    if (st.fault == "disconnect" && i == 3) return finish(st, false), false;  // closes mid-stream
    if (st.fault == "malformed" && i == 2) {
      st.buf = "data: {\"choices\": [{\"text\": \"oops\"\n\n";
      write();
      return finish(st, false), false;
    }
    if (st.fault == "error-event" && i == 1) {
      bool ok =
          send(R"({"error":{"message":"injected error event","type":"InternalServerError","code":500}})") &&
          send("[DONE]");
      if (ok) st.sink->done();
      return finish(st, ok), false;
    }
    int64_t written_ns = epoch_ns();
    bool ok = true;
    if (st.chat && i == 0) {
      st.buf.assign(st.head).append(R"("delta":{"role":"assistant","content":""},"logprobs":null,)");
      st.buf.append("\"finish_reason\":null}]}\n\n");
      ok = write();
    }
    // Chunks are formatted by hand (a JSON object per token costs more than the write itself when a
    // thousand streams run); only the id and the model need escaping, once per stream (head).
    st.buf.assign(st.head);
    if (st.chat)
      st.buf.append(R"("delta":{"content":" tok)").append(std::to_string(i)).append("\"}");
    else
      st.buf.append(R"("text":" tok)").append(std::to_string(i)).append("\"");
    st.buf.append(R"(,"logprobs":null,"finish_reason":)").append(i + 1 == st.n_out ? "\"length\"" : "null");
    st.buf.append("}]}\n\n");
    ok = ok && write();
    if (!ok) return finish(st, false), false;
    ++st.generated;
    ++kv_tokens;
    ++generation_tokens_total;
    if (i == 0) {
      {
        std::lock_guard lock(mu);
        ttft.observe(std::chrono::duration<double>(Clock::now() - st.recv).count());  // queue included
      }
      if (timing) {
        std::lock_guard lock(file_mu);
        std::fprintf(timing, "%s %lld %lld %lld\n", st.rid.c_str(), static_cast<long long>(st.recv_ns),
                     static_cast<long long>(st.first_due + epoch_offset), static_cast<long long>(written_ns));
      }
    }
    st.i = i + 1;
    if (st.i < st.n_out) {
      st.next_due = st.first_due + int64_t{opt.itl_ms} * 1'000'000 * st.i;
      if (st.fault == "stall" && st.i >= 2) st.next_due += int64_t{opt.stall_ms} * 1'000'000;
      return true;
    }
    if (st.usage) {
      nlohmann::json u = {{"id", st.server_id},
                          {"object", st.chat ? "chat.completion.chunk" : "text_completion"},
                          {"model", st.model},
                          {"choices", nlohmann::json::array()},
                          {"usage",
                           {{"prompt_tokens", st.n_prompt},
                            {"completion_tokens", st.n_out},
                            {"total_tokens", st.n_prompt + st.n_out}}}};
      if (!send(u.dump())) return finish(st, false), false;
    }
    if (!send("[DONE]")) return finish(st, false), false;
    int64_t end_ns = epoch_ns();
    {
      std::lock_guard lock(mu);
      ++counts.completed;
      ++success_by_reason["length"];
      e2e.observe(std::chrono::duration<double>(Clock::now() - st.recv).count());
    }
    if (completed) {
      std::lock_guard lock(file_mu);
      std::fprintf(completed, "%lld %s ok\n", static_cast<long long>(end_ns), st.rid.c_str());
      std::fflush(completed);
    }
    log_line(fmt::format("Finished request {}.", st.server_id), end_ns);
    st.sink->done();
    return finish(st, true), false;
  }

  // The content provider: takes a running slot, hands the stream to the token clock and waits (on
  // this connection's pool thread, which owns the sink) until it is over.
  bool stream(httplib::DataSink& sink, Clock::time_point recv, int64_t recv_ns, const std::string& rid,
              const std::string& server_id, bool chat, const std::string& fault, int64_t n_out,
              int64_t n_prompt, bool usage, const std::string& model) {
    // The schedule starts when the request was parsed, or when it got a slot if it had to queue.
    int64_t start_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(recv.time_since_epoch()).count();
    {  // queue for a slot
      std::unique_lock lock(mu);
      auto free_slot = [&] { return stopping || opt.max_running <= 0 || running < opt.max_running; };
      if (!free_slot()) {
        ++waiting;
        slot_cv.wait(lock, free_slot);
        --waiting;
        start_ns = mono_ns();
      }
      if (stopping) return false;
      ++running;
      kv_tokens += n_prompt;
      prompt_tokens_total += static_cast<uint64_t>(n_prompt);
    }
    Stream st;
    st.sink = &sink;
    st.recv = recv;
    st.recv_ns = recv_ns;
    st.first_due = st.next_due = start_ns + int64_t{opt.ttft_ms} * 1'000'000;
    st.n_out = n_out;
    st.n_prompt = n_prompt;
    st.chat = chat;
    st.usage = usage;
    st.rid = rid;
    st.server_id = server_id;
    st.fault = fault;
    st.model = model;
    st.head = fmt::format(R"(data: {{"id":{},"object":"{}","created":{},"model":{},"choices":[{{"index":0,)",
                          json_str(server_id), chat ? "chat.completion.chunk" : "text_completion",
                          recv_ns / 1'000'000'000, json_str(model));
    schedule(&st);
    {
      std::unique_lock lock(st.m);
      st.cv.wait(lock, [&] { return st.finished; });
    }
    std::lock_guard lock(mu);
    --running;
    kv_tokens -= n_prompt + st.generated;
    slot_cv.notify_one();
    return st.result;
  }

  void stats_line() {
    int64_t r, w;
    double kv;
    uint64_t p, g;
    {
      std::lock_guard lock(mu);
      r = running;
      w = waiting;
      kv = 100.0 * static_cast<double>(kv_tokens.load()) / static_cast<double>(opt.kv_capacity_tokens);
      p = prompt_tokens_total - last_prompt;
      g = generation_tokens_total - last_gen;
      last_prompt = prompt_tokens_total;
      last_gen = generation_tokens_total;
    }
    log_line(
        fmt::format("Engine 000: Avg prompt throughput: {:.1f} tokens/s, Avg generation throughput: {:.1f} "
                    "tokens/s, Running: {} reqs, Waiting: {} reqs, GPU KV cache usage: {:.1f}%, Prefix cache "
                    "hit rate: 0.0%",
                    static_cast<double>(p), static_cast<double>(g), r, w, kv),
        epoch_ns());
  }

  void write_trace() {
    if (opt.profile_dir.empty() || opt.trace_fixture.empty()) return;
    std::ifstream in(opt.trace_fixture, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::filesystem::create_directories(opt.profile_dir);
    auto path = opt.profile_dir / fmt::format("test-rank-0.{}.pt.trace.json.gz", epoch_ns());
    // Written in two halves 300 ms apart, as a large trace flushes: readers must wait for it to settle.
    {
      std::ofstream out(path, std::ios::binary);
      out.write(data.data(), static_cast<std::streamsize>(data.size() / 2));
    }
    std::lock_guard lock(mu);
    writers.emplace_back([this, path, data] {
      if (!sleep_until(Clock::now() + std::chrono::milliseconds(300))) return;
      std::ofstream out(path, std::ios::binary | std::ios::app);
      out.write(data.data() + data.size() / 2, static_cast<std::streamsize>(data.size() - data.size() / 2));
    });
  }

  void routes() {
    svr.Post("/v1/completions",
             [this](const httplib::Request& q, httplib::Response& r) { handle_completion(q, r, false); });
    svr.Post("/v1/chat/completions",
             [this](const httplib::Request& q, httplib::Response& r) { handle_completion(q, r, true); });
    svr.Get("/v1/models", [this](const httplib::Request& q, httplib::Response& r) {
      if (!authorized(q, r)) return;
      r.set_content(
          fmt::format(R"({{"object":"list","data":[{{"id":"{}","object":"model","owned_by":"test"}}]}})",
                      opt.model),
          "application/json");
    });
    svr.Get("/metrics", [this](const httplib::Request&, httplib::Response& r) {
      {
        std::lock_guard lock(mu);
        ++counts.metrics_scrapes;
      }
      r.set_content(metrics_text(), "text/plain; version=0.0.4");
    });
    svr.Post("/start_profile", [this](const httplib::Request&, httplib::Response& r) {
      std::lock_guard lock(mu);
      ++counts.profile_starts;
      profiling = true;
      r.status = 200;
    });
    svr.Post("/stop_profile", [this](const httplib::Request&, httplib::Response& r) {
      {
        std::lock_guard lock(mu);
        ++counts.profile_stops;
        profiling = false;
      }
      write_trace();
      r.status = 200;
    });
  }
};

TestServer::TestServer(TestServerOptions opt) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(opt);
}

TestServer::~TestServer() {
  stop();
}

int TestServer::start() {
  Impl& m = *impl_;
  int threads = std::max(4, m.opt.threads);
  m.svr.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  m.svr.set_keep_alive_max_count(1'000'000);
  m.svr.set_keep_alive_timeout(30);
  m.svr.set_read_timeout(30, 0);
  m.svr.set_write_timeout(10, 0);
  m.svr.set_tcp_nodelay(true);  // accepted sockets inherit it: no Nagle delay on small SSE chunks
  m.routes();
  m.epoch_offset = epoch_ns() - mono_ns();
  if (!m.opt.timing_log.empty()) m.timing = std::fopen(m.opt.timing_log.c_str(), "w");
  if (!m.opt.completed_log.empty()) m.completed = std::fopen(m.opt.completed_log.c_str(), "a");
  if (!m.opt.server_log.empty()) m.log = std::fopen(m.opt.server_log.c_str(), "a");
  port_ = m.svr.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) return port_ = 0;
  if (!m.svr.raise_backlog()) std::fprintf(stderr, "test server: listen(SOMAXCONN) failed\n");
  m.token_clock = std::thread([&m] { m.clock_loop(); });
  m.listener = std::thread([&m] { m.svr.listen_after_bind(); });
  m.watchdog = std::thread([&m] {
    auto end = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(m.opt.max_lifetime_s * 1000));
    auto next_stats = Clock::now() + std::chrono::seconds(1);
    while (m.sleep_until(std::min(end, next_stats))) {
      if (Clock::now() >= end) break;
      m.stats_line();
      next_stats += std::chrono::seconds(1);
    }
    m.request_stop();
    m.svr.stop();
  });
  for (int i = 0; i < 500 && !m.svr.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return port_;
}

void TestServer::stop() {
  Impl& m = *impl_;
  m.request_stop();
  if (m.token_clock.joinable()) m.token_clock.join();  // ends every stream still scheduled
  m.svr.stop();
  if (m.listener.joinable()) m.listener.join();
  if (m.watchdog.joinable()) m.watchdog.join();
  std::vector<std::thread> writers;
  {
    std::lock_guard lock(m.mu);
    writers.swap(m.writers);
  }
  for (auto& t : writers) t.join();
  std::lock_guard lock(m.file_mu);
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
