#include "capture/replay_client.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

#include "core/serving/sse_parser.h"

namespace hp::capture {
namespace {

using serving::RequestRecord;
using serving::RequestStatus;

int64_t mono_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};
void curl_init_once() {
  static CurlGlobal g;
}

size_t append_body(char* p, size_t sz, size_t n, void* ud) {
  auto* s = static_cast<std::string*>(ud);
  s->append(p, sz * n);
  return sz * n;
}

}  // namespace

int64_t epoch_now_ns() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

int http_request(const std::string& method, const std::string& url, const std::string& body,
                 std::string* response, std::string* error, double timeout_s, const std::string& api_key) {
  curl_init_once();
  CURL* c = curl_easy_init();
  if (!c) {
    if (error) *error = "curl_easy_init failed";
    return 0;
  }
  std::string out;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = nullptr;
  std::string auth;
  if (!api_key.empty()) {
    auth = "Authorization: Bearer " + api_key;
    headers = curl_slist_append(headers, auth.c_str());
  }
  if (!body.empty()) headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_s * 1000));
  CURLcode rc = curl_easy_perform(c);
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  auth.assign(auth.size(), '\0');
  if (rc != CURLE_OK) {
    if (error) *error = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    return 0;
  }
  if (response) *response = std::move(out);
  return static_cast<int>(code);
}

std::string discover_model(const std::string& base_url, const std::string& api_key, std::string* error) {
  std::string body, err;
  int code = http_request("GET", base_url + "/v1/models", "", &body, &err, 10, api_key);
  if (code != 200) {
    if (error) *error = code ? fmt::format("GET /v1/models: HTTP {}", code) : "GET /v1/models: " + err;
    return {};
  }
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("data") && j["data"].is_array() && !j["data"].empty() &&
      j["data"][0].is_object() && j["data"][0].contains("id") && j["data"][0]["id"].is_string())
    return j["data"][0]["id"].get<std::string>();
  if (error) *error = "GET /v1/models: no model id in the response";
  return {};
}

// One request in flight.
struct Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string body;
  char errbuf[CURL_ERROR_SIZE] = {0};
  RequestRecord rec;
  serving::SseParser sse;
  long http_code = 0;
  bool done_seen = false, finish_seen = false, malformed = false, stream_error = false;
  bool stalled = false;  // no byte for read_timeout_s (checked by the event loop)
  int64_t last_byte_ns = 0;
  uint32_t estimated_prompt_tokens = 0;
  std::string error_body;
  // One completion of a request with n > 1 (choices[].index).
  struct Choice {
    int64_t first_chunk_ns = 0, first_token_ns = 0, end_ns = 0;
    std::vector<int64_t> token_chunk_ns;
    bool finish_seen = false;
  };
  std::vector<Choice> choices;  // empty for n = 1
  int64_t (*clock)(const void*) = nullptr;
  const void* clock_ctx = nullptr;
  const int64_t* wake_ns = nullptr;  // when the socket being handled was seen ready (the event loop's)

  // When bytes arrived: the moment epoll reported the socket readable, if the loop is handling a
  // wake-up (the loop's own queueing behind other sockets then does not inflate TTFT or ITL);
  // otherwise now.
  int64_t arrival_ns() const { return wake_ns && *wake_ns ? *wake_ns : clock(clock_ctx); }

  void on_event(const serving::SseEvent& e, int64_t now) {
    if (malformed) return;
    if (!rec.first_chunk_ns) rec.first_chunk_ns = now;
    serving::OpenAiChunk c = serving::parse_openai_chunk(e.data);
    if (c.done) {
      done_seen = true;
      return;
    }
    if (!c.json_ok) {
      malformed = true;
      rec.error = fmt::format("malformed SSE event ({}): {}", c.error, e.data.substr(0, 80));
      return;
    }
    if (!c.error.empty()) {
      stream_error = true;
      rec.error = "error event in stream: " + c.error.substr(0, 200);
    }
    if (!choices.empty() && c.has_choices) {
      if (c.choice_index < 0 || c.choice_index >= static_cast<int64_t>(choices.size())) {
        malformed = true;
        rec.error = fmt::format("choice index {} outside 0..{} (asked n = {})", c.choice_index,
                                choices.size() - 1, choices.size());
        return;
      }
      Choice& ch = choices[static_cast<size_t>(c.choice_index)];
      if (!ch.first_chunk_ns) ch.first_chunk_ns = now;
      if (c.content_bytes > 0) {
        if (!ch.first_token_ns) ch.first_token_ns = now;
        ch.token_chunk_ns.push_back(now);
        ch.end_ns = now;
      }
      if (!c.finish_reason.empty()) ch.finish_seen = true, ch.end_ns = now;
    }
    if (c.content_bytes > 0) {
      if (!rec.first_token_ns) rec.first_token_ns = now;
      rec.token_chunk_ns.push_back(now);
    }
    if (!c.finish_reason.empty()) finish_seen = true;
    if (c.has_usage) {
      if (c.prompt_tokens >= 0) rec.prompt_tokens = static_cast<uint32_t>(c.prompt_tokens);
      if (c.completion_tokens >= 0) rec.output_tokens = static_cast<uint32_t>(c.completion_tokens);
      rec.tokens_from_usage = true;
    }
  }
};

