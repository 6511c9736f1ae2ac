#pragma once
// One Session: everything a user opened or captured, as one immutable snapshot on one clock. It holds
// the trace Run as the importers built it and the serving tables (requests, metric series, engine
// iterations, server events) as columns. Every time is int64 ns on the session axis, which is the
// Run's own axis; epoch_base_ns says which epoch ns session time 0 is. Live capture publishes a new
// Session instead of changing one that views hold.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/experts/expert_load.h"
#include "core/kv/kv_events.h"
#include "core/model/run.h"
#include "core/serving/request_record.h"
#include "core/util/shared_column.h"

namespace hp {

constexpr Ns kNoTime = INT64_MIN;  // "unknown" in every time column of the serving tables

enum class SourceKind : uint8_t { Trace, Capture, Log, Prometheus, Predecessor, Experts };
const char* to_string(SourceKind k);

// One input as placed on the session clock.
struct SessionSource {
  std::string name;  // file name, or the capture's endpoint
  SourceKind kind = SourceKind::Capture;
  bool absolute = true;   // false: the source has no absolute time base and sits at its own origin
  Ns offset_ns = 0;       // its own epoch ns + offset_ns = session ns
  Ns shift_ns = 0;        // the user's shift, included in offset_ns (saved with the run)
  Ns resolution_ns = 0;   // timestamp resolution when coarse (1 s for whole-second log times)
  Ns begin = 0, end = 0;  // its data on the session axis, [begin, end); equal when it holds none
  std::string alignment;  // one line: how it was placed ("baseTimeNanoseconds", "epoch clock", ...)
};

// Requests, one row each, in arrival order. Client times, then server times moved onto the client
// clock (minus the estimated server clock offset). ITL gaps of row i are itl[itl_begin[i] .. itl_begin[i+1]).
struct RequestTable {
  template <class T>
  using Col = SharedColumn<T>;  // a live capture's snapshots share them (core/util/shared_column.h)
  Col<StrId> id, endpoint, error, replica, purpose;  // purpose: "" or "probe:prefill|decode"
  Col<uint8_t> warmup;
  Col<serving::RequestStatus> status;
  Col<int16_t> http_status;
  Col<Ns> arrival, sent, first_token, last_token, finish;
  Col<Ns> srv_received, srv_queued, srv_scheduled, srv_prefill_end, srv_finished;
  Col<uint32_t> prompt_tokens, cached_tokens, output_tokens;
  Col<uint32_t> itl_begin{0};
  Col<Ns> itl;
  size_t size() const { return id.size(); }
  // Row i's bar: start (arrival, else send) | queue | scheduled (server, else send) | prefill |
  // first token (client, else server) | decode | end (finish, else last token). kNoTime when unknown.
  Ns start_of(size_t i) const;
  Ns scheduled_of(size_t i) const;
  Ns first_token_of(size_t i) const;
  Ns end_of(size_t i) const;
};

enum class SeriesKind : uint8_t { Gauge, Counter, Histogram };
const char* to_string(SeriesKind k);
// Where a series was read: the endpoint's /metrics, a Prometheus server (fleet), a server log, a dump file.
enum class SeriesOrigin : uint8_t { Scrape, Fleet, Log, Dump };
const char* to_string(SeriesOrigin o);

// Metric series (scraped, fleet, log-derived, dump files): per-series rows, samples in one pair of
// columns. Counters and histogram buckets keep their raw cumulative samples.
struct SeriesTable {
  struct Info {
    StrId name = 0;    // as exposed or canonical ("vllm:num_requests_running", "kv_cache_usage")
    StrId labels = 0;  // `a="x",b="y"` or empty
    StrId unit = 0;    // "s", "ms", "fraction", "requests", "tokens", "tok/s", ...
    SeriesKind kind = SeriesKind::Gauge;
    SeriesOrigin origin = SeriesOrigin::Scrape;
    uint32_t source = 0;          // into Session::sources
    uint32_t begin = 0, end = 0;  // rows of ts/value, sorted by ts
  };
  std::vector<Info> info;
  std::vector<Ns> ts;
  std::vector<double> value;
  size_t size() const { return info.size(); }
};

enum class IterationKind : uint8_t { Prefill, Decode, Mixed, Idle };
const char* to_string(IterationKind k);

// Engine iterations from server logs, sorted by (source, replica, start). start + dur = the logged end.
struct IterationTable {
  std::vector<Ns> start, dur;  // dur 0 when the log gives no duration
  std::vector<IterationKind> kind;
  std::vector<uint32_t> ctx_reqs, ctx_tokens, gen_reqs, gen_tokens;
  std::vector<StrId> replica;  // `engine="0"` and the like, or empty
  std::vector<uint32_t> source;
  size_t size() const { return start.size(); }
};

// Server-side request events from logs ("received", "added", "finished", "aborted"), by time.
struct ServerEventTable {
  std::vector<Ns> ts;
  std::vector<StrId> kind, request_id;
  std::vector<int64_t> value;
  size_t size() const { return ts.size(); }
};

struct Session {
  std::shared_ptr<const Run> run;  // never null; empty when only serving data was opened
  Ns epoch_base_ns = 0;            // epoch ns of session time 0
  std::vector<SessionSource> sources;
  StringPool strings;  // the serving tables' strings
  RequestTable requests;
  SeriesTable series;
  IterationTable iterations;
  ServerEventTable events;
  std::vector<kv::KvBlockEvent> kv_events;  // vLLM KV events on the session axis, sorted by time
  std::map<std::string, std::string> meta;  // run metadata of the serving sources (redacted)
  std::vector<std::string> warnings;        // e.g. sources that do not overlap in time
  // MoE expert load (layers x experts counts, passes, balancedness lines), one per expert input; no
  // time axis of their own except balancedness lines.
  std::vector<experts::ExpertLoad> experts;

  Session() = default;
  Session(Session&&) = default;
  Session& operator=(Session&&) = default;
  // A copy that shares the request columns and strings (O(1) in the requests): what a live capture
  // publishes while it keeps appending to the original.
  Session share() const;

  std::string_view str(StrId id) const { return strings.view(id); }
  bool has_serving() const {
    return requests.size() || series.size() || iterations.size() || kv_events.size();
  }
  // Span over the trace and every serving table: [begin, end); {0, 0} when empty.
  std::pair<Ns, Ns> span() const;
};

}  // namespace hp
