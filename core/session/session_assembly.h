#pragma once
// The steps of building a Session, shared by SessionBuilder (every source at once) and
// LiveSessionBuilder (one capture, again and again as it grows): where session time 0 sits, one
// serving source's tables, and the sorts that end a build.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/serving/serving_data.h"
#include "core/session/engine_iterations.h"
#include "core/session/session.h"

namespace hp {

// Epoch ns of the earliest and latest serving times in d; {0, 0} when it holds none.
std::pair<Ns, Ns> serving_extent(const ServingData& d);

// Session time 0 (epoch ns) and the trace's source row (absent when the Run is empty).
struct ClockPlacement {
  Ns epoch_base_ns = 0;
  std::optional<SessionSource> trace;
};
// serving_lo: the earliest serving epoch ns, INT64_MAX when there is none; meta: the serving
// sources' (a serve-profile run records where the profiler started).
ClockPlacement place_clock(const Run& run, const std::string& run_name, Ns serving_lo,
                           const std::map<std::string, std::string>& meta);

// Appends one source's requests, column by column; `off` moves its epoch times onto the session;
// `replica` names the server that handled them, when the source says (a server log's requests).
void append_requests(Session& s, const serving::RequestColumns& c, Ns off, StrId replica);

// Iterations are sorted once every source has added its own.
struct PendingIterations {
  std::vector<IterationRow> rows;
  std::vector<uint32_t> source;
};
// Appends one source's metric series, server events and KV events (epoch ns + off = session ns) and
// collects its engine iterations; src gets the log's resolution when its times are whole seconds.
void append_source_tables(Session& s, const ServingData& d, SourceKind kind, uint32_t source_index, Ns off,
                          SessionSource& src, PendingIterations& iterations);

// KV and server events by time, iterations by (source, replica, start).
void finish_tables(Session& s, PendingIterations& iterations);
// A warning for each source that holds data but overlaps no other in time.
void warn_lone_sources(Session& s);

}  // namespace hp