namespace {

size_t on_write(char* p, size_t sz, size_t n, void* ud) {
  auto* t = static_cast<Transfer*>(ud);
  size_t len = sz * n;
  int64_t now = t->arrival_ns();
  t->last_byte_ns = now;
  if (!t->http_code) curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->http_code);
  if (t->http_code < 200 || t->http_code >= 300) {
    if (t->error_body.size() < 512)
      t->error_body.append(p, std::min<size_t>(len, 512 - t->error_body.size()));
    return len;
  }
  bool ok = t->sse.feed(std::string_view(p, len), [&](const serving::SseEvent& e) { t->on_event(e, now); });
  if (!ok && !t->malformed) {
    t->malformed = true;
    t->rec.error = "malformed SSE stream: " + t->sse.error();
  }
  return t->malformed ? 0 : len;  // 0 aborts the transfer (CURLE_WRITE_ERROR)
}

// Called by libcurl on an established (new or reused) connection right before it writes the
// request: the send time TTFT and E2E are measured from, so connection setup and the client's own
// dispatch work count as dispatch lag (sent - scheduled), not as server latency.
int on_prereq(void* ud, char*, char*, int, int) {
  auto* t = static_cast<Transfer*>(ud);
  t->rec.sent_ns = t->clock(t->clock_ctx);
  return CURL_PREREQFUNC_OK;
}

}  // namespace

struct ReplayClient::Impl {
  ReplayClient& self;
  const ReplayOptions& opt;
  CURLM* multi = nullptr;
  int epfd = -1;
  int64_t offset = 0;            // epoch - monotonic, taken once
  int64_t curl_due = -1;         // monotonic ns of libcurl's next timeout, -1 = none
  int64_t wake_ns = 0;           // epoch ns the socket being handled was seen ready, 0 outside one
  std::vector<CURL*> idle_easy;  // finished handles, reused (their buffers stay allocated)
  std::vector<epoll_event> evs;  // one epoll_pwait2 batch
  std::map<CURL*, std::unique_ptr<Transfer>> active;
  std::string prefix;
  std::string auth_header;
  std::string url;
  const std::function<void(const RequestRecord&)>* on_done = nullptr;
  size_t finished = 0;

  static int64_t clock_fn(const void* ctx) { return mono_ns() + static_cast<const Impl*>(ctx)->offset; }
  int64_t to_epoch(int64_t mono) const { return mono + offset; }

