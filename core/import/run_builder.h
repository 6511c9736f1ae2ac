#pragma once
// RunBuilder: the shared "build" stage of every importer (tokenize -> sort -> build).
// Importers append events in file order; finish() sorts them, assigns nesting depth, moves
// partially overlapping slices to overflow lanes (counted, never dropped), binds flows, and joins
// GPU activities to their launching API call by correlation.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/model/run.h"

namespace hp {

struct SliceIn {
  Ns start = 0;
  Ns dur = 0;
  StrId name = 0;
  StrId cat = 0;
  SliceKind kind = SliceKind::Other;
  uint32_t track = 0;
  int64_t external_id = 0;
  ArgsRef args;
  uint64_t offset = 0;  // byte offset in the input, for warnings
};

struct GpuIn {
  int64_t correlation = 0;
  // The process that launched it: CUPTI correlation ids are unique per process only, so a kernel
  // links to a launch of the same (source, process). 0 when the source is one process (Kineto).
  int64_t process = 0;
  int32_t device = -1;
  int64_t stream = -1;
  GpuLaunch launch{};
};

struct FlowEndIn {
  uint64_t id = 0;
  StrId cat = 0;
  char phase = 's';             // 's', 't' or 'f'
  bool bind_enclosing = false;  // "bp":"e"
  Ns ts = 0;
  uint32_t track = 0;
  uint64_t offset = 0;
};

struct InstantIn {
  Ns ts = 0;
  uint32_t track = 0;
  StrId name = 0;
  StrId cat = 0;
  char scope = 't';
  ArgsRef args;
};

class RunBuilder {
 public:
  RunBuilder();
  ~RunBuilder();
  RunBuilder(const RunBuilder&) = delete;
  RunBuilder& operator=(const RunBuilder&) = delete;

  StrId intern(std::string_view s);
  StrId intern(std::string_view s, uint64_t hash);  // hash = StringPool::hash(s)
  ArgsRef add_args(std::string_view raw_json);
  ImportLog& log();

  // Stages by file path for files whose path does not say it (see load_inputs).
  void set_stage_hints(std::map<std::string, std::string> stages);
  // Starts a new input source (file); later events belong to it. Returns its index.
  uint32_t begin_source(TraceSource src);
  TraceSource& source();

  // Finds or creates the track for (rank, pid, tid) of the current source's rank.
  uint32_t track(int64_t pid, int64_t tid, TrackKind kind);
  Track& track_at(uint32_t index);

  // Returns the slice's provisional index, valid until finish().
  uint32_t add_slice(const SliceIn& s);
  void add_gpu(uint32_t slice, const GpuIn& g);
  void add_api(uint32_t slice, int64_t correlation, int64_t process = 0);
  void add_python(uint32_t slice, int64_t python_id, int64_t parent_id);
  // B/E pairs: begin pushes onto the track's stack, end pops and emits a slice (args merged).
  void begin_slice(const SliceIn& s);
  void end_slice(uint32_t track, Ns ts, uint64_t offset);
  void add_flow_end(const FlowEndIn& f);
  uint32_t add_instant(const InstantIn& i);  // returns its index until finish()
  // Args known only after the event was added (an NVTX domain named after its first use).
  void set_slice_args(uint32_t slice, ArgsRef args);
  void set_instant_args(uint32_t instant, ArgsRef args);
  void add_counter(int64_t pid, std::string_view series_name, Ns ts, double value);
  void note_redaction(std::string_view file, std::string_view what);

  // Process metadata (M events) for (current rank, pid); applied to every track of that pid.
  void set_process_name(int64_t pid, StrId name);
  void set_process_sort(int64_t pid, int64_t sort_index);
  // Capacity hint: expected number of slices of the whole load.
  void reserve_slices(size_t n);
  // Capacity hint for raw args text: bytes still to come (an upper bound is fine).
  void reserve_args(size_t more_bytes);
  size_t slice_count() const;

  // Consumes the builder. The result is immutable by convention.
  std::unique_ptr<Run> finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hp