  // libcurl tells which sockets to watch (CURLMOPT_SOCKETFUNCTION); they go into one epoll set, so
  // a wake-up costs O(ready sockets), not O(open streams) as curl_multi_poll/perform do. Sockets are
  // registered one-shot: a socket reported ready stays quiet until it has been handled and re-armed,
  // so a re-poll in the middle of a long batch returns only sockets that became ready since.
  std::vector<uint32_t> interest;  // by descriptor: the epoll events libcurl asked for, 0 = none
  static int on_socket(CURL*, curl_socket_t s, int what, void* userp, void* socketp) {
    auto* self = static_cast<Impl*>(userp);
    if (s >= 0 && static_cast<size_t>(s) >= self->interest.size()) self->interest.resize(s + 64, 0);
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(self->epfd, EPOLL_CTL_DEL, s, nullptr);  // fails harmlessly when already closed
      self->interest[s] = 0;
      return 0;
    }
    epoll_event ev{};
    ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
    self->interest[s] = ev.events;
    ev.events |= EPOLLONESHOT;
    ev.data.fd = s;
    int op = socketp ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(self->epfd, op, s, &ev) != 0) {
      // A descriptor number reused after a close, or a socket curl re-announces: try the other op.
      if (errno == EEXIST) epoll_ctl(self->epfd, EPOLL_CTL_MOD, s, &ev);
      if (errno == ENOENT) epoll_ctl(self->epfd, EPOLL_CTL_ADD, s, &ev);
    }
    if (!socketp) curl_multi_assign(self->multi, s, self);  // non-null: "known to epoll"
    return 0;
  }
  // Re-arms a one-shot socket after libcurl has handled it (a no-op when libcurl removed it).
  void rearm(int fd) {
    if (fd < 0 || static_cast<size_t>(fd) >= interest.size() || !interest[fd]) return;
    epoll_event ev{};
    ev.events = interest[fd] | EPOLLONESHOT;
    ev.data.fd = fd;
    epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
  }
  static int on_timer(CURLM*, long timeout_ms, void* userp) {
    auto* self = static_cast<Impl*>(userp);
    self->curl_due = timeout_ms < 0 ? -1 : mono_ns() + static_cast<int64_t>(timeout_ms) * 1'000'000;
    return 0;
  }

  explicit Impl(ReplayClient& c) : self(c), opt(c.opt_) {
    curl_init_once();
    multi = curl_multi_init();
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (!multi || epfd < 0) throw std::runtime_error("cannot create the libcurl multi handle or epoll set");
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 0L);
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 0L);
    int conc = opt.arrival.concurrency > 0 ? opt.arrival.concurrency : 1024;
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(conc + 16));
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
    offset = epoch_now_ns() - mono_ns();
    prefix = opt.request_id_prefix;
    if (prefix.empty()) {
      std::random_device rd;
      prefix = fmt::format("hp-{:08x}-", rd());
    }
    url = opt.base_url + opt.endpoint;
    if (!opt.api_key.empty()) auth_header = "Authorization: Bearer " + opt.api_key;
  }
  ~Impl() {
    for (auto& [e, t] : active) {
      curl_multi_remove_handle(multi, e);
      cleanup(*t);
    }
    for (CURL* e : idle_easy) curl_easy_cleanup(e);
    curl_multi_cleanup(multi);
    if (epfd >= 0) close(epfd);
    auth_header.assign(auth_header.size(), '\0');
  }

  void cleanup(Transfer& t) {
    if (t.easy) curl_easy_cleanup(t.easy);
    curl_slist_free_all(t.headers);
    t.easy = nullptr;
    t.headers = nullptr;
  }

  // Runs libcurl on what is due: its timers (new handles start there) and nothing else.
  void run_timers() {
    if (curl_due < 0 || curl_due > mono_ns()) return;
    curl_due = -1;
    int running = 0;
    curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
  }

  // Waits for socket events until `wake` (monotonic ns) at the latest and hands them to libcurl.
  // Each socket is stamped with the moment it was seen ready, which is when its bytes arrived: while
  // a burst (an engine step's tokens for a thousand streams) is being handled, the set is polled
  // again every 100 us, so a socket that became ready meanwhile is stamped then, not when its turn
  // comes.
  struct Ready {
    int fd;
    uint32_t events;
    int64_t seen_ns;  // epoch
  };
  std::vector<Ready> ready;
  int poll_into_ready(int timeout_ns) {
    if (evs.size() < active.size() + 16) evs.resize(active.size() + 16);
    const int max_events = static_cast<int>(evs.size());
    timespec ts{timeout_ns / 1'000'000'000, timeout_ns % 1'000'000'000};
    int n = epoll_pwait2(epfd, evs.data(), max_events, &ts, nullptr);
    if (n < 0 && errno == ENOSYS)  // kernels before 5.11: millisecond timeouts
      n = epoll_wait(epfd, evs.data(), max_events, (timeout_ns + 999'999) / 1'000'000);
    int64_t now = clock_fn(this);
    for (int i = 0; i < n; ++i) ready.push_back({evs[i].data.fd, evs[i].events, now});
    return n;
  }
  void wait_and_handle(int64_t wake) {
    if (curl_due >= 0) wake = std::min(wake, curl_due);
    int64_t wait = std::clamp<int64_t>(wake - mono_ns(), 0, 1'000'000'000);
    ready.clear();
    if (poll_into_ready(static_cast<int>(wait)) <= 0) return run_timers();
    int64_t last_poll = mono_ns();
    int running = 0;
    for (size_t i = 0; i < ready.size(); ++i) {
      if (mono_ns() - last_poll > 100'000) {
        poll_into_ready(0);
        last_poll = mono_ns();
      }
      const Ready r = ready[i];
      int flags = ((r.events & (EPOLLIN | EPOLLHUP | EPOLLERR)) ? CURL_CSELECT_IN : 0) |
                  ((r.events & EPOLLOUT) ? CURL_CSELECT_OUT : 0) |
                  ((r.events & EPOLLERR) ? CURL_CSELECT_ERR : 0);
      wake_ns = r.seen_ns;
      curl_multi_socket_action(multi, r.fd, flags, &running);
      wake_ns = 0;
      rearm(r.fd);
    }
    run_timers();
  }

  std::string body_for(const serving::TrafficRequest& tr, int64_t max_tokens) {
    nlohmann::json j;
    j["model"] = opt.model;
    bool chat = opt.endpoint.find("chat") != std::string::npos;
    if (chat) {
      nlohmann::json msgs;
      if (!tr.messages_json.empty()) msgs = nlohmann::json::parse(tr.messages_json, nullptr, false);
      if (!msgs.is_array())
        msgs = nlohmann::json::array(
            {{{"role", "user"}, {"content", serving::prompt_text(tr, opt.block_tokens)}}});
      j["messages"] = std::move(msgs);
    } else {
      j["prompt"] = serving::prompt_text(tr, opt.block_tokens);
    }
    j["max_tokens"] = max_tokens;
    if (opt.rollouts_n > 1) j["n"] = opt.rollouts_n;
    j["stream"] = true;
    j["stream_options"] = {{"include_usage", true}};
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

  void dispatch(const serving::ScheduledRequest& s, uint64_t index, int64_t scheduled_mono) {
    const serving::TrafficRequest& tr = self.traffic_.requests[s.traffic_index];
    auto t = std::make_unique<Transfer>();
    t->clock = &Impl::clock_fn;
    t->clock_ctx = this;
    t->wake_ns = &wake_ns;
    int64_t max_tokens = tr.max_tokens > 0 ? tr.max_tokens : opt.default_max_tokens;
    const uint64_t n = opt.rollouts_n > 1 ? static_cast<uint64_t>(opt.rollouts_n) : 1;
    t->rec.index = index * n;
    t->rec.request_id = fmt::format("{}{:06d}", prefix, index * n);
    if (n > 1) t->choices.resize(n);
    t->rec.endpoint = opt.endpoint;
    t->rec.warmup = s.warmup;
    t->rec.max_tokens = static_cast<uint32_t>(std::max<int64_t>(0, max_tokens));
    t->estimated_prompt_tokens = static_cast<uint32_t>(std::max<int64_t>(0, tr.input_tokens));
    t->body = body_for(tr, max_tokens);
    if (!idle_easy.empty()) {
      t->easy = idle_easy.back();
      idle_easy.pop_back();
      curl_easy_reset(t->easy);  // options back to defaults; connections stay in the multi's cache
    } else {
      t->easy = curl_easy_init();
    }
    CURL* e = t->easy;
    t->headers = curl_slist_append(t->headers, "Content-Type: application/json");
    t->headers = curl_slist_append(t->headers, "Accept: text/event-stream");
    t->headers = curl_slist_append(t->headers, "Expect:");
    t->headers = curl_slist_append(t->headers, ("X-Request-Id: " + t->rec.request_id).c_str());
    if (!auth_header.empty()) t->headers = curl_slist_append(t->headers, auth_header.c_str());
    for (const auto& [k, v] : opt.extra_headers)
      t->headers = curl_slist_append(t->headers, (k + ": " + v).c_str());
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->body.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(t->body.size()));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, t.get());
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(opt.request_timeout_s * 1000));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    t->rec.scheduled_ns = to_epoch(scheduled_mono);
    t->rec.sent_ns = clock_fn(this);  // replaced by the real send time (on_prereq) once connected
    curl_multi_add_handle(multi, e);
    active.emplace(e, std::move(t));
    self.progress_.sent++;
    self.progress_.in_flight++;
  }

  void finish(CURL* e, CURLcode res, bool cancelled) {
    auto it = active.find(e);
    if (it == active.end()) return;
    std::unique_ptr<Transfer> t = std::move(it->second);
    active.erase(it);
    curl_multi_remove_handle(multi, e);
    RequestRecord& r = t->rec;
    int64_t now = clock_fn(this);
    r.end_ns = t->last_byte_ns ? t->last_byte_ns : now;
    if (!t->http_code) curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &t->http_code);
    r.http_status = static_cast<int>(t->http_code);
    std::string curl_err = t->errbuf[0] ? t->errbuf : curl_easy_strerror(res);
    if (cancelled) {
      r.status = RequestStatus::Cancelled;
      r.error = "the run ended while the request was in flight";
      r.end_ns = now;
    } else if (t->malformed) {
      r.status = RequestStatus::Malformed;
    } else if (t->stalled) {
      r.status = RequestStatus::Timeout;
      r.error = fmt::format("no data for {:.1f} s after {} content chunks", opt.read_timeout_s,
                            r.token_chunk_ns.size());
    } else if (res == CURLE_OPERATION_TIMEDOUT) {
      r.status = RequestStatus::Timeout;
      r.error = curl_err;
    } else if (t->http_code && (t->http_code < 200 || t->http_code >= 300)) {
      r.status = RequestStatus::HttpError;
      std::string b = t->error_body;
      std::replace(b.begin(), b.end(), '\n', ' ');
      r.error = fmt::format("HTTP {}: {}", t->http_code, b.substr(0, 300));
    } else if (res == CURLE_COULDNT_CONNECT || res == CURLE_COULDNT_RESOLVE_HOST || res == CURLE_SEND_ERROR ||
               (res != CURLE_OK && !t->http_code)) {
      r.status =
          t->http_code || res == CURLE_GOT_NOTHING ? RequestStatus::Disconnect : RequestStatus::ConnectError;
      r.error = curl_err;
    } else if (t->stream_error) {
      r.status = RequestStatus::HttpError;
    } else if (res != CURLE_OK) {
      r.status = RequestStatus::Disconnect;
      r.error = fmt::format("connection lost mid-stream after {} content chunks: {}", r.token_chunk_ns.size(),
                            curl_err);
    } else if (!t->done_seen && !t->finish_seen) {
      r.status = RequestStatus::Disconnect;
      r.error = fmt::format("stream ended without [DONE] after {} content chunks", r.token_chunk_ns.size());
    } else {
      r.status = RequestStatus::Ok;
    }
    if (!r.tokens_from_usage) {
      r.output_tokens = static_cast<uint32_t>(r.token_chunk_ns.size());
      r.prompt_tokens = t->estimated_prompt_tokens;
    }
    // The handle goes back to the pool; the connection stays in the multi handle's cache either way.
    idle_easy.push_back(t->easy);
    t->easy = nullptr;
    cleanup(*t);
    ++finished;
    self.progress_.in_flight--;
    if (t->choices.empty()) return report(r);
    for (size_t k = 0; k < t->choices.size(); ++k) report(choice_record(*t, k));
  }

  // Counted once handed on: a reader that sees `ok` grow finds the record where on_done put it.
  void report(const RequestRecord& r) {
    (*on_done)(r);
    if (!r.warmup) self.progress_.output_tokens += r.output_tokens;
    (r.status == RequestStatus::Ok ? self.progress_.ok : self.progress_.failed)++;
  }

  // Choice k of a request with n > 1 as a record of its own: the request's send and status, the
  // choice's chunks. A choice whose finish_reason arrived before a disconnect or timeout is complete.
  static RequestRecord choice_record(const Transfer& t, size_t k) {
    const Transfer::Choice& c = t.choices[k];
    RequestRecord r = t.rec;
    r.index = t.rec.index + k;
    r.request_id = fmt::format("{}#{}", t.rec.request_id, k);
    r.first_chunk_ns = c.first_chunk_ns;
    r.first_token_ns = c.first_token_ns;
    r.token_chunk_ns = c.token_chunk_ns;
    r.output_tokens = static_cast<uint32_t>(c.token_chunk_ns.size());
    r.tokens_from_usage = false;
    if (c.end_ns) r.end_ns = c.end_ns;
    const bool cut = r.status == RequestStatus::Disconnect || r.status == RequestStatus::Timeout ||
                     r.status == RequestStatus::Cancelled;
    if (cut && c.finish_seen) {
      r.status = RequestStatus::Ok;
      r.error.clear();
    } else if (r.status == RequestStatus::Ok && !c.first_chunk_ns) {
      r.status = RequestStatus::Malformed;
      r.error =
          fmt::format("choice {} of n = {} never streamed (the server ignored n?)", k, t.choices.size());
      r.end_ns = t.rec.end_ns;
    }
    return r;
  }

  void drain_messages() {
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi, &left))
      if (m->msg == CURLMSG_DONE) finish(m->easy_handle, m->data.result, false);
  }

  // libcurl's low-speed check averages over several seconds, so a stall after a burst goes unseen:
  // the loop checks every transfer's last byte itself (every 100 ms).
  int64_t next_stall_check = 0;  // epoch ns
  void check_stalls() {
    int64_t now = clock_fn(this);
    if (now < next_stall_check) return;
    next_stall_check = now + 100'000'000;
    int64_t limit = static_cast<int64_t>(opt.read_timeout_s * 1e9);
    std::vector<CURL*> stalled;
    for (auto& [e, t] : active)
      if (now - (t->last_byte_ns ? t->last_byte_ns : t->rec.sent_ns) > limit) stalled.push_back(e);
    for (CURL* e : stalled) {
      active[e]->stalled = true;
      finish(e, CURLE_OPERATION_TIMEDOUT, false);
    }
  }

  void cancel_all() {
    std::vector<CURL*> handles;
    for (auto& [e, t] : active) handles.push_back(e);
    for (CURL* e : handles) finish(e, CURLE_OK, true);
  }
};

ReplayClient::ReplayClient(ReplayOptions opt, const serving::Traffic& traffic)
    : opt_(std::move(opt)), traffic_(traffic) {}

ReplayClient::~ReplayClient() = default;

void ReplayClient::stop() {
  stop_ = true;
}

uint64_t ReplayClient::run(const std::function<void(const RequestRecord&)>& on_done) {
  if (traffic_.requests.empty()) return 0;
  if (opt_.model.empty()) {
    std::string err;
    opt_.model = discover_model(opt_.base_url, opt_.api_key, &err);
    if (opt_.model.empty()) throw std::runtime_error(opt_.base_url + ": cannot discover the model: " + err);
  }
  serving::ArrivalOptions arr = opt_.arrival;
  const bool closed_loop = arr.kind == serving::ArrivalKind::ClosedLoop;
  bool open_loop = !closed_loop && arr.kind != serving::ArrivalKind::Trace;
  // A duration without a request count: closed loop cycles the traffic until the time is up; an
  // open loop gets enough arrivals to cover the duration (make_schedule drops the later ones).
  bool endless = arr.duration_s > 0 && arr.num_requests < 0 && arr.kind == serving::ArrivalKind::ClosedLoop;
  if (arr.duration_s > 0 && arr.num_requests < 0 && open_loop && std::isfinite(arr.rate))
    arr.num_requests =
        std::min<int64_t>(10'000'000, static_cast<int64_t>(arr.rate * arr.duration_s * 2) + 16);
  if (endless) arr.num_requests = 0;
  // Such an open loop runs until the time is up even when its rate is raised past what was scheduled.
  const bool extendable = arr.duration_s > 0 && opt_.arrival.num_requests < 0 && open_loop &&
                          std::isfinite(arr.rate) && arr.rate > 0;
  uint64_t extensions = 0;
  std::vector<int64_t> offsets;
  offsets.reserve(traffic_.requests.size());
  for (const auto& r : traffic_.requests) offsets.push_back(r.arrival_offset_ns);
  std::vector<serving::ScheduledRequest> sched = serving::make_schedule(offsets, arr);
  size_t warmups = 0;
  while (warmups < sched.size() && sched[warmups].warmup) ++warmups;
  progress_.total =
      endless ? 0 : (sched.size() - warmups) * static_cast<uint64_t>(std::max(1, opt_.rollouts_n));
  progress_.warmup_done = warmups == 0;

  Impl impl(*this);
  impl.on_done = &on_done;
  if (concurrency_ <= 0) concurrency_ = arr.concurrency;
  // An open loop's schedule is in offsets at its base rate; a live rate change re-anchors it: an
  // offset o is due at anchor_real + (o - anchor_off) * base_rate / rate.
  const double base_rate = open_loop && std::isfinite(arr.rate) && arr.rate > 0 ? arr.rate : 0;
  if (base_rate > 0 && rate_ <= 0) rate_ = base_rate;
  double applied_rate = base_rate > 0 ? rate_.load() : 0,
         scale = base_rate > 0 ? base_rate / applied_rate : 1;
  int64_t anchor_real = -1, anchor_off = 0;
  size_t next = 0;
  int64_t pause_started = -1;
  uint64_t index = 0;
  int64_t t0 = -1;  // monotonic start of the measured run
  int64_t deadline = INT64_MAX, drain_deadline = INT64_MAX;
  size_t endless_next = warmups;
  bool dispatch_done = false;
  while (true) {
    int64_t now = mono_ns();
    int64_t wake = now + 50'000'000;  // poll at least every 50 ms to notice stop()
    if (stop_) {
      impl.cancel_all();
      break;
    }
    // A pause moves the measured clock on, so arrivals and --duration resume where they stopped.
    const bool paused = paused_;
    if (paused && pause_started < 0) pause_started = now;
    if (!paused && pause_started >= 0) {
      const int64_t d = now - pause_started;
      if (t0 >= 0) t0 += d, anchor_real += d;
      if (deadline != INT64_MAX) deadline += d;
      pause_started = -1;
    }
    const int conc = arr.concurrency > 0 ? concurrency_.load() : arr.concurrency;
    if (base_rate > 0 && rate_ != applied_rate) {
      if (t0 >= 0) {  // the schedule's position now (or where it paused) becomes the new anchor
        const int64_t at = paused ? pause_started : now;
        anchor_off += static_cast<int64_t>(static_cast<double>(at - anchor_real) / scale);
        anchor_real = at;
      }
      applied_rate = rate_;
      scale = base_rate / applied_rate;
    }
    if (now >= deadline) dispatch_done = true;
    if (now >= drain_deadline) {
      impl.cancel_all();
      break;
    }
    while (!dispatch_done && !paused) {
      bool more = next < sched.size() || endless;
      if (!more && extendable && deadline != INT64_MAX) {  // its rate was raised: more of the same arrivals
        serving::extend_schedule(sched, traffic_.requests.size(), arr, sched.size() + 16, ++extensions);
        more = next < sched.size();
        progress_.total = 0;  // bounded by the time now, not by a count
      }
      if (!more) {
        dispatch_done = true;
        break;
      }
      if (conc > 0 && static_cast<int>(impl.active.size()) >= conc) break;
      if (next < warmups) {
        impl.dispatch(sched[next], index++, now);
        ++next;
        continue;
      }
      // Timed arrivals start once the warm-up is over; a closed loop hands each freed slot straight on
      // (draining first would restart every stream at once: a burst no steady state has).
      if (next == warmups && !impl.active.empty() && t0 < 0 && !closed_loop) break;
      if (t0 < 0) {
        t0 = anchor_real = now;
        progress_.warmup_done = true;
        if (arr.duration_s > 0) deadline = t0 + static_cast<int64_t>(arr.duration_s * 1e9);
      }
      serving::ScheduledRequest s;
      if (next < sched.size()) {
        s = sched[next];
      } else {
        s = {endless_next++ % traffic_.requests.size(), -1, false};
      }
      int64_t due = s.send_offset_ns < 0
                        ? now
                        : anchor_real + static_cast<int64_t>(
                                            static_cast<double>(s.send_offset_ns - anchor_off) * scale);
      if (due > now) {
        wake = std::min(wake, due);
        break;
      }
      impl.dispatch(s, index++, due);
      ++next;
    }
    if (dispatch_done && drain_deadline == INT64_MAX && deadline != INT64_MAX && now >= deadline)
      drain_deadline = now + static_cast<int64_t>(opt_.drain_timeout_s * 1e9);
    if (dispatch_done && impl.active.empty()) break;
    size_t before = impl.finished;
    impl.run_timers();  // starts the handles just added, in this iteration
    impl.drain_messages();
    if (impl.finished != before && !dispatch_done) continue;  // a slot freed: dispatch at once
    impl.wait_and_handle(std::min(wake, impl.next_stall_check - impl.offset));
    impl.drain_messages();
    impl.check_stalls();
  }
  return index;
}

}  // namespace hp::capture
